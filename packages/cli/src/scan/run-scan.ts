import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { Writable } from 'node:stream';
import { S3UrlError } from '@aisaws/cloudtrail-s3/url';
import { catalog, type DetectionDefinition } from '@aisaws/core/detections';
import { DEFAULT_POLICY, type Policy, PolicyError, parsePolicy } from '@aisaws/core/policy';
import { type BaselineStore, InMemoryBaselineStore } from '@aisaws/core/ports';
import { defaultScorer, type Scorer } from '@aisaws/core/scoring';
import type { FullEntry, PoolTask, WorkerInit } from '@aisaws/scan-engine';
import {
  createDefaultSyncScorer,
  createScanPipeline,
  DEFAULT_MAX_LINE_BYTES,
  type DiscoveredPath,
  discoverFiles,
  type Evaluation,
  type FileItem,
  readInputFile,
  ScanPathError,
  type ScanPipeline,
  ScanPool,
  splitPoints,
  toScanError,
} from '@aisaws/scan-engine';
import { type EarlyWorker, POOL_MIN_BYTES } from '@aisaws/scan-engine/worker-entry';
import type { S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import { S3ListError, splitS3Paths } from '../s3/s3-paths.js';
import { oneLine, sanitizeForTerminal } from '../terminal.js';
import { OutputClosedError } from './buffered-writer.js';
import { createProgress } from './progress.js';
import { createJsonReporter } from './reporters/json-reporter.js';
import { createOcsfReporter } from './reporters/ocsf-reporter.js';
import type { ScanReporter } from './reporters/reporter.js';
import { createSarifReporter } from './reporters/sarif-reporter.js';
import { createTableReporter } from './reporters/table-reporter.js';
import {
  createSummary,
  formatSkipNotes,
  formatSummary,
  hasLevelAtLeast,
  recordEvaluation,
  type ScanSummary,
} from './summary.js';
import { lowerMainThreadPriority } from './thread-priority.js';

type S3Inputs = typeof import('../s3/s3-inputs.js');

/** Exit codes of `aisaws scan`. */
const EXIT_OK = 0;
/** `--fail-on`: a decision at that level or above exists. */
const EXIT_FINDINGS = 1;
/** Usage error: missing path, bad option value, invalid policy file. */
const EXIT_USAGE = 2;
/** The scan ran, but a file or folder could not be read (its error is in the output; every other result is too). */
const EXIT_INCOMPLETE = 3;

/** Largest `--policy` file read: a policy is a few KB; /dev/zero or a log file given by mistake is refused. */
const MAX_POLICY_BYTES = 1024 * 1024;
/** `--max-line-mb` bounds: a line must fit in one V8 string, with room to parse it. */
const MAX_LINE_MB_LIMIT = 512;

const MAX_WORKERS = 64;

const SCAN_FORMATS = ['table', 'json', 'sarif', 'ocsf'] as const;

const ScanOptionsSchema = z.strictObject({
  paths: z
    .array(z.string().min(1, 'a PATH is empty'))
    .min(1, 'scan needs at least one PATH (a CloudTrail file or a folder)'),
  format: z
    .string()
    .transform((format) => format.toLowerCase())
    .pipe(
      z.enum(SCAN_FORMATS, {
        error: (issue) => `--format must be table, json, sarif or ocsf, not ${JSON.stringify(issue.input)}`,
      }),
    )
    .default('table'),
  policy: z.string().min(1, '--policy needs a file').optional(),
  failOn: z
    .string()
    .transform((level) => level.toUpperCase())
    .pipe(
      z.enum(['LOW', 'MEDIUM', 'HIGH'], {
        error: (issue) => `--fail-on must be low, medium or high, not ${JSON.stringify(issue.input)}`,
      }),
    )
    .optional(),
  /** Table only: list every event, not only those with detections or errors. */
  all: z.boolean().default(false),
  /** Show the progress bar (it shows only when stderr is a terminal anyway). */
  progress: z.boolean().default(true),
  /** Read every JSON file as events, also those that are plainly not CloudTrail. */
  strict: z.boolean().default(false),
  /**
   * Threads that read and prepare records, the main thread included (1: the main thread alone; N: it and N − 1
   * worker threads); default the CPUs.
   */
  workers: z
    .union(
      [
        z.number(),
        z
          .string()
          .regex(/^\s*\d+\s*$/)
          .transform(Number),
      ],
      {
        error: (issue) => `--workers must be a whole number, not ${JSON.stringify(issue.input)}`,
      },
    )
    .pipe(
      z
        .number()
        .int()
        .min(1, '--workers must be at least 1')
        .max(MAX_WORKERS, `--workers must be at most ${MAX_WORKERS}`),
    )
    // One thread per CPU: the main thread and CPUs − 1 workers (on 2 CPUs one worker: measured 20 % faster in wall
    // time than the main thread alone, for 30 % more CPU).
    .default(() => Math.min(MAX_WORKERS, availableParallelism())),
  /** Longest line (and multi-line document) read, in MiB. */
  maxLineMb: z
    .union(
      [
        z.number(),
        z
          .string()
          .regex(/^\s*\d+(\.\d+)?\s*$/)
          .transform(Number),
      ],
      {
        error: (issue) => `--max-line-mb must be a number of MiB, not ${JSON.stringify(issue.input)}`,
      },
    )
    .pipe(
      z
        .number()
        .positive('--max-line-mb must be more than 0')
        .max(MAX_LINE_MB_LIMIT, `--max-line-mb must be at most ${MAX_LINE_MB_LIMIT}`),
    )
    .default(DEFAULT_MAX_LINE_BYTES / (1024 * 1024)),
});

/** What the command line gives `runScan`: plain strings, validated by ScanOptionsSchema. */
interface ScanOptionsInput {
  readonly paths: readonly string[];
  readonly format?: string;
  readonly policy?: string;
  readonly failOn?: string;
  readonly all?: boolean;
  readonly progress?: boolean;
  readonly strict?: boolean;
  readonly maxLineMb?: number | string;
  readonly workers?: number | string;
}
type ScanOptions = z.output<typeof ScanOptionsSchema>;

/** A usage problem (bad option, missing path, invalid policy): reported on stderr, exit code 2. */
class ScanUsageError extends Error {
  override readonly name = 'ScanUsageError';
}

/** The process streams a scan writes to; injectable so tests run the command in-process. */
interface ScanIo {
  readonly stdout: Writable;
  readonly stderr: Writable & { isTTY?: boolean };
  /** Base of relative paths in the SARIF log; default process.cwd(). */
  readonly cwd?: string;
  /** Told the summary when the scan ends (tests check the readers' work is linear in the input). */
  readonly onScanSummary?: (summary: ScanSummary) => void;
}

/** What a scan can be given instead of the defaults (a custom scorer or registry, a fixed clock in tests). */
interface ScanDeps {
  readonly scorer?: Scorer;
  readonly baseline?: BaselineStore;
  readonly rules?: readonly DetectionDefinition[];
  readonly toolVersion?: string;
  /** Scan start (the events' receivedAt); default now. */
  readonly now?: () => Date;
  /** Client for `s3://` paths; default one from the environment (credentials, region, AWS_ENDPOINT_URL_S3). */
  readonly s3?: S3Client;
  /** A worker thread started before the scan was known (bin.ts): the pool's first worker, or stopped unused. */
  readonly earlyWorker?: EarlyWorker;
  /**
   * Once the worker pool runs, lower the main thread's priority so that the workers run first
   * (`lowerMainThreadPriority`): only in the CLI's own process (bin.ts), as it lasts until the process ends.
   */
  readonly yieldToWorkers?: boolean;
  /** The worker pool's sizes (tests use small ones): input from which it runs, file size from which it is split, part size. */
  readonly pool?: {
    readonly minBytes?: number;
    readonly splitMinBytes?: number;
    readonly partBytes?: number;
  };
}

const messageOf = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string'
    ? error.message
    : String(error);

/** The policy file's text: a regular file of at most MAX_POLICY_BYTES (read no further than that). */
async function readPolicyText(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error('not a regular file');
    const buffer = Buffer.alloc(MAX_POLICY_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_POLICY_BYTES) throw new Error(`larger than ${MAX_POLICY_BYTES / 1024} KiB`);
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    await handle.close();
  }
}

/** Reads and validates the `--policy` file (JSON); every failure names the file and the field. */
async function loadPolicy(path: string | undefined): Promise<Policy> {
  if (path === undefined) return DEFAULT_POLICY;
  let text: string;
  try {
    text = await readPolicyText(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder' : messageOf(error);
    throw new ScanUsageError(`cannot read the policy file ${path}: ${reason}`);
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new ScanUsageError(`the policy file ${path} is not valid JSON: ${messageOf(error)}`);
  }
  try {
    return parsePolicy(input, path);
  } catch (error) {
    if (error instanceof PolicyError) throw new ScanUsageError(`invalid policy:\n${error.message}`);
    throw error;
  }
}

function parseOptions(input: ScanOptionsInput): ScanOptions {
  const parsed = ScanOptionsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ScanUsageError(parsed.error.issues.map((issue) => issue.message).join('\n'));
}

function createReporter(options: ScanOptions, io: ScanIo, deps: ScanDeps): ScanReporter {
  switch (options.format) {
    case 'json':
      return createJsonReporter(io.stdout);
    case 'sarif':
      return createSarifReporter(io.stdout, {
        rules: deps.rules ?? catalog.all,
        toolVersion: deps.toolVersion ?? '0.0.0',
        cwd: io.cwd ?? process.cwd(),
      });
    case 'ocsf':
      return createOcsfReporter(io.stdout, { productVersion: deps.toolVersion ?? '0.0.0' });
    case 'table':
      return createTableReporter(io.stdout, { all: options.all });
  }
}

/** A path that could not be read, as an output error (located at its first line, as file-level errors are). */
function unreadableItem(path: DiscoveredPath & { kind: 'unreadable' }): FileItem {
  return { kind: 'error', error: path.error, location: { file: path.path, line: 1 }, readFailure: true };
}

/**
 * Accounts for a path that is no file to read — skipped (noted in the summary) or unreadable (an output error) — and
 * says whether it was one; the loop and the worker pool both account for such paths with this, in input order.
 */
async function accountNonFile(
  path: DiscoveredPath,
  summary: ScanSummary,
  handle: (item: FileItem) => Promise<void> | undefined,
): Promise<boolean> {
  if (path.kind === 'skipped') {
    summary.skipped.push({ file: path.path, reason: path.reason });
    return true;
  }
  if (path.kind === 'unreadable') {
    await handle(unreadableItem(path));
    return true;
  }
  return false;
}

/**
 * What the scan assumed about AISAWS's own calls (trap T7): only the exact role ARNs of the policy's
 * `selfIdentity.roleArns` are AISAWS; without them, nothing is (every call is judged, whoever made it).
 */
function selfIdentityNote(policy: Policy): string {
  const count = policy.selfIdentity.roleArns.length;
  return count === 0
    ? "self-identity: none configured (policy selfIdentity.roleArns), so no call was treated as AISAWS's own"
    : `self-identity: calls by the ${count} role ARN${count === 1 ? '' : 's'} of policy selfIdentity.roleArns were AISAWS's own and not judged; a role merely named aisaws-* was judged like any other`;
}

/**
 * `aisaws scan`: reads every input file in order, runs each event through detect → score → decide, writes one
 * output per event (format table, json, sarif or ocsf) and a summary on stderr. Returns the exit code (README's table):
 * 0 when the scan ran (whatever it found, bad input included), 1 with `--fail-on` when a decision reached that level,
 * 2 on a usage error, 3 when a file or folder could not be read (every other file's results are still written).
 * A file that fails in any way is reported in its place and the scan goes on with the next one. When the reader of
 * the output goes away (`| head`), the scan stops quietly.
 */
async function runScan(input: ScanOptionsInput, io: ScanIo, deps: ScanDeps = {}): Promise<number> {
  const startedAt = performance.now();
  const note = (text: string) => io.stderr.write(sanitizeForTerminal(`aisaws scan: ${text}\n`));
  let options: ScanOptions;
  let policy: Policy;
  let paths: DiscoveredPath[];
  let s3: S3Client | undefined;
  let s3Listing: Awaited<ReturnType<S3Inputs['listS3Inputs']>> = { objects: [], skipped: [] };
  let s3Inputs: S3Inputs | undefined;
  try {
    options = parseOptions(input);
    policy = await loadPolicy(options.policy);
    const { local, s3: locations } = splitS3Paths(options.paths);
    paths = local.length > 0 ? await discoverFiles(local) : [];
    if (locations.length > 0) {
      // The S3 client code (the SDK) is loaded only for s3:// paths: a local scan starts without it.
      s3Inputs = await import('../s3/s3-inputs.js');
      s3 = deps.s3 ?? new (await import('@aws-sdk/client-s3')).S3Client({});
      s3Listing = await s3Inputs.listS3Inputs(s3, locations);
    }
  } catch (error) {
    // No scan: a worker started early for it is not needed (no thread outlives runScan).
    await deps.earlyWorker?.stop();
    if (
      error instanceof ScanUsageError ||
      error instanceof ScanPathError ||
      error instanceof S3UrlError ||
      error instanceof S3ListError
    ) {
      note(error.message);
      return EXIT_USAGE;
    }
    throw error;
  }

  const scanStart = deps.now?.() ?? new Date();
  const baseline = deps.baseline ?? new InMemoryBaselineStore();
  const pipeline = createScanPipeline({
    scorer: deps.scorer ?? defaultScorer,
    baseline,
    ...(deps.scorer === undefined && baseline instanceof InMemoryBaselineStore
      ? { scoreSync: createDefaultSyncScorer(baseline) }
      : {}),
    policy,
    receivedAt: scanStart.toISOString(),
    now: scanStart,
  });
  const evaluate = pipeline.evaluate;
  const reporter = createReporter(options, io, deps);
  const summary = createSummary();
  const totalBytes =
    paths.reduce((sum, path) => sum + (path.kind === 'file' ? path.size : 0), 0) +
    s3Listing.objects.reduce((sum, object) => sum + object.size, 0);
  const progress = createProgress(io.stderr, totalBytes, options.progress, s3Listing.objects.length);
  const readOptions = {
    onBytes: (bytes: number) => progress.addBytes(bytes),
    maxLineBytes: Math.floor(options.maxLineMb * 1024 * 1024),
    strict: options.strict,
    onWork: (bytes: number) => {
      summary.workBytes += bytes;
    },
  };

  // `handle` and `report` return a promise only when there is something to wait for (a custom scorer, output
  // back-pressure): most events are handled without one.
  const handle = (item: FileItem): Promise<void> | undefined => {
    if (item.kind === 'skipped') {
      // Opened, but not read as events (not JSON, not CloudTrail, blank): counted as skipped, not as scanned.
      summary.files--;
      summary.skipped.push(item);
      return undefined;
    }
    if (item.kind === 'error' && item.readFailure === true) summary.unreadable++;
    return report(
      item.kind === 'candidate' ? evaluate(item) : { kind: 'error' as const, error: toScanError(item) },
    );
  };
  const reportNow = (evaluation: Evaluation): Promise<void> | undefined => {
    recordEvaluation(summary, evaluation);
    return reporter.report(evaluation);
  };
  const report = (pending: Evaluation | Promise<Evaluation>): Promise<void> | undefined =>
    pending instanceof Promise ? pending.then(reportNow) : reportNow(pending);
  // Worker threads read and prepare the records when there is enough to read and the scoring is the default one
  // (the pool's main thread scores synchronously, in input order).
  const localBytes = paths.reduce((sum, path) => sum + (path.kind === 'file' ? path.size : 0), 0);
  const pooled =
    options.workers > 1 &&
    deps.scorer === undefined &&
    baseline instanceof InMemoryBaselineStore &&
    localBytes >= (deps.pool?.minBytes ?? POOL_MIN_BYTES);

  let outputClosed: OutputClosedError | undefined;
  try {
    if (pooled)
      await scanWithPool(paths, {
        workers: options.workers,
        init: {
          receivedAt: scanStart.toISOString(),
          policy,
          maxLineBytes: readOptions.maxLineBytes,
          strict: options.strict,
        },
        pipeline,
        handle,
        report,
        summary,
        progress,
        receivedAt: scanStart.toISOString(),
        sizes: deps.pool ?? {},
        ...(deps.earlyWorker !== undefined ? { earlyWorker: deps.earlyWorker } : {}),
        yieldToWorkers: deps.yieldToWorkers === true,
      });
    else
      for (const path of paths) {
        if (path.kind !== 'file') {
          await accountNonFile(path, summary, handle);
          continue;
        }
        summary.files++;
        await scanFile(path, readOptions, handle, summary);
        progress.setEvents(summary.events + summary.errors);
      }
    // Then S3 objects, each spooled to a temporary file and named by its s3:// URL.
    if (s3 !== undefined && s3Inputs !== undefined)
      for await (const object of s3Inputs.spoolS3Objects(s3, s3Listing.objects)) {
        progress.addObject();
        if (object.kind === 'unreadable') {
          await handle({
            kind: 'error',
            error: object.error,
            location: { file: object.ref.name, line: 1 },
            readFailure: true,
          });
          continue;
        }
        summary.files++;
        const file = { kind: 'file' as const, path: object.path, size: object.ref.size };
        await scanFile(file, readOptions, (item) => handle(renamed(item, object.ref.name)), summary);
        progress.setEvents(summary.events + summary.errors);
      }
    await reporter.finish(summary);
  } catch (error) {
    if (!(error instanceof OutputClosedError)) throw error;
    outputClosed = error;
  } finally {
    progress.stop();
    // Not adopted by a pool (or adopted and already stopped with it): no thread outlives the scan.
    await deps.earlyWorker?.stop();
  }
  summary.elapsedMs = performance.now() - startedAt;
  io.onScanSummary?.(summary);

  for (const skipped of s3Listing.skipped) note(`skipped ${skipped.file}: ${skipped.reason}`);
  for (const line of formatSkipNotes(summary)) note(line);
  note(selfIdentityNote(policy));
  io.stderr.write(sanitizeForTerminal(formatSummary(summary)));
  if (outputClosed) {
    // The reader went away (`| head`): nothing is wrong. Any other write failure is.
    if (outputClosed.readerClosed) return EXIT_OK;
    note(outputClosed.message);
    return EXIT_INCOMPLETE;
  }
  if (options.failOn !== undefined && hasLevelAtLeast(summary, options.failOn)) {
    note(`failing: a decision at ${options.failOn} or above (--fail-on)`);
    return EXIT_FINDINGS;
  }
  if (summary.unreadable > 0) {
    note(
      `${summary.unreadable} ${summary.unreadable === 1 ? 'path' : 'paths'} could not be read (see the errors)`,
    );
    return EXIT_INCOMPLETE;
  }
  return EXIT_OK;
}

/**
 * One file's items, handed on in order. Whatever goes wrong with the file (a reader bug included) becomes an error
 * in its place; only a closed output stops the scan.
 */
async function scanFile(
  file: DiscoveredPath & { kind: 'file' },
  options: Parameters<typeof readInputFile>[1],
  handle: (item: FileItem) => Promise<void> | undefined,
  summary: ScanSummary,
): Promise<void> {
  try {
    for await (const batch of readInputFile(file, options)) {
      for (const item of batch) {
        const wait = handle(item);
        if (wait) await wait;
      }
    }
  } catch (error) {
    if (error instanceof OutputClosedError) throw error;
    summary.unreadable++;
    await handle({
      kind: 'error',
      error: `cannot scan the file: ${oneLine(messageOf(error))}`,
      location: { file: file.path, line: 1 },
    });
  }
}

interface PooledScan {
  readonly workers: number;
  readonly init: WorkerInit;
  readonly pipeline: ScanPipeline;
  readonly handle: (item: FileItem) => Promise<void> | undefined;
  readonly report: (evaluation: Evaluation | Promise<Evaluation>) => Promise<void> | undefined;
  readonly summary: ScanSummary;
  readonly progress: ReturnType<typeof createProgress>;
  readonly receivedAt: string;
  readonly sizes: { readonly splitMinBytes?: number; readonly partBytes?: number };
  readonly earlyWorker?: EarlyWorker;
  readonly yieldToWorkers: boolean;
}

/**
 * The local paths through the worker pool: the same items, evaluations and order as the loop in `runScan` (a test
 * compares the two outputs byte for byte). Files are tasks; a large JSON Lines file is cut into parts at newlines.
 * `workers` counts the main thread: N − 1 worker threads read and prepare the records, the main thread scores,
 * decides and writes.
 */
async function scanWithPool(paths: readonly DiscoveredPath[], scan: PooledScan): Promise<void> {
  const { pipeline, handle, report, summary, progress } = scan;
  const tasks: PoolTask[] = [];
  /** Per path: its tasks (none for a skipped or unreadable path). */
  const plan: { path: DiscoveredPath; tasks: PoolTask[] }[] = [];
  for (const path of paths) {
    const own: PoolTask[] = [];
    if (path.kind === 'file') {
      const points = await splitPoints(path.path, path.size, scan.sizes).catch(() => undefined);
      if (points === undefined) own.push({ id: tasks.length + own.length, path: path.path, size: path.size });
      else
        for (let part = 0; part + 1 < points.length; part++)
          own.push({
            id: tasks.length + own.length,
            path: path.path,
            size: path.size,
            range: { start: points[part] as number, end: points[part + 1] as number },
          });
    }
    tasks.push(...own);
    plan.push({ path, tasks: own });
  }
  const pool = new ScanPool(
    Math.min(scan.workers - 1, Math.max(1, tasks.length)),
    scan.init,
    scan.earlyWorker !== undefined ? { early: scan.earlyWorker } : {},
  );
  // After the pool started its workers: they keep the priority they were started with.
  if (scan.yieldToWorkers) lowerMainThreadPriority();
  try {
    const events = pool.run(tasks);
    for (const { path, tasks: own } of plan) {
      if (await accountNonFile(path, summary, handle)) continue;
      summary.files++;
      for (let part = 0; part < own.length; part++) {
        for (;;) {
          const next = await events.next();
          if (next.done === true) throw new Error('the scan pool ended early');
          const event = next.value;
          if (event.type === 'failed') {
            summary.unreadable++;
            await handle({
              kind: 'error',
              error: `cannot scan the file: ${oneLine(event.message)}`,
              location: { file: path.path, line: 1 },
            });
            break;
          }
          if (event.type === 'done') {
            progress.addBytes(event.bytes);
            summary.workBytes += event.work;
            break;
          }
          const { message, decoder } = event;
          decoder.learn(message.strings, message.shapes, scan.receivedAt);
          let quiet = 0;
          let full = 0;
          for (const kind of message.order) {
            if (kind === 0) {
              const q = decoder.decode(message.quiet, quiet++, message.inline, path.path);
              const wait = report(
                pipeline.completeQuiet(q.shape, q.eventId, q.eventName, q.observation, q.location),
              );
              if (wait) await wait;
              continue;
            }
            const entry = message.full[full++] as FullEntry;
            if (entry.kind === 'item') await handle(entry.item);
            else if (entry.kind === 'evaluated') await report(entry.evaluation);
            else if (entry.kind === 'prepared')
              await report(pipeline.complete(entry.ingested, entry.location));
            else await handle({ kind: 'candidate', value: JSON.parse(entry.text), location: entry.location });
          }
          progress.addBytes(message.bytes);
          summary.workBytes += message.work;
        }
      }
      progress.setEvents(summary.events + summary.errors);
    }
    await events.return(undefined);
  } finally {
    await pool.close();
  }
}

/** An item read from a spooled S3 object, named by the object's s3:// URL instead of the temporary file. */
function renamed<T extends { kind: string }>(item: T, name: string): T {
  if ('location' in item) return { ...item, location: { ...(item.location as object), file: name } };
  if ('file' in item) return { ...item, file: name };
  return item;
}

export type { ScanDeps, ScanIo, ScanOptions, ScanOptionsInput };
export {
  EXIT_FINDINGS,
  EXIT_INCOMPLETE,
  EXIT_OK,
  EXIT_USAGE,
  loadPolicy,
  runScan,
  SCAN_FORMATS,
  ScanOptionsSchema,
  ScanUsageError,
};
