import type { Policy } from '@aisaws/core/policy';
import type { BaselineObservation } from '@aisaws/core/ports';
import { type Actor, type EventSummary, type IngestedEvent, SCHEMA_VERSION } from '@aisaws/core/schemas';
import type { ErrorEvaluation } from './evaluate.js';
import type { FileItem } from './read-input.js';
import type { InputLocation } from './unwrap.js';

/**
 * What a scan worker sends the main thread, and how. A worker runs the stateless part of the pipeline (read, parse,
 * validate, detect); the main thread runs the rest in input order (baseline, score, decide, write), because every
 * event's features depend on the events before it. Most events have no detection: for those the worker sends only
 * what the main thread reads (the summary, the baseline observation, the location) as numbers in one transferred
 * Float64Array, the strings that repeat (names, principals, addresses, user agents) once each, by number. Any other
 * item (a detection hit, an input error, a skipped file) is sent whole and evaluated by the main thread as in a
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

/** An item the main thread evaluates as usual: a reader item, a record with hits (as JSON text), an invalid record. */
type FullEntry =
  | { readonly kind: 'item'; readonly item: FileItem }
  | {
      readonly kind: 'record';
      readonly text: string;
      readonly location: InputLocation;
      readonly finding?: 'export' | 'event';
    }
  | { readonly kind: 'evaluated'; readonly evaluation: ErrorEvaluation };

type WorkerMessage =
  | {
      readonly type: 'batch';
      readonly task: number;
      /** Per item in order: 0 = the next quiet event, 1 = the next full entry. */
      readonly order: Uint8Array;
      readonly quiet: Float64Array;
      readonly strings: readonly string[];
      readonly inline: readonly string[];
      readonly full: readonly FullEntry[];
      readonly bytes: number;
      readonly work: number;
    }
  /** A part of a split file: how many lines it has (the main thread answers with the line it starts after). */
  | { readonly type: 'count'; readonly task: number; readonly lines: number }
  | { readonly type: 'done'; readonly task: number; readonly bytes: number; readonly work: number }
  | { readonly type: 'failed'; readonly task: number; readonly message: string };

type MainMessage =
  | { readonly type: 'task'; readonly task: PoolTask }
  | { readonly type: 'offset'; readonly task: number; readonly lineOffset: number }
  | { readonly type: 'ack' };

/** Numbers per quiet event in `quiet`. */
const STRIDE = 22;
const ABSENT = -1;

/**
 * Worker side: strings to numbers. A string seen before is its dictionary number (≥ 0); a new one is added to the
 * batch's `strings` (the main thread appends them to its copy); past the dictionary's cap, or for strings that do not
 * repeat (event ids, times), it goes to `inline` as −2 − its position; absent is −1.
 */
class QuietEncoder {
  private readonly dictionary = new Map<string, number>();
  private strings: string[] = [];
  private inline: string[] = [];
  private values: number[] = [];
  private order: number[] = [];
  private full: FullEntry[] = [];

  constructor(private readonly maxStrings = 200_000) {}

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

  private once(text: string | undefined): number {
    if (text === undefined) return ABSENT;
    this.inline.push(text);
    return -2 - (this.inline.length - 1);
  }

  addFull(entry: FullEntry): void {
    this.order.push(1);
    this.full.push(entry);
  }

  /** An event without detections: its summary, its baseline observation and its location. */
  addQuiet(ingested: IngestedEvent, observation: BaselineObservation, location: InputLocation): void {
    const s = ingested.summary;
    const a = s.actor;
    this.order.push(0);
    this.values.push(
      this.once(s.eventId),
      this.ref(s.eventName),
      this.ref(s.eventSource),
      this.once(s.eventTime),
      this.ref(s.account),
      this.ref(s.region),
      this.ref(a.type),
      this.ref(a.arn),
      this.ref(a.principalId),
      this.ref(a.userName),
      this.ref(a.accountId),
      a.mfa === undefined ? ABSENT : a.mfa ? 1 : 0,
      this.ref(s.sourceIp),
      this.ref(s.userAgent),
      this.ref(s.errorCode),
      s.readOnly === undefined ? ABSENT : s.readOnly ? 1 : 0,
      this.ref(observation.principal),
      this.ref(observation.api),
      observation.at,
      observation.denied ? 1 : 0,
      location.line ?? ABSENT,
      location.index ?? ABSENT,
    );
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
      full: this.full,
      bytes,
      work,
    };
    this.strings = [];
    this.inline = [];
    this.values = [];
    this.order = [];
    this.full = [];
    return { message, transfer: [quiet.buffer as ArrayBuffer, order.buffer as ArrayBuffer] };
  }
}

/** A quiet event rebuilt on the main thread: what `complete` needs, with the summary exactly as the worker had it. */
interface QuietEvent {
  readonly ingested: IngestedEvent;
  readonly observation: BaselineObservation;
  readonly location: InputLocation;
}

/**
 * Main thread side, one per worker (its dictionary grows with the worker's). The rebuilt summary has the worker's
 * fields in `summarize`'s order; the record is reduced to its ids, which is all that scoring an event without
 * detections (the observation comes from the worker) and its decision read.
 */
class QuietDecoder {
  private readonly dictionary: string[] = [];

  /** Adds a batch's new strings; call once per batch, before decoding it. */
  learn(strings: readonly string[]): void {
    for (const text of strings) this.dictionary.push(text);
  }

  decode(
    quiet: Float64Array,
    position: number,
    inline: readonly string[],
    file: string,
    receivedAt: string,
  ): QuietEvent {
    const at = (offset: number): string | undefined => {
      const code = quiet[position * STRIDE + offset] as number;
      return code === ABSENT ? undefined : code >= 0 ? this.dictionary[code] : inline[-2 - code];
    };
    const flag = (offset: number): boolean | undefined => {
      const code = quiet[position * STRIDE + offset] as number;
      return code === ABSENT ? undefined : code === 1;
    };
    const number = (offset: number): number => quiet[position * STRIDE + offset] as number;
    const eventId = at(0) as string;
    const eventName = at(1) as string;
    const eventSource = at(2) as string;
    const actor: Actor = { type: at(6) as string };
    const arn = at(7);
    if (arn !== undefined) actor.arn = arn;
    const principalId = at(8);
    if (principalId !== undefined) actor.principalId = principalId;
    const userName = at(9);
    if (userName !== undefined) actor.userName = userName;
    const accountId = at(10);
    if (accountId !== undefined) actor.accountId = accountId;
    const mfa = flag(11);
    if (mfa !== undefined) actor.mfa = mfa;
    const summary: EventSummary = {
      eventId,
      eventName,
      eventSource,
      account: at(4) as string,
      region: at(5) as string,
      actor,
    };
    const eventTime = at(3);
    if (eventTime !== undefined) summary.eventTime = eventTime;
    const sourceIp = at(12);
    if (sourceIp !== undefined) summary.sourceIp = sourceIp;
    const userAgent = at(13);
    if (userAgent !== undefined) summary.userAgent = userAgent;
    const errorCode = at(14);
    if (errorCode !== undefined) summary.errorCode = errorCode;
    const readOnly = flag(15);
    if (readOnly !== undefined) summary.readOnly = readOnly;
    const observation: { -readonly [K in keyof BaselineObservation]: BaselineObservation[K] } = {
      eventId,
      principal: at(16) as string,
      api: at(17) as string,
      at: number(18),
      denied: number(19) === 1,
    };
    if (sourceIp !== undefined) observation.sourceIp = sourceIp;
    if (summary.region !== 'unknown') observation.region = summary.region;
    const line = number(20);
    const index = number(21);
    const location: { file: string; line?: number; index?: number } = { file };
    if (line !== ABSENT) location.line = line;
    if (index !== ABSENT) location.index = index;
    const ingested: IngestedEvent = {
      schemaVersion: SCHEMA_VERSION,
      eventId,
      receivedAt,
      summary,
      record: { eventID: eventId, eventSource, eventName },
      detections: [],
      archive: null,
    };
    return { ingested, observation, location };
  }
}

export type { FullEntry, MainMessage, PoolTask, QuietEvent, WorkerInit, WorkerMessage };
export { QuietDecoder, QuietEncoder };
