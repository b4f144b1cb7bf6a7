import { quietEventKey } from '@aisaws/core/features';
import type { Policy } from '@aisaws/core/policy';
import type { BaselineObservation } from '@aisaws/core/ports';
import { type EventSummary, type IngestedEvent, SCHEMA_VERSION } from '@aisaws/core/schemas';
import type { ErrorEvaluation, QuietShape } from './evaluate.js';
import type { FileItem } from './read-input.js';
import type { InputLocation } from './unwrap.js';

/**
 * What a scan worker sends the main thread, and how. A worker runs the stateless part of the pipeline (read, parse,
 * validate, detect); the main thread runs the rest in input order (baseline, score, decide, write), because every
 * event's features depend on the events before it. Most events have no detection: for those the worker sends only
 * what the main thread reads (id, name, shape, baseline observation, location) as numbers in one transferred
 * Float64Array, the strings that repeat (names, principals, APIs, addresses) once each, by number. Any other item (an
 * event with detections, an input error, a skipped file) is sent whole and completed by the main thread as in a
 * single-threaded scan.
 */

/** A task: one whole file, or one part of a large plain JSON Lines file. */
interface PoolTask {
  readonly id: number;
  readonly path: string;
  readonly size: number;
  readonly range?: { readonly start: number; readonly end: number };
}

/** Options every worker gets once. */
interface WorkerInit {
  readonly receivedAt: string;
  /** The scan's policy: detection reads it (AISAWS's own role ARNs are never detected). */
  readonly policy: Policy;
  readonly maxLineBytes: number;
  readonly strict: boolean;
}

/**
 * An item sent whole: a reader item (an input error, a skipped file), an invalid record, or an event with detections
 * (or a finding). Such an event that was a whole line of JSON Lines is sent as the line's text: a string costs the
 * worker nothing to send, and the main thread's parsing and preparing it again measured cheaper in all than the worker
 * serialising it. Any other is sent as `prepare` left it (structured-cloned: the main thread scores and decides it
 * without reading the record again).
 */
type FullEntry =
  | { readonly kind: 'item'; readonly item: FileItem }
  | { readonly kind: 'evaluated'; readonly evaluation: ErrorEvaluation }
  | { readonly kind: 'prepared'; readonly ingested: IngestedEvent; readonly location: InputLocation }
  | { readonly kind: 'line'; readonly text: string; readonly location: InputLocation };

type WorkerMessage =
  | {
      readonly type: 'batch';
      readonly task: number;
      /** Per item in order: 0 = the next quiet event, 1 = the next full entry. */
      readonly order: Uint8Array;
      readonly quiet: Float64Array;
      readonly strings: readonly string[];
      readonly inline: readonly string[];
      /** The shapes first met in this batch, numbered on from the previous batches'. */
      readonly shapes: readonly ShapeEntry[];
      readonly full: readonly FullEntry[];
      readonly bytes: number;
      readonly work: number;
    }
  | { readonly type: 'done'; readonly task: number; readonly bytes: number; readonly work: number }
  | { readonly type: 'failed'; readonly task: number; readonly message: string };

type MainMessage =
  /**
   * A task, and for a part of a file the number of lines before it (its lines are numbered from there), or
   * `FOLLOW_PREVIOUS_PART` when the worker's previous task was the part just before it.
   */
  | { readonly type: 'task'; readonly task: PoolTask; readonly lineOffset: number }
  | { readonly type: 'ack' }
  /** The options, to a worker started before its scan was known (EarlyWorker); the first message it gets. */
  | { readonly type: 'init'; readonly init: WorkerInit };

/**
 * A part's line offset when the worker read the part just before it: it goes on numbering from where that part ended,
 * so nobody counts the lines of the parts before (they are counted only when another worker read them).
 */
const FOLLOW_PREVIOUS_PART = -1;

/** Numbers per quiet event in `quiet`. */
const STRIDE = 11;
const ABSENT = -1;
/** Shapes a worker sends at most; an event of any further shape is sent whole (only hostile input has so many). */
const MAX_SHAPES = 100_000;

/** A shape as sent: its quiet event key and the summary of the first event of it. */
interface ShapeEntry {
  readonly key: number;
  readonly summary: EventSummary;
}

/**
 * Worker side: strings to numbers. A string seen before is its dictionary number (≥ 0); a new one is added to the
 * batch's `strings` (the main thread appends them to its copy); past the dictionary's cap, or for strings that do not
 * repeat (event ids), it goes to `inline` as −2 − its position; absent is −1.
 *
 * An event without detections is sent as what is its own (id, name, baseline observation, location) and its shape:
 * its `quietEventKey` and error code, which with the baseline decide its score and decision. A shape is numbered the
 * first time the worker meets it and its summary sent once (`shapes`); the main thread scores every event of that
 * shape from that summary (`ScanPipeline.completeQuiet`).
 */
class QuietEncoder {
  private readonly dictionary = new Map<string, number>();
  private strings: string[] = [];
  private inline: string[] = [];
  private values: number[] = [];
  private order: number[] = [];
  private full: FullEntry[] = [];
  private shapes: ShapeEntry[] = [];
  /** Shape numbers by quiet event key: of events without an error code, and per error code. */
  private readonly shapesWithoutError = new Map<number, number>();
  private readonly shapesByError = new Map<string, Map<number, number>>();
  private shapeCount = 0;

  /** `maxStrings` and `maxShapes` bound the dictionary and the shapes (tests use small ones). */
  constructor(
    private readonly maxStrings = 200_000,
    private readonly maxShapes = MAX_SHAPES,
  ) {}

  get length(): number {
    return this.order.length;
  }

  private ref(text: string | undefined): number {
    if (text === undefined) return ABSENT;
    const known = this.dictionary.get(text);
    if (known !== undefined) return known;
    if (this.dictionary.size < this.maxStrings) {
      const id = this.dictionary.size;
      this.dictionary.set(text, id);
      this.strings.push(text);
      return id;
    }
    return this.once(text);
  }

  private once(text: string): number {
    this.inline.push(text);
    return -2 - (this.inline.length - 1);
  }

  /** The number of the event's shape (sending its summary when new), or undefined past `maxShapes`. */
  private shapeOf(ingested: IngestedEvent): number | undefined {
    const key = quietEventKey(ingested);
    if (key === undefined) return undefined;
    const errorCode = ingested.summary.errorCode;
    let byKey = errorCode === undefined ? this.shapesWithoutError : this.shapesByError.get(errorCode);
    const known = byKey?.get(key);
    if (known !== undefined) return known;
    if (this.shapeCount >= this.maxShapes) return undefined;
    if (byKey === undefined) {
      byKey = new Map();
      this.shapesByError.set(errorCode as string, byKey);
    }
    const id = this.shapeCount++;
    byKey.set(key, id);
    this.shapes.push({ key, summary: ingested.summary });
    return id;
  }

  addFull(entry: FullEntry): void {
    this.order.push(1);
    this.full.push(entry);
  }

  /**
   * An event without detections (nor finding): its id, name, shape, baseline observation and location. False when it
   * has no shape number left (the caller then sends it whole).
   */
  addQuiet(ingested: IngestedEvent, observation: BaselineObservation, location: InputLocation): boolean {
    const shape = this.shapeOf(ingested);
    if (shape === undefined) return false;
    this.order.push(0);
    this.values.push(
      this.once(ingested.eventId),
      this.ref(ingested.summary.eventName),
      shape,
      this.ref(observation.principal),
      this.ref(observation.api),
      this.ref(observation.sourceIp),
      this.ref(observation.region),
      observation.at,
      observation.denied ? 1 : 0,
      location.line ?? ABSENT,
      location.index ?? ABSENT,
    );
    return true;
  }

  /** The batch so far, as a message (its numbers' buffer is transferred), and a fresh batch. */
  take(task: number, bytes: number, work: number): { message: WorkerMessage; transfer: ArrayBuffer[] } {
    const quiet = Float64Array.from(this.values);
    const order = Uint8Array.from(this.order);
    const message: WorkerMessage = {
      type: 'batch',
      task,
      order,
      quiet,
      strings: this.strings,
      inline: this.inline,
      shapes: this.shapes,
      full: this.full,
      bytes,
      work,
    };
    this.strings = [];
    this.inline = [];
    this.shapes = [];
    this.values = [];
    this.order = [];
    this.full = [];
    return { message, transfer: [quiet.buffer as ArrayBuffer, order.buffer as ArrayBuffer] };
  }
}

/** A quiet event as the main thread reads it: what `ScanPipeline.completeQuiet` takes. */
interface QuietEvent {
  readonly shape: QuietShape;
  readonly eventId: string;
  readonly eventName: string;
  readonly observation: BaselineObservation;
  readonly location: InputLocation;
}

/**
 * Main thread side, one per worker (its dictionary and shapes grow with the worker's). A shape's event is the first
 * event of that shape the worker read, its summary exactly as the worker had it and its record reduced to its ids:
 * scoring and deciding an event without detections read nothing else of it.
 */
class QuietDecoder {
  private readonly dictionary: string[] = [];
  private readonly shapes: QuietShape[] = [];

  /** Adds a batch's new strings and shapes; call once per batch, before decoding it. */
  learn(strings: readonly string[], shapes: readonly ShapeEntry[], receivedAt: string): void {
    for (const text of strings) this.dictionary.push(text);
    for (const { key, summary } of shapes) {
      const event: IngestedEvent = {
        schemaVersion: SCHEMA_VERSION,
        eventId: summary.eventId,
        receivedAt,
        summary,
        record: { eventID: summary.eventId, eventSource: summary.eventSource, eventName: summary.eventName },
        detections: [],
        archive: null,
      };
      this.shapes.push({ event, key });
    }
  }

  /** The string a number stands for (see QuietEncoder), undefined for ABSENT. */
  private text(code: number, inline: readonly string[]): string | undefined {
    return code === ABSENT ? undefined : code >= 0 ? this.dictionary[code] : inline[-2 - code];
  }

  decode(quiet: Float64Array, position: number, inline: readonly string[], file: string): QuietEvent {
    const base = position * STRIDE;
    const eventId = this.text(quiet[base + 0] as number, inline) as string;
    const observation: { -readonly [K in keyof BaselineObservation]: BaselineObservation[K] } = {
      eventId,
      principal: this.text(quiet[base + 3] as number, inline) as string,
      api: this.text(quiet[base + 4] as number, inline) as string,
      at: quiet[base + 7] as number,
      denied: quiet[base + 8] === 1,
    };
    const sourceIp = this.text(quiet[base + 5] as number, inline);
    if (sourceIp !== undefined) observation.sourceIp = sourceIp;
    const region = this.text(quiet[base + 6] as number, inline);
    if (region !== undefined) observation.region = region;
    const line = quiet[base + 9] as number;
    const index = quiet[base + 10] as number;
    const location: { file: string; line?: number; index?: number } = { file };
    if (line !== ABSENT) location.line = line;
    if (index !== ABSENT) location.index = index;
    return {
      shape: this.shapes[quiet[base + 2] as number] as QuietShape,
      eventId,
      eventName: this.text(quiet[base + 1] as number, inline) as string,
      observation,
      location,
    };
  }
}

export type { FullEntry, MainMessage, PoolTask, QuietEvent, ShapeEntry, WorkerInit, WorkerMessage };
export { FOLLOW_PREVIOUS_PART, QuietDecoder, QuietEncoder };
