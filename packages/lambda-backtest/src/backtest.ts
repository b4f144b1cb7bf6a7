import { createHash } from 'node:crypto';
import {
  type LogObjectEntry,
  LogObjectError,
  openS3Object,
  readLogObject,
  s3Url,
  skipReasonOf,
} from '@aisaws/cloudtrail-s3';
import type { Policy } from '@aisaws/core/policy';
import type { Clock } from '@aisaws/core/ports';
import { isThrottling, isTransient, type StageLogger } from '@aisaws/lambda-runtime';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  type BacktestBatch,
  type BacktestBatchResult,
  BacktestBatchSchema,
  DECISION_ACTIONS,
} from './batch.js';
import { createRecordScanner, type ErrorRow } from './scan-record.js';

interface BacktestDeps {
  readonly s3: S3Client;
  /** Bucket the findings are written to. */
  readonly findingsBucket: string;
  /** Key prefix of every run's findings (ends with `/` or is empty). */
  readonly findingsPrefix: string;
  readonly policy: Policy;
  readonly clock: Clock;
  /** Most decompressed bytes read from one object. */
  readonly maxObjectBytes?: number;
  /** Objects fetched ahead of the one being scanned (default 4): S3 latency overlaps the scan. */
  readonly objectsInFlight?: number;
  readonly logger?: Pick<StageLogger, 'info' | 'warn'>;
}

/** Objects fetched at once by default: enough to hide S3's latency behind the scan, few MiB of memory each. */
const DEFAULT_OBJECTS_IN_FLIGHT = 4;

type ObjectRead =
  | { readonly ok: true; readonly entries: LogObjectEntry[] }
  | { readonly ok: false; readonly error: unknown };

const messageOf = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * A failure a retry may fix (5xx, timeout, throttle): thrown, so the Map's Retry and, after it, its
 * ToleratedFailurePercentage handle the batch. Anything else about one object (corrupt, not JSON, gone, denied)
 * becomes an error row and the batch goes on.
 */
const isRetryable = (error: unknown): boolean => isTransient(error) || isThrottling(error);

/**
 * The key of a batch's findings: `<prefix><runId>/findings/<sha256 of the batch's keys, 24 hex>.jsonl`. Derived
 * from the items, so a retried batch overwrites its own object instead of adding a second copy.
 */
function findingsKey(prefix: string, batch: BacktestBatch): string {
  const digest = createHash('sha256');
  for (const item of batch.Items) digest.update(`${item.Key}\n`);
  return `${prefix}${batch.BatchInput.runId}/findings/${digest.digest('hex').slice(0, 24)}.jsonl`;
}

/**
 * The backtest use case for one Distributed Map batch: each listed object is streamed from S3 and read as a
 * CloudTrail log file, each record goes through detect → score → decide (no remediation, nothing recorded), and
 * the events with detections plus every error row are written as JSON Lines to one findings object.
 */
function createBacktestHandler(deps: BacktestDeps): (input: unknown) => Promise<BacktestBatchResult> {
  return async (input) => {
    const batch = BacktestBatchSchema.parse(input);
    const scan = createRecordScanner({ policy: deps.policy, now: deps.clock.now() });
    const lines: string[] = [];
    const result = {
      objects: 0,
      skippedObjects: 0,
      unreadableObjects: 0,
      events: 0,
      findings: 0,
      errors: 0,
      decisions: Object.fromEntries(DECISION_ACTIONS.map((action) => [action, 0])) as Record<
        (typeof DECISION_ACTIONS)[number],
        number
      >,
    };
    const addError = (row: ErrorRow) => {
      result.errors++;
      lines.push(JSON.stringify(row));
    };

    // Objects are fetched a few at a time (an S3 GET waits tens of ms, billed as Lambda duration) and scanned in
    // order. A read never rejects here: its failure is handled in order, like its records.
    const bucket = batch.BatchInput.bucket;
    const toRead = batch.Items.map((item) => ({
      item,
      skip: skipReasonOf(item.Key, item.Size ?? 1) !== undefined,
    }));
    const reads: (Promise<ObjectRead> | undefined)[] = [];
    const startRead = (index: number) => {
      const next = toRead[index];
      if (next === undefined || next.skip || reads[index] !== undefined) return;
      reads[index] = openS3Object(deps.s3, { bucket, key: next.item.Key })
        .then((body) => readLogObject(body, { maxBytes: deps.maxObjectBytes }))
        .then(
          (entries): ObjectRead => ({ ok: true, entries }),
          (error: unknown): ObjectRead => ({ ok: false, error }),
        );
    };
    const readAhead = deps.objectsInFlight ?? DEFAULT_OBJECTS_IN_FLIGHT;
    for (let index = 0; index < toRead.length; index++) {
      const { item, skip } = toRead[index] as (typeof toRead)[number];
      result.objects++;
      const file = s3Url(bucket, item.Key);
      if (skip) {
        result.skippedObjects++;
        continue;
      }
      for (let ahead = index; ahead < index + readAhead; ahead++) startRead(ahead);
      const read = await (reads[index] as Promise<ObjectRead>);
      reads[index] = undefined;
      let entries: LogObjectEntry[];
      if (read.ok) entries = read.entries;
      else {
        const { error } = read;
        // A connection dropped mid-body surfaces as a LogObjectError whose cause is the network error.
        if (isRetryable(error) || (error instanceof LogObjectError && isRetryable(error.cause))) throw error;
        const reason = error instanceof LogObjectError ? error.message : messageOf(error);
        result.unreadableObjects++;
        deps.logger?.warn('unreadable object', { object: file, error: reason });
        addError({ error: `unreadable object: ${reason}`, file });
        continue;
      }
      for (const entry of entries) {
        if (entry.kind === 'error') {
          addError({
            error: entry.error,
            file,
            ...(entry.line !== undefined ? { line: entry.line } : {}),
            ...(entry.index !== undefined ? { index: entry.index } : {}),
          });
          continue;
        }
        const scanned = scan(entry.value, { file, index: entry.index });
        if (scanned.kind === 'error') {
          addError(scanned.row);
          continue;
        }
        result.events++;
        result.decisions[scanned.row.decision.action as (typeof DECISION_ACTIONS)[number]]++;
        if (scanned.row.detections.length > 0) {
          result.findings++;
          lines.push(JSON.stringify(scanned.row));
        }
      }
    }

    let findingsObject: string | null = null;
    if (lines.length > 0) {
      const key = findingsKey(deps.findingsPrefix, batch);
      await deps.s3.send(
        new PutObjectCommand({
          Bucket: deps.findingsBucket,
          Key: key,
          Body: `${lines.join('\n')}\n`,
          ContentType: 'application/x-ndjson',
        }),
      );
      findingsObject = s3Url(deps.findingsBucket, key);
    }
    deps.logger?.info('batch scanned', { ...result, findingsObject });
    return { ...result, findingsObject };
  };
}

export type { BacktestDeps };
export { createBacktestHandler, findingsKey };
