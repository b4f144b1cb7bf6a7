import { readFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { S3UrlError } from '@aisaws/cloudtrail-s3';
import { catalog, type DetectionDefinition } from '@aisaws/core/detections';
import { DEFAULT_POLICY, type Policy, PolicyError, parsePolicy } from '@aisaws/core/policy';
import { type BaselineStore, InMemoryBaselineStore } from '@aisaws/core/ports';
import { defaultScorer, type Scorer } from '@aisaws/core/scoring';
import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { listS3Inputs, S3ListError, splitS3Paths, spoolS3Objects } from '../s3/s3-inputs.js';
import { discoverFiles, type InputFile, ScanPathError } from './discover-files.js';
import { createDefaultSyncScorer, createEvaluator, toScanError } from './evaluate.js';
import { createProgress } from './progress.js';
import { readInputFile } from './read-input.js';
import { createJsonReporter } from './reporters/json-reporter.js';
import type { ScanReporter } from './reporters/reporter.js';
import { createSarifReporter } from './reporters/sarif-reporter.js';
import { createTableReporter } from './reporters/table-reporter.js';
import { createSummary, formatSummary, hasLevelAtLeast, recordEvaluation } from './summary.js';

/** Exit codes of `aisaws scan`. */
const EXIT_OK = 0;
/** `--fail-on`: a decision at that level or above exists. */
const EXIT_FINDINGS = 1;
/** Usage error: missing path, bad option value, invalid policy file. */
const EXIT_USAGE = 2;

const SCAN_FORMATS = ['table', 'json', 'sarif'] as const;

const ScanOptionsSchema = z.strictObject({
  paths: z
    .array(z.string().min(1, 'a PATH is empty'))
    .min(1, 'scan needs at least one PATH (a CloudTrail file or a folder)'),
  format: z
    .enum(SCAN_FORMATS, {
      error: (issue) => `--format must be table, json or sarif, not ${JSON.stringify(issue.input)}`,
    })
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
});

/** What the command line gives `runScan`: plain strings, validated by ScanOptionsSchema. */
interface ScanOptionsInput {
  readonly paths: readonly string[];
  readonly format?: string;
  readonly policy?: string;
  readonly failOn?: string;
  readonly all?: boolean;
  readonly progress?: boolean;
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
}

const messageOf = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string'
    ? error.message
    : String(error);

/** Reads and validates the `--policy` file (JSON); every failure names the file and the field. */
async function loadPolicy(path: string | undefined): Promise<Policy> {
  if (path === undefined) return DEFAULT_POLICY;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ScanUsageError(`cannot read the policy file ${path}: ${messageOf(error)}`);
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
    case 'table':
      return createTableReporter(io.stdout, { all: options.all });
  }
}

/**
 * `aisaws scan`: reads every input file in order, runs each event through detect → score → decide, writes one
 * output per event (format table, json or sarif) and a summary on stderr. Returns the exit code: 0 when the scan ran
 * (whatever it found), 1 with `--fail-on` when a decision reached that level, 2 on a usage error.
 */
async function runScan(input: ScanOptionsInput, io: ScanIo, deps: ScanDeps = {}): Promise<number> {
  const startedAt = performance.now();
  let options: ScanOptions;
  let policy: Policy;
  let files: Awaited<ReturnType<typeof discoverFiles>>;
  let s3: S3Client | undefined;
  let s3Listing: Awaited<ReturnType<typeof listS3Inputs>> = { objects: [], skipped: [] };
  try {
    options = parseOptions(input);
    policy = await loadPolicy(options.policy);
    const { local, s3: locations } = splitS3Paths(options.paths);
    files = local.length > 0 ? await discoverFiles(local) : [];
    if (locations.length > 0) {
      s3 = deps.s3 ?? new S3Client({});
      s3Listing = await listS3Inputs(s3, locations);
    }
  } catch (error) {
    if (
      error instanceof ScanUsageError ||
      error instanceof ScanPathError ||
      error instanceof S3UrlError ||
      error instanceof S3ListError
    ) {
      io.stderr.write(`aisaws scan: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }

  const scanStart = deps.now?.() ?? new Date();
  const baseline = deps.baseline ?? new InMemoryBaselineStore();
  const evaluate = createEvaluator({
    scorer: deps.scorer ?? defaultScorer,
    baseline,
    ...(deps.scorer === undefined && baseline instanceof InMemoryBaselineStore
      ? { scoreSync: createDefaultSyncScorer(baseline) }
      : {}),
    policy,
    receivedAt: scanStart.toISOString(),
    now: scanStart,
  });
  const reporter = createReporter(options, io, deps);
  const summary = createSummary();
  const totalBytes =
    files.reduce((sum, file) => sum + file.size, 0) + s3Listing.objects.reduce((sum, o) => sum + o.size, 0);
  const progress = createProgress(io.stderr, totalBytes, options.progress, s3Listing.objects.length);
  const onBytes = (bytes: number) => progress.addBytes(bytes);

  /** Local files, then S3 objects (spooled to a temporary file each, and named by their s3:// URL). */
  async function* inputs(): AsyncGenerator<
    { file: InputFile; name?: string } | { unreadable: string; name: string }
  > {
    for (const file of files) yield { file };
    if (s3 === undefined) return;
    for await (const object of spoolS3Objects(s3, s3Listing.objects)) {
      progress.addObject();
      if (object.kind === 'unreadable') yield { unreadable: object.error, name: object.ref.name };
      else yield { file: { path: object.path, size: object.ref.size }, name: object.ref.name };
    }
  }

  try {
    for await (const input of inputs()) {
      summary.files++;
      if ('unreadable' in input) {
        const evaluation = {
          kind: 'error' as const,
          error: toScanError({
            kind: 'error',
            error: input.unreadable,
            location: { file: input.name, line: 1 },
          }),
        };
        recordEvaluation(summary, evaluation);
        const wait = reporter.report(evaluation);
        if (wait) await wait;
        continue;
      }
      const { file, name } = input;
      for await (const batch of readInputFile(file, { onBytes })) {
        for (const read of batch) {
          const item = name === undefined ? read : renamed(read, name);
          if (item.kind === 'skipped') {
            summary.skipped.push({ file: item.file, reason: item.reason });
            continue;
          }
          let evaluation =
            item.kind === 'candidate' ? evaluate(item) : { kind: 'error' as const, error: toScanError(item) };
          if (evaluation instanceof Promise) evaluation = await evaluation;
          recordEvaluation(summary, evaluation);
          const wait = reporter.report(evaluation);
          if (wait) await wait;
        }
        progress.setEvents(summary.events + summary.errors);
      }
    }
  } finally {
    progress.stop();
  }
  summary.elapsedMs = performance.now() - startedAt;
  await reporter.finish(summary);

  for (const skipped of [...s3Listing.skipped, ...summary.skipped])
    io.stderr.write(`aisaws scan: skipped ${skipped.file}: ${skipped.reason}\n`);
  io.stderr.write(formatSummary(summary));
  if (options.failOn !== undefined && hasLevelAtLeast(summary, options.failOn)) {
    io.stderr.write(`aisaws scan: failing: a decision at ${options.failOn} or above (--fail-on)\n`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
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
  EXIT_OK,
  EXIT_USAGE,
  loadPolicy,
  runScan,
  SCAN_FORMATS,
  ScanOptionsSchema,
  ScanUsageError,
};
