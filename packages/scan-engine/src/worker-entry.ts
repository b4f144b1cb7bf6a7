import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * A scan worker started before its scan is known: it loads its modules and waits for the pool's `init` message.
 * Until a pool adopts it, it keeps nothing alive (unref) and its failure is only remembered.
 */
class EarlyWorker {
  readonly worker: Worker;
  private stopped = false;

  constructor(entry: WorkerEntry = workerEntry()) {
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
export { EarlyWorker, POOL_MIN_BYTES, workerEntry, workerOptions };
