#!/usr/bin/env node
import module from 'node:module';
import { EXIT_INTERNAL, EXIT_INTERRUPTED, reportInternalError, runCli } from './program.js';

// Node 22.1+ caches compiled code on disk between runs (a faster start); older versions have no such API.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

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
