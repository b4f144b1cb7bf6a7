import { parentPort, workerData } from 'node:worker_threads';
import { InMemoryBaselineStore } from '@aisaws/core/ports';
import type { IngestedEvent } from '@aisaws/core/schemas';
import { defaultScorer, observationOf } from '@aisaws/core/scoring';
import { createScanPipeline } from './evaluate.js';
import {
  FOLLOW_PREVIOUS_PART,
  type MainMessage,
  type PoolTask,
  QuietEncoder,
  type WorkerInit,
} from './pool-protocol.js';
import { countLines, readInputFile } from './read-input.js';

/**
 * A scan worker thread: reads the files (or parts of a file) the pool gives it, one task at a time, and runs each
 * record through the stateless part of the pipeline (`prepare`: validate, detect). It sends its items in batches
 * (pool-protocol.ts) and stops when `MAX_UNACKED` batches wait to be consumed, so a fast reader never queues a whole
 * file in the main thread's memory.
 */

/** Batches sent and not yet consumed at most (16 × 2048 events: the main thread may fall behind for a while). */
const MAX_UNACKED = 16;
/** Items per batch: enough to make a message's cost per item small. */
const BATCH_ITEMS = 2048;

const port = parentPort;
if (!port) throw new Error('scan-worker runs as a worker thread');

let unacked = 0;
let onAck: (() => void) | undefined;
const tasks: { task: PoolTask; lineOffset: number }[] = [];
let wakeUp: (() => void) | undefined;
let onInit: ((init: WorkerInit) => void) | undefined;

port.on('message', (message: MainMessage) => {
  if (message.type === 'ack') {
    unacked--;
    onAck?.();
  } else if (message.type === 'init') onInit?.(message.init);
  else {
    tasks.push({ task: message.task, lineOffset: message.lineOffset });
    wakeUp?.();
  }
});

// The options come with the thread, or, for a worker started before its scan was known (EarlyWorker), as the first
// message (its tasks come after it).
const init: WorkerInit =
  (workerData as WorkerInit | undefined) ??
  (await new Promise<WorkerInit>((resolve) => {
    onInit = resolve;
  }));
// `prepare` reads the policy (detection options) and never touches the baseline or the scorer: any will do.
const pipeline = createScanPipeline({
  scorer: defaultScorer,
  baseline: new InMemoryBaselineStore(),
  policy: init.policy,
  receivedAt: init.receivedAt,
  now: new Date(init.receivedAt),
});
const encoder = new QuietEncoder();

/**
 * An event with detections that was not a whole line (a `Records` element, an EventBridge `detail`, a finding) as the
 * main thread needs it: its record without the per-API payloads (request parameters, response elements, resources …),
 * which were most of what a worker sent. After `prepare`, nothing reads them: scoring reads the summary, the record's
 * time and principal (observationOf), deciding the hits, the summary and the principal; the writers the hits, the
 * decision and the summary. (The pool test holds the output equal to a single-threaded scan's in every format, a
 * principal exemption included.)
 */
function withoutPayloads(ingested: IngestedEvent): IngestedEvent {
  const {
    requestParameters: _request,
    responseElements: _response,
    additionalEventData: _additional,
    serviceEventDetails: _service,
    resources: _resources,
    tlsDetails: _tls,
    ...record
  } = ingested.record;
  return { ...ingested, record };
}

const messageOf = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string'
    ? error.message
    : String(error);

async function send(task: number, bytes: number, work: number): Promise<void> {
  const { message, transfer } = encoder.take(task, bytes, work);
  unacked++;
  port?.postMessage(message, transfer);
  while (unacked >= MAX_UNACKED) await new Promise<void>((resolve) => (onAck = resolve));
}

/** A task this worker read: the line its numbering started from, and its last line if it was read whole. */
interface TaskRead {
  readonly task: PoolTask;
  readonly lineOffset: number;
  lastLine: number | undefined;
}

/** The task this worker read last. */
let previous: TaskRead | undefined;

/**
 * The lines before a part whose previous part this worker read (`FOLLOW_PREVIOUS_PART`): where that part ended, or,
 * when it could not be read whole, its start plus its lines counted from the file.
 */
function followingOffset(task: PoolTask): number {
  const before = previous;
  // Only the part just before it will do: a task that failed before its reading began left `previous` on an older
  // part, and numbering on from that would be silently wrong (this task fails instead, like an unreadable part).
  if (
    before?.task.range === undefined ||
    task.range === undefined ||
    before.task.path !== task.path ||
    before.task.range.end !== task.range.start
  )
    throw new Error('a part to number on from a part this worker did not read');
  return (
    before.lastLine ??
    before.lineOffset + countLines(task.path, before.task.range.start, before.task.range.end)
  );
}

async function runTask(task: PoolTask, given: number): Promise<void> {
  let bytes = 0;
  let work = 0;
  const lineOffset = given === FOLLOW_PREVIOUS_PART ? followingOffset(task) : given;
  const read: TaskRead = { task, lineOffset, lastLine: undefined };
  previous = read;
  const range = task.range ? { ...task.range, lineOffset } : undefined;
  const size = task.range ? task.range.end - task.range.start : task.size;
  const options = {
    maxLineBytes: init.maxLineBytes,
    strict: init.strict,
    onBytes: (n: number) => {
      bytes += n;
    },
    onWork: (n: number) => {
      work += n;
    },
    ...(range ? { range } : {}),
    keepLineText: true,
    onLastLine: (line: number) => {
      read.lastLine = line;
    },
  };
  for await (const batch of readInputFile({ kind: 'file', path: task.path, size }, options)) {
    for (const item of batch) {
      if (item.kind !== 'candidate') encoder.addFull({ kind: 'item', item });
      else {
        const prepared = pipeline.prepare(item);
        if (prepared.kind === 'error') encoder.addFull({ kind: 'evaluated', evaluation: prepared });
        else if (
          prepared.ingested.detections.length > 0 ||
          prepared.ingested.finding !== undefined ||
          !encoder.addQuiet(prepared.ingested, observationOf(prepared.ingested), prepared.location)
        )
          encoder.addFull(
            item.text !== undefined
              ? { kind: 'line', text: item.text, location: item.location }
              : {
                  kind: 'prepared',
                  ingested: withoutPayloads(prepared.ingested),
                  location: prepared.location,
                },
          );
      }
      if (encoder.length >= BATCH_ITEMS) {
        await send(task.id, bytes, work);
        bytes = 0;
        work = 0;
      }
    }
  }
  if (encoder.length > 0) await send(task.id, bytes, work);
  port?.postMessage({ type: 'done', task: task.id, bytes, work });
}

for (;;) {
  const next = tasks.shift();
  if (next === undefined) {
    await new Promise<void>((resolve) => (wakeUp = resolve));
    continue;
  }
  const { task, lineOffset } = next;
  try {
    await runTask(task, lineOffset);
  } catch (error) {
    // Whatever is left of the task's batch was not sent: the task's error takes its place.
    encoder.take(task.id, 0, 0);
    port.postMessage({ type: 'failed', task: task.id, message: messageOf(error) });
  }
}
