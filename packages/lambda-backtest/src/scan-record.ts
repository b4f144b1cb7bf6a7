import { toIngestedEvent } from '@aisaws/core/events';
import { decide, levelFor, type Policy, selfRoleArnsOf } from '@aisaws/core/policy';
import { InMemoryBaselineStore } from '@aisaws/core/ports';
import { CloudTrailRecordSchema } from '@aisaws/core/schemas';
import { DEFAULT_WEIGHTS, observationOf, scoreSync } from '@aisaws/core/scoring';
import type * as z from 'zod/mini';

/** Where a row came from: the object (`s3://bucket/key`) and the record's index in it, or the line. */
interface RowSource {
  readonly file: string;
  readonly index?: number;
  readonly line?: number;
}

/** One scanned event: the `aisaws scan --format json` line (DESIGN.md §4) plus where it came from. */
interface FindingRow {
  readonly eventId: string;
  readonly eventName: string;
  readonly eventTime?: string;
  readonly account: string;
  readonly region: string;
  readonly detections: { id: string; severity: number; title: string }[];
  readonly risk: {
    score: number;
    level: 'LOW' | 'MEDIUM' | 'HIGH';
    explanation: { feature: string; contribution: number }[];
  };
  readonly decision: { action: string; reason: string };
  readonly source: RowSource;
}

/** An input that is not a valid event, or an object that could not be read: kept as a row, never dropped. */
interface ErrorRow {
  readonly error: string;
  readonly file: string;
  readonly index?: number;
  readonly line?: number;
  readonly eventId?: string;
  readonly eventName?: string;
}

type ScannedRow =
  | { readonly kind: 'event'; readonly row: FindingRow }
  | { readonly kind: 'error'; readonly row: ErrorRow };

interface RecordScannerOptions {
  readonly policy: Policy;
  /** The scan's start: every event's receivedAt and every decision's time. */
  readonly now: Date;
}

const stringField = (value: unknown, field: string): string | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = (value as Record<string, unknown>)[field];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

const describeIssues = (error: z.core.$ZodError): string =>
  error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');

/**
 * Detect → score → decide for one CloudTrail record, with core's own functions in the order of DESIGN.md §1 and
 * the same steps as `aisaws scan`: lenient record schema, `toIngestedEvent` (the catalog's detections), the default
 * logistic model over an in-memory baseline (shared by every record this scanner sees), the policy's decision.
 * Nothing is remediated: the decision is what AISAWS would have done.
 */
function createRecordScanner(
  options: RecordScannerOptions,
): (value: unknown, source: RowSource) => ScannedRow {
  const baseline = new InMemoryBaselineStore();
  const ingestOptions = {
    receivedAt: options.now.toISOString(),
    detect: { selfRoleArns: selfRoleArnsOf(options.policy) },
  };
  const decideContext = { now: options.now };
  return (value, source) => {
    const parsed = CloudTrailRecordSchema.safeParse(value, { reportInput: true });
    if (!parsed.success) {
      const eventId = stringField(value, 'eventID');
      const eventName = stringField(value, 'eventName');
      return {
        kind: 'error',
        row: {
          error: `invalid CloudTrail record: ${describeIssues(parsed.error)}`,
          ...source,
          ...(eventId !== undefined ? { eventId } : {}),
          ...(eventName !== undefined ? { eventName } : {}),
        },
      };
    }
    const ingested = toIngestedEvent(parsed.data, ingestOptions);
    const risk = scoreSync(ingested, baseline.observeSync(observationOf(ingested)), DEFAULT_WEIGHTS);
    const decision = decide({ ...ingested, risk }, options.policy, decideContext);
    return {
      kind: 'event',
      row: {
        eventId: ingested.eventId,
        eventName: ingested.summary.eventName,
        ...(ingested.summary.eventTime !== undefined ? { eventTime: ingested.summary.eventTime } : {}),
        account: ingested.summary.account,
        region: ingested.summary.region,
        detections: ingested.detections.map((hit) => ({
          id: hit.id,
          severity: hit.severity,
          title: hit.title,
        })),
        risk: {
          score: risk.score,
          level: levelFor(risk.score, options.policy),
          explanation: risk.explanation.map((c) => ({ feature: c.feature, contribution: c.contribution })),
        },
        decision: { action: decision.action, reason: decision.reason },
        source,
      },
    };
  };
}

export type { ErrorRow, FindingRow, RecordScannerOptions, RowSource, ScannedRow };
export { createRecordScanner };
