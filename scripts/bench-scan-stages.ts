/**
 * Where `aisaws scan` spends its time, stage by stage, on one JSON Lines file (the bench:scan input with --keep, or
 * any dataset file): each stage runs everything before it plus itself, in this process, and prints its CPU time.
 *
 *   pnpm exec tsx scripts/bench-scan-stages.ts FILE [--runs N]
 */
import { closeSync, createReadStream, openSync, readSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { catalog } from '../packages/core/src/detections/index.js';
import { DEFAULT_POLICY } from '../packages/core/src/policy/index.js';
import { InMemoryBaselineStore } from '../packages/core/src/ports/index.js';
import { isCloudTrailRecord } from '../packages/core/src/schemas/index.js';
import { defaultScorer } from '../packages/core/src/scoring/index.js';
import {
  type CandidateItem,
  createDefaultSyncScorer,
  createScanPipeline,
  encodeResultLine,
  errorJson,
  type InputItem,
  LineSplitter,
  type ScanResult,
  unwrapDocument,
} from '../packages/scan-engine/src/index.js';

const file = process.argv[2];
if (!file) throw new Error('usage: bench-scan-stages.ts FILE [--runs N]');
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 3;
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? process.argv[onlyAt + 1] : undefined;

/** Each stage does what the ones before it do, plus: */
type Stage =
  /** node:readline over the file (the floor's reader), for comparison: not part of the others. */
  | 'readline'
  /** the scan's reader: sync reads into one buffer, LineSplitter cuts and decodes lines. */
  | 'lines'
  /** JSON.parse of each line. */
  | 'parse'
  /** unwrapDocument (records, envelopes) and the trigger-index look-up (counted). */
  | 'unwrap'
  /** isCloudTrailRecord. */
  | 'shape'
  /** pipeline.prepare: check again, summarise, detect. */
  | 'prepare'
  /** pipeline.complete: baseline, features, risk, decision, output objects. */
  | 'score'
  /** the --format json lines, encoded as the reporter does into a 64 KiB buffer (reused when full). */
  | 'format'
  /** writing each full buffer to /dev/null. */
  | 'write';
const STAGES: Stage[] = [
  'readline',
  'lines',
  'parse',
  'unwrap',
  'shape',
  'prepare',
  'score',
  'format',
  'write',
];

async function readlineOnly(): Promise<number> {
  let n = 0;
  const lines = createInterface({
    input: createReadStream(file as string, { highWaterMark: 1 << 16 }),
    crlfDelay: Infinity,
  });
  for await (const line of lines) if (line !== '') n++;
  return n;
}

function run(stage: Stage): number {
  const upTo = STAGES.indexOf(stage);
  const at = (s: Stage) => upTo >= STAGES.indexOf(s);
  const now = new Date('2026-12-01T00:00:00Z');
  const baseline = new InMemoryBaselineStore();
  const pipeline = createScanPipeline({
    scorer: defaultScorer,
    baseline,
    scoreSync: createDefaultSyncScorer(baseline),
    policy: DEFAULT_POLICY,
    receivedAt: now.toISOString(),
    now,
  });
  const out = at('write') ? openSync('/dev/null', 'w') : -1;
  const outChunk = Buffer.allocUnsafe(1 << 16);
  let outUsed = 0;
  let count = 0;
  let candidates = 0;
  let outBytes = 0;
  const items: InputItem[] = [];
  const flushOut = (): void => {
    outBytes += outUsed;
    if (at('write')) writeSync(out, outChunk, 0, outUsed);
    outUsed = 0;
  };
  const writeLine = (text: string): void => {
    if (outUsed + text.length > outChunk.length) flushOut();
    outUsed += outChunk.write(text, outUsed, 'latin1');
  };
  const writeResult = (result: ScanResult): void => {
    let end = encodeResultLine(result, outChunk, outUsed);
    if (end < 0) {
      flushOut();
      end = encodeResultLine(result, outChunk, 0);
    }
    outUsed = end;
  };
  const onLine = (line: string, lineNumber: number): boolean => {
    count++;
    if (!at('parse') || line === '') return true;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return true;
    }
    if (!at('unwrap')) return true;
    items.length = 0;
    unwrapDocument(value, { file: file as string, line: lineNumber }, items);
    for (const item of items) {
      if (item.kind !== 'candidate') continue;
      const v = (item as CandidateItem).value;
      const identity = v.userIdentity as { type?: unknown } | undefined;
      if (catalog.hasCandidates(v.eventSource, v.eventName, identity?.type)) candidates++;
      if (!at('shape')) continue;
      isCloudTrailRecord(v);
      if (!at('prepare')) continue;
      const prepared = pipeline.prepare(item);
      if (!at('score')) continue;
      const evaluation =
        prepared.kind === 'error' ? prepared : pipeline.complete(prepared.ingested, prepared.location);
      if (evaluation instanceof Promise) throw new Error('the default scorer answers synchronously');
      if (!at('format')) continue;
      // As the json reporter writes: a result line encoded as bytes, an error line copied as ASCII.
      if (evaluation.kind === 'error') writeLine(`${errorJson(evaluation.error)}\n`);
      else writeResult(evaluation.result);
    }
    return true;
  };
  const splitter = new LineSplitter(256 * 1024 * 1024);
  const fd = openSync(file as string, 'r');
  const buffer = Buffer.allocUnsafe(1 << 18);
  for (;;) {
    const n = readSync(fd, buffer, 0, buffer.length, null);
    if (n === 0) break;
    splitter.push(buffer.subarray(0, n), onLine, () => true);
  }
  splitter.end(onLine, () => true);
  closeSync(fd);
  flushOut();
  if (out !== -1) closeSync(out);
  if (stage === 'parse') console.log(`  (${count} lines)`);
  if (stage === 'unwrap') console.log(`  (${candidates} records have trigger candidates)`);
  if (stage === 'format') console.log(`  (${outBytes} output bytes)`);
  return count;
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function main(): Promise<void> {
  const results = new Map<Stage, number[]>();
  for (let r = 0; r < runs; r++) {
    for (const stage of STAGES) {
      if (only !== undefined && stage !== only) continue;
      globalThis.gc?.();
      const start = cpu();
      if (stage === 'readline') await readlineOnly();
      else run(stage);
      const list = results.get(stage) ?? [];
      list.push(cpu() - start);
      results.set(stage, list);
    }
  }
  let previous = 0;
  for (const stage of STAGES) {
    const sorted = [...(results.get(stage) ?? [])].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
    const delta = stage === 'readline' ? median : median - previous;
    console.log(`${stage.padEnd(9)} ${median.toFixed(2)} s CPU  (+${delta.toFixed(2)})`);
    if (stage !== 'readline') previous = median;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
