import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLICY } from '@aisaws/core/policy';
import { describe, expect, it } from '@jest/globals';
import { FOLLOW_PREVIOUS_PART, type PoolTask } from '../src/pool-protocol.js';
import { type PoolEvent, ScanPool } from '../src/scan-pool.js';
import { EarlyWorker, workerOptions } from '../src/worker-entry.js';

/**
 * The pool gives each worker two tasks at a time (the one it reads and the next). When a worker stops, the task it
 * was reading fails, and the one it held but had not started must still be read, by the worker that replaces it.
 */

const INIT = {
  receivedAt: '2026-12-05T00:00:00.000Z',
  policy: DEFAULT_POLICY,
  maxLineBytes: 1024,
  strict: false,
};
const DYING_WORKER = { url: new URL('./fixtures/dying-worker.mjs', import.meta.url), execArgv: [] };

const task = (id: number, path: string): PoolTask => ({ id, path, size: 100 + id });

async function runAll(pool: ScanPool, tasks: readonly PoolTask[]): Promise<string[]> {
  const seen: string[] = [];
  for await (const event of pool.run(tasks) as AsyncGenerator<PoolEvent>) {
    if (event.type === 'done') seen.push(`${event.task.id} done ${event.bytes}`);
    else if (event.type === 'failed') seen.push(`${event.task.id} failed: ${event.message}`);
  }
  return seen;
}

describe('ScanPool', () => {
  it('fails only the task a stopped worker was reading and gives its next task to the new worker', async () => {
    // Prepare: one worker; it holds task 0 (stops the worker) and task 1 at once.
    const pool = new ScanPool(1, INIT, { entry: DYING_WORKER });
    try {
      // Act
      const seen = await runAll(pool, [task(0, 'a-dies.jsonl'), task(1, 'b.jsonl'), task(2, 'c.jsonl')]);
      // Assess: in task order, task 1 read after all.
      expect(seen).toEqual(['0 failed: the scan worker stopped: exit code 3', '1 done 101', '2 done 102']);
    } finally {
      await pool.close();
    }
  });

  it('goes on after several stopped workers, with two workers', async () => {
    const pool = new ScanPool(2, INIT, { entry: DYING_WORKER });
    try {
      const tasks = [
        task(0, 'a.jsonl'),
        task(1, 'b-dies.jsonl'),
        task(2, 'c.jsonl'),
        task(3, 'd-dies.jsonl'),
        task(4, 'e.jsonl'),
        task(5, 'f.jsonl'),
      ];
      const seen = await runAll(pool, tasks);
      expect(seen).toEqual([
        '0 done 100',
        '1 failed: the scan worker stopped: exit code 3',
        '2 done 102',
        '3 failed: the scan worker stopped: exit code 3',
        '4 done 104',
        '5 done 105',
      ]);
    } finally {
      await pool.close();
    }
  });

  it('makes an early worker its first worker, giving it the options by message', async () => {
    // Prepare: a worker started before the pool, as bin.ts starts one.
    const early = new EarlyWorker(DYING_WORKER);
    const pool = new ScanPool(1, INIT, { entry: DYING_WORKER, early });
    try {
      // Act
      const seen = await runAll(pool, [task(0, 'a.jsonl'), task(1, 'b.jsonl')]);
      // Assess: the tasks were read by the early worker, which had its options from the `init` message.
      expect(seen).toEqual(['0 done 1000100', '1 done 1000101']);
    } finally {
      await pool.close();
    }
    // Stopping it again (runScan always does) is harmless.
    await early.stop();
  });

  it('starts a worker of its own when the early worker has stopped', async () => {
    const early = new EarlyWorker({
      url: new URL('./fixtures/exits-at-once.mjs', import.meta.url),
      execArgv: [],
    });
    await once(early.worker, 'exit');
    const pool = new ScanPool(1, INIT, { entry: DYING_WORKER, early });
    try {
      expect(await runAll(pool, [task(0, 'a.jsonl')])).toEqual(['0 done 100']);
    } finally {
      await pool.close();
    }
  });

  it('stops an early worker that no pool adopted', async () => {
    const early = new EarlyWorker(DYING_WORKER);
    const exited = once(early.worker, 'exit');
    await early.stop();
    await exited;
    expect(early.adopt()).toBeUndefined();
  });

  it('lets a worker number on from the part before, which it read, and counts the lines otherwise', async () => {
    // Prepare: a file of 30 lines cut in 3 parts of 10 lines (the stand-in worker reports each task's offset).
    const folder = await mkdtemp(join(tmpdir(), 'aisaws-pool-'));
    const path = join(folder, 'parts.jsonl');
    await writeFile(path, Array.from({ length: 30 }, (_, i) => `{"n":${i}}\n`).join(''));
    const ends = [0, 1, 2, 3].map((part) =>
      Buffer.byteLength(Array.from({ length: part * 10 }, (_, i) => `{"n":${i}}\n`).join('')),
    );
    const parts = [0, 1, 2].map(
      (part): PoolTask => ({
        id: part,
        path,
        size: ends[3] as number,
        range: { start: ends[part] as number, end: ends[part + 1] as number },
      }),
    );
    const offsets = async (workers: number): Promise<number[]> => {
      const pool = new ScanPool(workers, INIT, { entry: DYING_WORKER });
      const seen: number[] = [];
      try {
        for await (const event of pool.run(parts) as AsyncGenerator<PoolEvent>)
          if (event.type === 'done') seen.push(event.work);
      } finally {
        await pool.close();
      }
      return seen;
    };
    try {
      // Act + Assess: one worker reads the parts in order and numbers on from each. With two, the first holds parts 0
      // and 1 (two tasks each) and numbers on; the second gets part 2 with the lines before it counted.
      expect(await offsets(1)).toEqual([0, FOLLOW_PREVIOUS_PART, FOLLOW_PREVIOUS_PART]);
      expect(await offsets(2)).toEqual([0, FOLLOW_PREVIOUS_PART, 20]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it("starts workers with this thread's compile cache when it has one", () => {
    const entry = { url: new URL('./fixtures/dying-worker.mjs', import.meta.url), execArgv: [] };
    const cacheDir = () =>
      (module as { getCompileCacheDir?: () => string | undefined }).getCompileCacheDir?.();
    if (cacheDir() === undefined) expect(workerOptions(entry).env).toBeUndefined();
    module.enableCompileCache?.();
    const folder = (workerOptions(entry).env as Record<string, string> | undefined)?.NODE_COMPILE_CACHE;
    // The folder Node adds its version's subfolder to: the one this thread caches in.
    expect(folder).toBeDefined();
    expect(cacheDir()?.startsWith(`${folder}`)).toBe(true);
  });
});
