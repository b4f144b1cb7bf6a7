import { getPriority, setPriority } from 'node:os';
import { isMainThread } from 'node:worker_threads';

/** How much nicer the main thread becomes (Linux nice values run from −20, first, to 19, last; 0 by default). */
const NICER_BY = 5;

/**
 * Lets a pooled scan's worker threads run first when the CPUs are all busy: lowers the main thread's scheduling
 * priority (its nice value +5) for the rest of the process. Call it once the workers are started: a thread takes its
 * nice value from the thread that starts it, so they keep theirs.
 *
 * Why: the workers read and parse, the main thread scores and writes what they send; it is the lighter stage and may
 * fall 16 batches behind, but on a busy machine the scheduler shares the CPUs evenly, so the main thread (and V8's
 * compiler and collector threads) took turns from the workers, the critical path. Measured on 2 CPUs: `aisaws scan` of
 * the bench file 1.35 s instead of 1.40, and 1.39 instead of 1.43 (medians of two sets of 12 interleaved runs), with
 * the same CPU time.
 *
 * Linux only, where a nice value is each thread's own and `setpriority` given the process id sets the main thread's
 * alone (elsewhere it would lower the whole process, workers included). The CLI calls it only in its own process
 * (bin.ts), never inside a library user's. Nothing happens, and false is returned, when the platform or the system
 * refuses.
 */
function lowerMainThreadPriority(): boolean {
  if (process.platform !== 'linux' || !isMainThread) return false;
  try {
    const current = getPriority(process.pid);
    if (current >= 19) return false;
    setPriority(process.pid, Math.min(19, current + NICER_BY));
    return true;
  } catch {
    return false;
  }
}

export { lowerMainThreadPriority };
