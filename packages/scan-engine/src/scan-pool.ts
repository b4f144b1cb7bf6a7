import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import {
  FOLLOW_PREVIOUS_PART,
  type MainMessage,
  type PoolTask,
  QuietDecoder,
  type WorkerInit,
  type WorkerMessage,
} from './pool-protocol.js';
import { countLines, hasCloudTrailShape } from './read-input.js';
import {
  type EarlyWorker,
  sizeWorkerHeaps,
  type WorkerEntry,
  workerEntry,
  workerOptions,
} from './worker-entry.js';

/** What the pool hands back, task after task in task order. */
type PoolEvent =
  | {
      readonly type: 'batch';
      readonly task: PoolTask;
      readonly message: WorkerMessage & { type: 'batch' };
      readonly decoder: QuietDecoder;
    }
  | { readonly type: 'done'; readonly task: PoolTask; readonly bytes: number; readonly work: number }
  | { readonly type: 'failed'; readonly task: PoolTask; readonly message: string };

interface Slot {
  worker: Worker;
  decoder: QuietDecoder;
  /** Its tasks in the order given: the first is the one it reads, the next waits in its queue. */
  tasks: PoolTask[];
  /** The task it was given last (it reads its tasks in the order given). */
  last: PoolTask | undefined;
}

/**
 * Tasks a worker holds at once: the one it reads and the next, so it goes on without waiting for the main thread,
 * whose event loop turns only between batches, to hear that a task is done.
 */
const TASKS_PER_WORKER = 2;

/**
 * A pool of scan worker threads (scan-worker.ts). Tasks are given out in order, two at a time per worker (the one it
 * reads and the next), and their results are handed back strictly in task order, each batch acknowledged once the
 * caller has consumed it (a worker waits after a number of unacknowledged batches), so output order is the input's
 * and memory stays bounded. A part of a split file is handed out with the number of lines before it, counted here. A
 * worker that dies fails the task it was reading (the caller reports it like a file that cannot be scanned) and is
 * replaced; the task it had not started is given out again.
 */
class ScanPool {
  private readonly slots: Slot[] = [];
  private readonly queues = new Map<number, { events: PoolEvent[]; wake?: () => void }>();
  /** Lines per part of a split file, counted when a later part needs its line offset. */
  private readonly counts = new Map<number, number>();
  private tasks: readonly PoolTask[] = [];
  private nextTask = 0;
  /** Tasks a stopped worker held but had not started, given out again before the next new one. */
  private readonly returned: PoolTask[] = [];
  /** The workers' module. */
  private readonly entry: WorkerEntry;

  /**
   * `entry` is the worker's module (tests give one of their own); `early`, a worker started before the scan was known
   * (bin.ts), becomes the first one when it still runs.
   */
  constructor(
    size: number,
    private readonly init: WorkerInit,
    options: { readonly entry?: WorkerEntry; readonly early?: EarlyWorker } = {},
  ) {
    this.entry = options.entry ?? workerEntry();
    sizeWorkerHeaps(size);
    const early = options.early?.adopt();
    if (early) early.postMessage({ type: 'init', init } satisfies MainMessage);
    for (let i = 0; i < size; i++) this.slots.push(this.spawn(i === 0 ? early : undefined));
  }

  private spawn(started?: Worker): Slot {
    const worker =
      started ?? new Worker(this.entry.url, { ...workerOptions(this.entry), workerData: this.init });
    const slot: Slot = { worker, decoder: new QuietDecoder(), tasks: [], last: undefined };
    worker.on('message', (message: WorkerMessage) => this.receive(slot, message));
    const fail = (reason: string) => {
      const [task, ...waiting] = slot.tasks;
      const index = this.slots.indexOf(slot);
      if (index === -1) return;
      slot.tasks = [];
      this.slots[index] = this.spawn();
      // The task it was reading fails (its file is reported as unreadable); the ones it had not started are given
      // to a worker again.
      this.returned.unshift(...waiting);
      if (task) this.push(task.id, { type: 'failed', task, message: `the scan worker stopped: ${reason}` });
      this.assign();
    };
    worker.on('error', (error) => fail(error.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    return slot;
  }

  private post(slot: Slot, message: MainMessage): void {
    slot.worker.postMessage(message);
  }

  private receive(slot: Slot, message: WorkerMessage): void {
    const task = this.tasks[message.task] as PoolTask;
    switch (message.type) {
      case 'batch':
        this.push(task.id, { type: 'batch', task, message, decoder: slot.decoder });
        return;
      case 'done':
      case 'failed':
        slot.tasks = slot.tasks.filter((held) => held.id !== task.id);
        this.push(
          task.id,
          message.type === 'done'
            ? { type: 'done', task, bytes: message.bytes, work: message.work }
            : { type: 'failed', task, message: message.message },
        );
        this.assign();
    }
  }

  /**
   * The lines before a part of a split file: those of the parts before it, counted here (a fast newline count of the
   * file's bytes, once per part), so a worker starts reading at once instead of waiting for the parts before it.
   */
  private lineOffsetOf(task: PoolTask): number {
    if (task.range === undefined || task.range.start === 0) return 0;
    let offset = 0;
    // A file's parts are consecutive tasks: only those before this one are counted.
    for (let id = task.id - 1; id >= 0; id--) {
      const part = this.tasks[id];
      if (part === undefined || part.path !== task.path || part.range === undefined) break;
      let lines = this.counts.get(part.id);
      if (lines === undefined) {
        lines = countLines(part.path, part.range.start, part.range.end);
        this.counts.set(part.id, lines);
      }
      offset += lines;
    }
    return offset;
  }

  private push(taskId: number, event: PoolEvent): void {
    const queue = this.queues.get(taskId);
    if (!queue) return;
    queue.events.push(event);
    queue.wake?.();
  }

  private assign(): void {
    for (const slot of this.slots) {
      while (slot.tasks.length < TASKS_PER_WORKER) {
        const task = this.returned.shift() ?? this.tasks[this.nextTask++];
        if (task === undefined) return;
        let lineOffset: number;
        try {
          lineOffset = follows(slot.last, task) ? FOLLOW_PREVIOUS_PART : this.lineOffsetOf(task);
        } catch (error) {
          // The file could not be read to number the part: its task fails, as a worker's read would.
          const message = error instanceof Error ? error.message : String(error);
          this.push(task.id, { type: 'failed', task, message });
          continue;
        }
        slot.tasks.push(task);
        slot.last = task;
        this.post(slot, { type: 'task', task, lineOffset });
      }
    }
  }

  /** Runs the tasks (ids must be their positions); yields their events in task order. */
  run(tasks: readonly PoolTask[]): AsyncGenerator<PoolEvent> {
    this.tasks = tasks;
    this.nextTask = 0;
    for (const task of tasks) this.queues.set(task.id, { events: [] });
    // Now, not on the first read of the events: the workers start at once.
    this.assign();
    return this.inOrder(tasks);
  }

  private async *inOrder(tasks: readonly PoolTask[]): AsyncGenerator<PoolEvent> {
    for (const task of tasks) {
      const queue = this.queues.get(task.id) as { events: PoolEvent[]; wake?: () => void };
      for (;;) {
        let event = queue.events.shift();
        while (event === undefined) {
          await new Promise<void>((resolve) => (queue.wake = resolve));
          event = queue.events.shift();
        }
        queue.wake = undefined;
        yield event;
        if (event.type === 'batch') {
          const slot = this.slots.find((s) => s.decoder === event.decoder);
          if (slot) this.post(slot, { type: 'ack' });
          continue;
        }
        break;
      }
      this.queues.delete(task.id);
    }
  }

  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }
}

/** `task` is the part of a file just after `previous` (a worker that read `previous` goes on numbering its lines). */
function follows(previous: PoolTask | undefined, task: PoolTask): boolean {
  return (
    previous !== undefined &&
    previous.path === task.path &&
    previous.range !== undefined &&
    task.range !== undefined &&
    previous.range.end === task.range.start
  );
}

/** A plain file at least this large is read in parts by several workers. */
const SPLIT_MIN_BYTES = 32 * 1024 * 1024;
/** About this many bytes per part. */
const PART_BYTES = 16 * 1024 * 1024;
const HEAD_BYTES = 1024 * 1024;

/**
 * Where to cut a large plain file into parts, each starting just past a newline: only for JSON Lines whose first
 * line is a CloudTrail value by itself (then every part reads as JSON Lines); undefined for anything else (gzip, a
 * multi-line document, a first line longer than 1 MiB), which is read whole by one worker.
 */
async function splitPoints(
  path: string,
  size: number,
  sizes: { readonly splitMinBytes?: number; readonly partBytes?: number } = {},
): Promise<number[] | undefined> {
  if (size < (sizes.splitMinBytes ?? SPLIT_MIN_BYTES)) return undefined;
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
    if (head[0] === 0x1f && head[1] === 0x8b) return undefined;
    const newline = head.subarray(0, bytesRead).indexOf(0x0a);
    if (newline === -1) return undefined;
    const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
    const firstLine = head.toString('utf8', bom, newline).trim();
    try {
      if (!hasCloudTrailShape(JSON.parse(firstLine))) return undefined;
    } catch {
      return undefined;
    }
    const parts = Math.min(64, Math.ceil(size / (sizes.partBytes ?? PART_BYTES)));
    const points = [0];
    const window = Buffer.alloc(64 * 1024);
    for (let part = 1; part < parts; part++) {
      let position = Math.max(Math.floor((size * part) / parts), (points.at(-1) as number) + 1);
      let cut = -1;
      while (cut === -1 && position < size) {
        const { bytesRead: read } = await handle.read(window, 0, window.length, position);
        if (read === 0) break;
        const at = window.subarray(0, read).indexOf(0x0a);
        if (at !== -1) cut = position + at + 1;
        else position += read;
      }
      if (cut === -1 || cut >= size) break;
      if (cut > (points.at(-1) as number)) points.push(cut);
    }
    points.push(size);
    return points.length > 2 ? points : undefined;
  } finally {
    await handle.close();
  }
}

export type { PoolEvent };
export { ScanPool, splitPoints };
