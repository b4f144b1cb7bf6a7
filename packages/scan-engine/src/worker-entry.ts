import module from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Where a scan worker thread comes from, and starting one early. Kept apart from the pool (this module loads nothing
 * but Node's built-ins), so the CLI's entry can start the first worker before it loads its own modules.
 */

/** Local input from which `aisaws scan` reads through worker threads (below it, starting them costs more than it saves). */
const POOL_MIN_BYTES = 8 * 1024 * 1024;

/** The worker's module and the Node options it needs. */
interface WorkerEntry {
  readonly url: URL;
  readonly execArgv: string[];
}

/** The worker's module: the built file beside the bundle, or the TypeScript source (through tsx) when run from src. */
function workerEntry(): WorkerEntry {
  const fromSource = import.meta.url.endsWith('.ts');
  return {
    url: new URL(fromSource ? './scan-worker.ts' : './scan-worker.js', import.meta.url),
    execArgv: fromSource ? ['--import', 'tsx'] : [],
  };
}

/**
 * How a scan worker thread starts: with its module's Node options, and with this thread's compile cache (a worker does
 * not inherit it; with it, the worker's modules load from the cache: measured ~10–15 ms sooner, and the first
 * worker's load is on the critical path of a scan).
 */
function workerOptions(entry: WorkerEntry): WorkerOptions {
  const enabled =
    (module as { getCompileCacheDir?: () => string | undefined }).getCompileCacheDir?.() !== undefined;
  // The folder as NODE_COMPILE_CACHE names it (Node adds its version's subfolder): the one this thread was given, or
  // Node's default for `module.enableCompileCache()` without a folder.
  const folder = process.env.NODE_COMPILE_CACHE ?? join(tmpdir(), 'node-compile-cache');
  return {
    execArgv: entry.execArgv,
    ...(enabled ? { env: { ...process.env, NODE_COMPILE_CACHE: folder } } : {}),
  };
}

/** Old generation a scan worker may fill before its first full collection, in MiB, by how many workers run. */
function workerOldSpaceMb(workers: number): number {
  const count = Number.isFinite(workers) && workers >= 1 ? Math.floor(workers) : 1;
  return Math.max(32, Math.min(128, Math.floor(512 / count)));
}

/**
 * Gives the scan workers started from now on room in their old generation before V8 collects it whole
 * (`--initial-old-space-size`, read when a thread's heap is made: the main thread's is made already). A worker
 * reading CloudTrail objects parses each one's ~2 MB line whole; the line's string goes to the old generation at
 * once, so with V8's starting limits (~15–20 MB) a full collection ran every few objects: 17–28 on the bench's 100
 * objects. With 128 MiB: 8, and the scan of them took 1.75 s instead of 2.01 and 2.87 s of CPU instead of 3.27
 * (medians of 10 interleaved runs); on JSON Lines it costs ~1 %, within the noise (1.38 s against 1.37, 20 runs). The
 * room shrinks with the number of workers (512 MiB in all, at least 32 each), so many workers cannot hold that much
 * garbage between them. A V8 flag set by `v8.setFlagsFromString`, which Node documents as unsafe once V8 runs: this
 * one is only read when a heap is configured, so it reaches only the threads started after it, as wanted here.
 */
function sizeWorkerHeaps(workers: number): void {
  v8.setFlagsFromString(`--initial-old-space-size=${workerOldSpaceMb(workers)}`);
}

/**
 * A scan worker started before its scan is known: it loads its modules and waits for the pool's `init` message.
 * Until a pool adopts it, it keeps nothing alive (unref) and its failure is only remembered.
 */
class EarlyWorker {
  readonly worker: Worker;
  private stopped = false;

  /** `workers`: how many the scan is expected to run (`--workers`' default: one per CPU but the main thread's). */
  constructor(entry: WorkerEntry = workerEntry(), workers = availableParallelism() - 1) {
    sizeWorkerHeaps(workers);
    this.worker = new Worker(entry.url, workerOptions(entry));
    this.worker.unref();
    const stop = () => {
      this.stopped = true;
    };
    this.worker.once('exit', stop);
    this.worker.on('error', stop);
  }

  /** The worker, still running, for a pool to use (and keep the process alive for); undefined if it stopped. */
  adopt(): Worker | undefined {
    if (this.stopped) return undefined;
    this.worker.ref();
    return this.worker;
  }

  /** Stops it, unused. */
  async stop(): Promise<void> {
    if (!this.stopped) await this.worker.terminate();
  }
}

export type { WorkerEntry };
export { EarlyWorker, POOL_MIN_BYTES, sizeWorkerHeaps, workerEntry, workerOldSpaceMb, workerOptions };
