import { runScriptInOwnProcess } from '@aisaws/testing/process';
import { describe, expect, it } from '@jest/globals';
import { workerOldSpaceMb } from '../src/worker-entry.js';

const MODULE = new URL('../src/worker-entry.ts', import.meta.url).href;

/**
 * Runs in a process of its own (the flag is the process's): a worker thread that makes ~100 MB of short-lived 1 MB
 * strings (like the line of a CloudTrail object, each goes to the old generation at once) counts its full
 * collections, started once with 16 MiB of room and once after `sizeWorkerHeaps(1)`.
 */
const PROBE = `
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { sizeWorkerHeaps } from ${JSON.stringify(MODULE)};

const code = \`
const { PerformanceObserver, constants } = require('node:perf_hooks');
let full = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (entry.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) full++;
}).observe({ entryTypes: ['gc'] });
const line = 'x'.repeat(1 << 20);
const kept = [];
for (let i = 0; i < 100; i++) {
  kept.push(JSON.stringify({ line, i }));
  if (kept.length > 4) kept.shift();
}
setTimeout(() => require('node:worker_threads').parentPort.postMessage(full), 50);
\`;
async function fullCollections() {
  const worker = new Worker(code, { eval: true });
  const full = await new Promise((done) => worker.once('message', done));
  await worker.terminate();
  return full;
}
v8.setFlagsFromString('--initial-old-space-size=16');
const small = await fullCollections();
sizeWorkerHeaps(1);
const sized = await fullCollections();
console.log(JSON.stringify({ small, sized }));
`;

describe('scan workers’ heap room', () => {
  it('gives 128 MiB to one to four workers, less to more of them, never under 32 MiB', () => {
    expect([1, 2, 4, 5, 8, 16, 64].map(workerOldSpaceMb)).toEqual([128, 128, 128, 102, 64, 32, 32]);
    expect([0, Number.NaN, -3].map(workerOldSpaceMb)).toEqual([128, 128, 128]);
  });

  it('spares a worker started after sizeWorkerHeaps the full collections of a small old generation', async () => {
    // Act
    const run = await runScriptInOwnProcess(PROBE);
    // Assess
    expect(run.stderr).toBe('');
    const { small, sized } = JSON.parse(run.stdout) as { small: number; sized: number };
    expect(small).toBeGreaterThan(0);
    expect(sized).toBe(0);
  });
});
