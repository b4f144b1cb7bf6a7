#!/usr/bin/env node
import { statSync } from 'node:fs';
import module from 'node:module';
import { availableParallelism } from 'node:os';
import { EarlyWorker, POOL_MIN_BYTES } from '@aisaws/scan-engine/worker-entry';

// Node 22.1+ caches compiled code on disk between runs (a faster start); older versions have no such API.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

/**
 * `aisaws scan` with worker threads: its first worker starts now, and loads its modules while this thread loads the
 * CLI's (~0.1 s on the main thread before a pool could start it). A guess from the arguments only (folders, or files
 * of enough bytes for a pool); a scan that runs without a pool after all (S3 objects only, a custom scorer) stops it
 * unused.
 */
function earlyScanWorker(args: readonly string[]): EarlyWorker | undefined {
  const words = args.filter((arg) => !arg.startsWith('-'));
  if (words[0] !== 'scan' || args.includes('--help') || args.includes('-h')) return undefined;
  const at = args.findIndex((arg) => arg === '--workers' || arg === '-w');
  const workers = at === -1 ? args.find((arg) => arg.startsWith('--workers='))?.slice(10) : args[at + 1];
  const threads = workers === undefined ? availableParallelism() : Number(workers);
  if (!(threads >= 2)) return undefined;
  // Option values among the words do no harm: they name no file, or a small one (a policy).
  let bytes = 0;
  for (const word of words.slice(1)) {
    if (word.startsWith('s3://')) continue;
    try {
      const info = statSync(word);
      if (info.isDirectory()) return new EarlyWorker(undefined, threads - 1);
      bytes += info.size;
    } catch {}
  }
  return bytes >= POOL_MIN_BYTES ? new EarlyWorker(undefined, threads - 1) : undefined;
}
const scanWorker = earlyScanWorker(process.argv.slice(2));

// The CLI's modules load after the worker started (imported statically, they would load before it).
const { EXIT_INTERNAL, EXIT_INTERRUPTED, reportInternalError, runCli } = await import('./program.js');

// Ctrl-C (or SIGTERM) aborts: a long command (demo) cleans up and ends with 130; a second one ends at once.
const interrupt = new AbortController();
const onSignal = () => {
  if (interrupt.signal.aborted) process.exit(EXIT_INTERRUPTED);
  interrupt.abort();
  if (!waitsForSignal()) process.exit(EXIT_INTERRUPTED);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
/** Commands that watch the signal and clean up; the others (scan, status) are simply stopped. */
function waitsForSignal(): boolean {
  const command = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
  return command === 'demo';
}

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  signal: interrupt.signal,
  ownProcess: true,
  ...(scanWorker !== undefined ? { scanWorker } : {}),
}).then(
  (code) => {
    process.exitCode = code;
    // Interrupted: emulators or a waiting workflow may still hold the event loop.
    if (code === EXIT_INTERRUPTED) process.exit(code);
  },
  (error: unknown) => {
    reportInternalError(error, process.stderr);
    process.exitCode = EXIT_INTERNAL;
  },
);
