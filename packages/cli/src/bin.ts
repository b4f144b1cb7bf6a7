#!/usr/bin/env node
import module from 'node:module';
import { EXIT_INTERNAL, reportInternalError, runCli } from './program.js';

// Node 22.1+ caches compiled code on disk between runs (a faster start); older versions have no such API.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    reportInternalError(error, process.stderr);
    process.exitCode = EXIT_INTERNAL;
  },
);
