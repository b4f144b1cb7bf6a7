import { runScriptInOwnProcess } from '@aisaws/testing/process';
import { describe, expect, it } from '@jest/globals';

const MODULE = new URL('../../src/scan/thread-priority.ts', import.meta.url).href;

/**
 * Runs in a process of its own (the change lasts until the process ends): starts a worker thread, lowers the main
 * thread's priority, and prints the nice values the kernel has for both threads, before and after.
 */
const PROBE = `
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { lowerMainThreadPriority } from ${JSON.stringify(MODULE)};

const niceOf = (tid) => Number(readFileSync(\`/proc/self/task/\${tid}/stat\`, 'utf8').split(') ')[1].split(' ')[16]);
const worker = new Worker(
  "require('node:worker_threads').parentPort.postMessage(require('node:fs').readFileSync('/proc/thread-self/stat', 'utf8')); setInterval(() => {}, 1000);",
  { eval: true },
);
const workerTid = Number((await new Promise((done) => worker.once('message', done))).split(' ')[0]);
const before = { main: niceOf(process.pid), worker: niceOf(workerTid) };
const lowered = lowerMainThreadPriority();
const after = { main: niceOf(process.pid), worker: niceOf(workerTid) };
await worker.terminate();
console.log(JSON.stringify({ before, lowered, after }));
`;

describe.each(process.platform === 'linux' ? ['linux'] : [])('lowerMainThreadPriority (%s)', () => {
  it('makes the main thread nicer by 5 and leaves a thread started before it as it was', async () => {
    // Act
    const run = await runScriptInOwnProcess(PROBE);
    // Assess
    expect(run.stderr).toBe('');
    const { before, lowered, after } = JSON.parse(run.stdout) as {
      before: { main: number; worker: number };
      lowered: boolean;
      after: { main: number; worker: number };
    };
    expect(before.main).toBeLessThan(19);
    expect(lowered).toBe(true);
    expect(after.main).toBe(Math.min(19, before.main + 5));
    expect(after.worker).toBe(before.worker);
  });
});
