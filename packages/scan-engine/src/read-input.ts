import { closeSync, createReadStream, openSync, readFileSync, readSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { constants, createGunzip, gunzipSync } from 'node:zlib';
import type { InputFile, SkipReason } from './discover-files.js';
import { type RecordsSink, RecordsStreamer, recordsArrayStart } from './records-streamer.js';
import {
  type InputErrorItem,
  type InputItem,
  type InputLocation,
  isObject,
  unwrapDocument,
  unwrapElement,
} from './unwrap.js';

/** A file not worth reading as events (not JSON, not CloudTrail …): skipped with a counted note. */
interface SkippedItem {
  readonly kind: 'skipped';
  readonly file: string;
  readonly reason: SkipReason;
  readonly detail?: string;
}

type FileItem = InputItem | SkippedItem;

interface ReadInputOptions {
  /** Bytes read from disk (compressed bytes for gzip), for the progress bar; they add up to the file's size. */
  readonly onBytes?: (bytes: number) => void;
  /** Longest line (and whole multi-line document) read, in bytes; a longer one is an input error. */
  readonly maxLineBytes?: number;
  /** Read every JSON file as events, also those whose first values have no CloudTrail shape. */
  readonly strict?: boolean;
  /** Told the work done on the file (bytes searched, copied, decoded): linear in its size. */
  readonly onWork?: (bytes: number) => void;
  /**
   * Only the bytes `[start, end)` of a plain (not gzip) JSON Lines file, for a worker that reads one part of a large
   * file: `start` is 0 or just past a newline, `end` just past one (or the file's end), and the lines are numbered
   * from `lineOffset + 1`. A part after the first is read as JSON Lines already known to be CloudTrail (the first
   * part's first line was checked before the file was split).
   */
  readonly range?: { readonly start: number; readonly end: number; readonly lineOffset: number };
  /** A record that is a whole line of JSON Lines keeps the line's text (`CandidateItem.text`). */
  readonly keepLineText?: boolean;
  /** Told the number of the input's last line, once it was read whole (not after a read error). */
  readonly onLastLine?: (line: number) => void;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
const SNIFF_BYTES = 4096;
const CHUNK_BYTES = 1 << 16;
/** Chunk of a plain file: larger than a stream's, so the per-chunk work (a batch, an await) is paid less often. */
const PLAIN_CHUNK_BYTES = 1 << 18;
const BYTE_ORDER_MARK = '\uFEFF';
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const EMPTY = Buffer.alloc(0);
/** Default longest line: a 100 MB one-line CloudTrail log file fits; a decompression bomb does not. */
const DEFAULT_MAX_LINE_BYTES = 256 * 1024 * 1024;
/** How many JSON values at the start of a file are looked at to tell CloudTrail from other JSON. */
const SHAPE_PROBE = 5;

/** The message of an error, also of one from another realm (where `instanceof Error` is false). */
const errorMessage = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string'
    ? error.message
    : String(error);

/** How the name reads, without a `.gz` suffix: JSON Lines, JSON, or unknown (decided by the content). */
type NameHint = 'jsonl' | 'json' | 'unknown';

function nameHint(path: string): NameHint {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'jsonl';
  if (name.endsWith('.json')) return 'json';
  return 'unknown';
}

interface Sniff {
  readonly gzip: boolean;
  /** First non-blank character of the (decompressed) content, undefined for an empty file. */
  readonly firstChar: string | undefined;
  /** Why gzip data did not decompress, when it did not. */
  readonly gzipError?: string;
}

/** Reads the head of the file: gzip by magic bytes (not by name), then the first meaningful character. */
async function sniff(path: string): Promise<Sniff> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    const head = buffer.subarray(0, bytesRead);
    const gzip = bytesRead >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
    let text: string;
    try {
      text = (gzip ? gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH }) : head).toString('utf8');
    } catch (error) {
      return { gzip, firstChar: undefined, gzipError: errorMessage(error) };
    }
    const match = /\S/.exec(text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text);
    return { gzip, firstChar: match?.[0] };
  } finally {
    await handle.close();
  }
}

/** The position of a JSON.parse error as a 1-based line of `text`, when the message gives one. */
function lineOfParseError(text: string, message: string): number | undefined {
  const lineColumn = /\(line (\d+) column \d+\)/.exec(message);
  if (lineColumn?.[1]) return Number(lineColumn[1]);
  const position = /at position (\d+)/.exec(message);
  if (!position?.[1]) return undefined;
  const offset = Math.min(Number(position[1]), text.length);
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: errorMessage(error) };
  }
}

const isBlank = (line: string): boolean => line.length === 0 || line.trim() === '';

/** One line of JSON Lines → its items, appended to `into`; an unparseable line is an error with its line number. */
function lineItems(text: string, file: string, line: number, into: FileItem[]): void {
  const parsed = parseJson(text);
  if (parsed.ok) unwrapDocument(parsed.value, { file, line }, into);
  else into.push({ kind: 'error', error: `invalid JSON: ${parsed.message}`, location: { file, line } });
}

/**
 * A whole-file JSON document (`{"Records": [...]}`, an array, one record or envelope). When it does not parse but
 * its second line is a JSON value by itself, or one of its lines is a whole record, it is JSON Lines with bad first
 * lines: read line by line instead.
 * Unless `strict`, a document (or lines) with no CloudTrail shape is skipped.
 */
function documentItems(text: string, file: string, strict: boolean): FileItem[] {
  const items: FileItem[] = [];
  const parsed = parseJson(text);
  if (parsed.ok) {
    if (!strict && !hasCloudTrailShape(parsed.value)) return [notCloudTrail(file)];
    const location = Array.isArray(parsed.value) || hasRecords(parsed.value) ? { file } : { file, index: 0 };
    unwrapDocument(parsed.value, location, items);
    return items;
  }
  const lines = text.split('\n');
  const values = lines.filter((line) => !isBlank(line));
  const second = values[1];
  // JSON Lines whose first lines are broken: the second line is a value by itself, or some line is a whole record
  // (a pretty-printed document never has a record on one line).
  const recordOnALine = () =>
    values.some((line) => {
      if (!line.trimStart().startsWith('{')) return false;
      const value = parseJson(line);
      return value.ok && hasCloudTrailShape(value.value);
    });
  if ((second !== undefined && parseJson(second).ok) || recordOnALine()) {
    const firstValues = values.slice(0, SHAPE_PROBE + 1).map(parseJson);
    const shaped = firstValues.some((value) => value.ok && hasCloudTrailShape(value.value));
    if (!strict && !shaped) return [notCloudTrail(file)];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? '';
      if (!isBlank(line)) lineItems(line, file, i + 1, items);
    }
    return items;
  }
  const location: InputLocation = { file, line: lineOfParseError(text, parsed.message) ?? 1 };
  items.push({ kind: 'error', error: `invalid JSON: ${parsed.message}`, location });
  return items;
}

/** A document whose elements are located by index: a CloudTrail log file or a findings export. */
const hasRecords = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && ('Records' in value || 'Findings' in value);

function openGunzipStream(path: string, onBytes: (bytes: number) => void): Readable {
  const raw = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  raw.on('data', (chunk) => onBytes(chunk.length));
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  raw.on('error', (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}

/** A gzip file of at most this many bytes is inflated at once (`gunzipAtOnce`); a larger one is streamed. */
const GUNZIP_AT_ONCE_BYTES = 4 * 1024 * 1024;
/** … unless it inflates to more than this: then it is streamed too (memory stays bounded). */
const GUNZIPPED_AT_ONCE_MAX_BYTES = 64 * 1024 * 1024;

/**
 * A small gzip file (CloudTrail writes objects of about 100 KB to a few MB) inflated in one synchronous call: its
 * stream went through libuv's thread pool chunk by chunk and the reading thread waited on each hand-off, idle about a
 * seventh of a scan of such objects. Undefined when the file is larger, does not inflate in one piece (corrupt) or
 * inflates to too much: the stream then reads it, and reports how far it got.
 */
function gunzipAtOnce(file: InputFile): Buffer | undefined {
  if (file.size > GUNZIP_AT_ONCE_BYTES) return undefined;
  try {
    const data = readFileSync(file.path);
    return gunzipSync(data, {
      maxOutputLength: GUNZIPPED_AT_ONCE_MAX_BYTES,
      chunkSize: inflatedSizeHint(data),
    });
  } catch {
    return undefined;
  }
}

/** Deflate's largest possible ratio (a run of one byte): no gzip member inflates to more than this per byte. */
const DEFLATE_MAX_RATIO = 1032;
const MIN_INFLATE_CHUNK = 64 * 1024;

/**
 * The size to inflate a gzip file into, from its trailer (ISIZE, the last member's size mod 2^32), bounded by what
 * its bytes could inflate to and by GUNZIPPED_AT_ONCE_MAX_BYTES: with the whole output in one chunk, zlib makes one
 * pass and no copy (node's default, 16 KiB chunks joined at the end, took twice as long for a 2 MB CloudTrail
 * object). A wrong size (several members, a hostile trailer) only costs more chunks.
 */
function inflatedSizeHint(data: Buffer): number {
  const isize = data.length >= 18 ? data.readUInt32LE(data.length - 4) : 0;
  return Math.max(
    MIN_INFLATE_CHUNK,
    Math.min(isize, data.length * DEFLATE_MAX_RATIO, GUNZIPPED_AT_ONCE_MAX_BYTES),
  );
}

/** An inflated file in chunks of the plain reader's size, as the stream would hand them on. */
async function* sliced(data: Buffer): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < data.length; offset += PLAIN_CHUNK_BYTES)
    yield data.subarray(offset, Math.min(data.length, offset + PLAIN_CHUNK_BYTES));
}

/**
 * The chunks of an uncompressed file, read with one file descriptor into one reused buffer by synchronous reads:
 * a read from the page cache takes microseconds, against milliseconds to process what it returns, and a
 * synchronous read costs a tenth of the CPU of a promise-based one (measured: 22 vs 96 ms CPU for 210 MB). The
 * generator still yields between chunks, so output back-pressure and timers run. A chunk is only valid until the
 * next one is requested (its buffer is reused).
 */
async function* readPlainChunks(
  path: string,
  onBytes: (bytes: number) => void,
  start = 0,
  end = Number.POSITIVE_INFINITY,
): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  const buffer = Buffer.allocUnsafe(PLAIN_CHUNK_BYTES);
  let position = start;
  try {
    for (;;) {
      const wanted = Math.min(PLAIN_CHUNK_BYTES, end - position);
      if (wanted <= 0) return;
      const bytesRead = readSync(handle.fd, buffer, 0, wanted, position);
      position += bytesRead;
      if (bytesRead === 0) return;
      onBytes(bytesRead);
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** A multi-line document, read whole: no larger than the line limit (also once decompressed). */
async function readWholeText(file: InputFile, gzip: boolean, maxBytes: number): Promise<string> {
  const tooLarge = `the document is larger than ${formatBytes(maxBytes)} (--max-line-mb)`;
  if (!gzip && file.size > maxBytes) throw new Error(tooLarge);
  const bytes = await readFile(file.path);
  let data: Buffer;
  try {
    data = gzip ? gunzipSync(bytes, { maxOutputLength: maxBytes }) : bytes;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw new Error(tooLarge);
    throw error;
  }
  const text = data.toString('utf8');
  return text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
}

/** Called with each complete line's bytes (\n or \r\n removed), numbered from 1; returns false to stop. */
type OnLine = (line: string, lineNumber: number) => boolean;
/** Called for a line longer than the limit (its bytes are dropped as they arrive); returns false to stop. */
type OnOverlong = (lineNumber: number) => boolean;

/** Where the elements of a streamed `{"Records":[…]}` line go: a sink per such line, given its line number. */
type OpenRecordsSink = (lineNumber: number) => RecordsSink;

/**
 * A line this long (or the line limit, if lower) that starts like `{"Records":[` is streamed record by record instead
 * of being held. Below it the line is parsed whole: one JSON.parse is cheaper than finding each record's end in
 * JavaScript and parsing it alone (a scan of 2 MB objects took 10 % less with 8 MiB than with 1 MiB); a line held and
 * parsed whole costs at most a few tens of MB of memory.
 */
const STREAM_RECORDS_AFTER_BYTES = 8 * 1024 * 1024;

/**
 * Splits a byte stream into lines, in time and memory linear in the input: each chunk is searched for newlines once
 * (a byte search: `\n` is never part of a multi-byte UTF-8 character, so lines are cut before decoding), and the
 * unfinished tail is kept as a list of byte pieces, joined and decoded once when its newline arrives. A line longer
 * than `maxLineBytes` is never held: its bytes are dropped as they come and it is reported by its number. A long line
 * that is a CloudTrail log file (`{"Records":[…]}`, as S3 delivers it) is not held either: once it passes 1 MiB its
 * records are streamed one by one to the sink `openRecords` gives (the limit then applies to each record).
 */
class LineSplitter {
  private pieces: Buffer[] = [];
  private pendingBytes = 0;
  private overlong = false;
  private streamer: RecordsStreamer | undefined;
  /** The unfinished line was looked at for `{"Records":[` already. */
  private streamChecked = false;
  lineNumber = 0;
  /** Work done: bytes searched for a newline plus bytes copied or decoded (a linearity check counts these). */
  workBytes = 0;

  /**
   * `chunksStay`: the chunks pushed stay valid and unchanged (views of an inflated file), so an unfinished line is kept
   * as views, not copied, and a line whose pieces lie side by side in one buffer is decoded from there, not joined (a
   * CloudTrail object's one line was copied twice).
   */
  constructor(
    private readonly maxLineBytes: number,
    private readonly openRecords?: OpenRecordsSink,
    private readonly chunksStay = false,
  ) {}

  /** The complete lines of this chunk; the unfinished tail waits for the next one. */
  push(chunk: Buffer, onLine: OnLine, onOverlong: OnOverlong): boolean {
    let start = 0;
    if (this.streamer) {
      start = this.feedStreamer(chunk, 0);
      if (start === -1) return true;
    }
    let end = chunk.indexOf(NEWLINE, start);
    while (end !== -1) {
      this.workBytes += end - start + 1;
      if (!this.emit(chunk, start, end, onLine, onOverlong)) return false;
      start = end + 1;
      end = chunk.indexOf(NEWLINE, start);
    }
    this.workBytes += chunk.length - start;
    this.hold(chunk, start);
    return true;
  }

  /** The last line when the input does not end with a newline. */
  end(onLine: OnLine, onOverlong: OnOverlong): void {
    if (this.streamer) {
      this.streamer.end();
      this.workBytes += this.streamer.workBytes;
      this.streamer = undefined;
      this.lineNumber++;
      return;
    }
    if (this.overlong || this.pendingBytes > 0) this.emit(EMPTY, 0, 0, onLine, onOverlong);
  }

  /** Hands `chunk[start…]` to the streamer; the offset where the line goes on after the object, or -1. */
  private feedStreamer(chunk: Buffer, start: number): number {
    const streamer = this.streamer as RecordsStreamer;
    const end = streamer.push(chunk, start);
    if (end === -1) return -1;
    this.lineNumber += streamer.newlines;
    this.workBytes += streamer.workBytes;
    this.streamer = undefined;
    return end;
  }

  /** Keeps `chunk[start…]` as part of the unfinished line: a copy, unless chunks stay (they are reused otherwise). */
  private hold(chunk: Buffer, start: number): void {
    const length = chunk.length - start;
    if (length === 0 || this.overlong) return;
    this.pieces.push(this.chunksStay ? chunk.subarray(start) : Buffer.from(chunk.subarray(start)));
    this.pendingBytes += length;
    if (
      this.openRecords &&
      !this.streamChecked &&
      this.pendingBytes >= Math.min(STREAM_RECORDS_AFTER_BYTES, this.maxLineBytes)
    ) {
      this.streamChecked = true;
      this.startStreaming();
    }
    if (this.pendingBytes > this.maxLineBytes) {
      this.overlong = true;
      this.pieces = [];
      this.pendingBytes = 0;
    }
  }

  /** When the unfinished line is a `{"Records":[` object, streams it from here on. */
  private startStreaming(): void {
    // Once per streamed line: the held head (about 1 MiB) joined, then fed from just past the `[`.
    const held = Buffer.concat(this.pieces, this.pendingBytes);
    const arrayStart = recordsArrayStart(held);
    if (arrayStart === -1 || !this.openRecords) return;
    this.streamer = new RecordsStreamer(
      this.maxLineBytes,
      this.openRecords(this.lineNumber + 1),
      `${formatBytes(this.maxLineBytes)} (--max-line-mb)`,
    );
    this.pieces = [];
    this.pendingBytes = 0;
    const end = this.feedStreamer(held, arrayStart);
    // The object ended inside what was held: the rest is the line's again.
    if (end !== -1 && end < held.length) {
      this.pieces.push(held.subarray(end));
      this.pendingBytes = held.length - end;
    }
  }

  /**
   * A `{"Records":[…]}` line past the limit that arrived whole (it never waited as an unfinished line): read record by
   * record like a streamed one. Its size is bounded: the held part never passes the limit.
   */
  private streamWhole(chunk: Buffer, start: number, end: number, lineNumber: number): boolean {
    if (!this.openRecords) return false;
    const line =
      this.pieces.length === 0
        ? chunk.subarray(start, end)
        : Buffer.concat([...this.pieces, chunk.subarray(start, end)]);
    const arrayStart = recordsArrayStart(line);
    if (arrayStart === -1) return false;
    this.pieces = [];
    this.pendingBytes = 0;
    const streamer = new RecordsStreamer(
      this.maxLineBytes,
      this.openRecords(lineNumber),
      `${formatBytes(this.maxLineBytes)} (--max-line-mb)`,
    );
    if (streamer.push(line, arrayStart) === -1) streamer.end();
    this.workBytes += streamer.workBytes + line.length;
    return true;
  }

  private emit(chunk: Buffer, start: number, end: number, onLine: OnLine, onOverlong: OnOverlong): boolean {
    const lineNumber = ++this.lineNumber;
    this.streamChecked = false;
    if (
      !this.overlong &&
      this.pendingBytes + (end - start) > this.maxLineBytes &&
      this.streamWhole(chunk, start, end, lineNumber)
    )
      return true;
    if (this.overlong || this.pendingBytes + (end - start) > this.maxLineBytes) {
      this.overlong = false;
      this.pieces = [];
      this.pendingBytes = 0;
      return onOverlong(lineNumber);
    }
    // The line's bytes are `bytes[from, to)`: the chunk itself when the line is whole in it (no copy, no view).
    let bytes = chunk;
    let from = start;
    let to = end;
    if (this.pieces.length > 0) {
      this.pieces.push(chunk.subarray(start, end));
      const length = this.pendingBytes + (end - start);
      const first = this.pieces[0] as Buffer;
      if (this.chunksStay && sideBySide(this.pieces))
        bytes = Buffer.from(first.buffer, first.byteOffset, length);
      else {
        bytes = Buffer.concat(this.pieces, length);
        this.workBytes += bytes.length;
      }
      this.pieces = [];
      this.pendingBytes = 0;
      from = 0;
      to = bytes.length;
    }
    if (to > from && bytes[to - 1] === CARRIAGE_RETURN) to--;
    if (
      lineNumber === 1 &&
      to - from >= 3 &&
      bytes[from] === 0xef &&
      bytes[from + 1] === 0xbb &&
      bytes[from + 2] === 0xbf
    )
      from += 3;
    return onLine(bytes.toString('utf8', from, to), lineNumber);
  }
}

/** The views follow each other in one buffer, without a gap. */
function sideBySide(views: readonly Buffer[]): boolean {
  for (let i = 1; i < views.length; i++) {
    const before = views[i - 1] as Buffer;
    const view = views[i] as Buffer;
    if (view.buffer !== before.buffer || view.byteOffset !== before.byteOffset + before.length) return false;
  }
  return true;
}

/** `1.5 MiB`, `256 MiB`: a byte limit as people read it. */
function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  if (mib >= 1) return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
  return `${bytes} bytes`;
}

/**
 * True for what CloudTrail writes or wraps: a log file (`Records`), an EventBridge event (`detail-type` with
 * a `detail`), or a record (eventName and eventSource with userIdentity or eventVersion, which CloudTrail always
 * writes); and for a findings export (`{"Findings": [...]}` of `aws guardduty get-findings` or `aws securityhub
 * get-findings`). Label, provenance or index files that only quote eventName, eventSource, eventID or eventTime are
 * not.
 */
function hasCloudTrailShape(value: unknown): boolean {
  if (Array.isArray(value)) return value.slice(0, SHAPE_PROBE).some(hasCloudTrailShape);
  if (!isObject(value)) return false;
  if ('Records' in value || ('detail-type' in value && 'detail' in value)) return true;
  if ('Findings' in value) return true;
  return (
    'eventName' in value && 'eventSource' in value && ('userIdentity' in value || 'eventVersion' in value)
  );
}

const NOT_CLOUDTRAIL_DETAIL = `none of its first ${SHAPE_PROBE} JSON values is a CloudTrail record, log file or EventBridge event`;

function notCloudTrail(file: string): SkippedItem {
  return { kind: 'skipped', file, reason: 'not CloudTrail', detail: NOT_CLOUDTRAIL_DETAIL };
}

/** An error about the file as a whole: it is located at its first line. */
function fileError(file: string, error: string, line = 1): InputErrorItem {
  return { kind: 'error', error, location: { file, line } };
}

/**
 * Reads one input file and yields its event candidates and errors in input order, in batches (one per chunk read,
 * so the per-event cost of async iteration is paid once per chunk). JSON Lines are streamed (over gunzip when the
 * file starts with the gzip magic bytes); a multi-line JSON document is read whole (up to the line limit). A file
 * whose name does not say JSON and whose content does not start with `{` or `[` is skipped, and so is JSON whose
 * first values have no CloudTrail shape (unless `strict`). Nothing the file holds or how it fails to read throws:
 * a failure is an error item, and the scan goes on with the next file.
 */
async function* readInputFile(file: InputFile, options: ReadInputOptions = {}): AsyncGenerator<FileItem[]> {
  let counted = 0;
  const onBytes = (bytes: number) => {
    counted += bytes;
    options.onBytes?.(bytes);
  };
  try {
    yield* readItems(file, onBytes, options);
  } finally {
    // Whatever was not streamed (a document read whole, a skipped file) still counts as done.
    if (counted < file.size) options.onBytes?.(file.size - counted);
  }
}

async function* readItems(
  file: InputFile,
  onBytes: (bytes: number) => void,
  options: ReadInputOptions,
): AsyncGenerator<FileItem[]> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const range = options.range;
  const keepText = options.keepLineText === true;
  // A later part of a split file: JSON Lines of CloudTrail, as its first part showed.
  const continuation = range !== undefined && range.start > 0;
  const strict = options.strict === true || continuation;
  const hint = continuation ? 'jsonl' : nameHint(file.path);
  let head: Sniff;
  try {
    head = continuation ? { gzip: false, firstChar: '{' } : await sniff(file.path);
  } catch (error) {
    yield [{ ...fileError(file.path, `cannot read the file: ${errorMessage(error)}`), readFailure: true }];
    return;
  }
  if (head.gzipError !== undefined) {
    yield [fileError(file.path, `cannot decompress the gzip file: ${head.gzipError}`)];
    return;
  }
  // Empty. (For gzip, a head that yields nothing is read anyway: the stream tells empty from corrupt.)
  if (head.firstChar === undefined && !head.gzip) {
    yield [{ kind: 'skipped', file: file.path, reason: 'empty', detail: 'only blank characters' }];
    return;
  }
  if (
    !strict &&
    hint === 'unknown' &&
    head.firstChar !== undefined &&
    head.firstChar !== '{' &&
    head.firstChar !== '['
  ) {
    const detail = `starts with ${JSON.stringify(head.firstChar)}`;
    yield [{ kind: 'skipped', file: file.path, reason: 'not JSON', detail }];
    return;
  }

  const inflated = head.gzip ? gunzipAtOnce(file) : undefined;
  const stream = head.gzip && inflated === undefined ? openGunzipStream(file.path, onBytes) : undefined;
  const chunks: AsyncIterable<Buffer> =
    inflated !== undefined
      ? sliced(inflated)
      : (stream ?? readPlainChunks(file.path, onBytes, range?.start, range?.end));
  let jsonLines = hint === 'jsonl';
  let multiLineDocument = false;
  // Until the file's shape is known (CloudTrail or not), its items are held back.
  let shapeKnown = strict;
  let probed = 0;
  let skipped = false;
  let batch: FileItem[] = [];
  const probe = (value: unknown): void => {
    if (shapeKnown) return;
    if (hasCloudTrailShape(value)) shapeKnown = true;
    else if (++probed >= SHAPE_PROBE) skipped = true;
  };
  // A long `{"Records":[…]}` line, streamed: its elements are parsed one by one, located by line and index.
  const openRecords = (lineNumber: number): RecordsSink => {
    jsonLines = true;
    shapeKnown = true;
    return {
      element(text, index) {
        const location = { file: file.path, line: lineNumber, index };
        const parsed = parseJson(text);
        if (parsed.ok) batch.push(unwrapElement(parsed.value, location));
        else batch.push({ kind: 'error', error: `invalid JSON: ${parsed.message}`, location });
      },
      error(message, index) {
        batch.push({ kind: 'error', error: message, location: { file: file.path, line: lineNumber, index } });
      },
    };
  };
  // The inflated file's slices stay valid; the plain reader reuses its buffer.
  const splitter = new LineSplitter(maxLineBytes, openRecords, inflated !== undefined);
  if (range) splitter.lineNumber = range.lineOffset;
  const onOverlong = (lineNumber: number): boolean => {
    jsonLines = true;
    batch.push(
      fileError(
        file.path,
        `line ${lineNumber} is longer than ${formatBytes(maxLineBytes)} (--max-line-mb): not read`,
        lineNumber,
      ),
    );
    return true;
  };
  /**
   * A `{"Records":[…]}` line that does not parse as a whole (one broken record): read record by record, so the
   * others are still reported. Returns false when the line is not such an object.
   */
  const salvageRecords = (line: string, lineNumber: number): boolean => {
    const bytes = Buffer.from(line);
    const arrayStart = recordsArrayStart(bytes);
    if (arrayStart === -1) return false;
    const streamer = new RecordsStreamer(
      maxLineBytes,
      openRecords(lineNumber),
      `${formatBytes(maxLineBytes)} (--max-line-mb)`,
    );
    const end = streamer.push(bytes, arrayStart);
    if (end === -1) streamer.end();
    else if (!isBlank(bytes.toString('utf8', end)))
      batch.push(fileError(file.path, 'invalid JSON: unexpected text after the Records object', lineNumber));
    options.onWork?.(streamer.workBytes);
    return true;
  };
  const onLine = (line: string, lineNumber: number): boolean => {
    if (isBlank(line)) return true;
    const parsed = parseJson(line);
    if (jsonLines) {
      if (parsed.ok) {
        probe(parsed.value);
        if (skipped) return false;
        unwrapDocument(
          parsed.value,
          { file: file.path, line: lineNumber },
          batch,
          keepText ? line : undefined,
        );
      } else if (!salvageRecords(line, lineNumber))
        batch.push(fileError(file.path, `invalid JSON: ${parsed.message}`, lineNumber));
      return true;
    }
    // A one-line log file with a broken record (it ends like one: a pretty-printed file's first line does not).
    if (!parsed.ok && line.trimEnd().endsWith('}') && salvageRecords(line, lineNumber)) return true;
    // First non-blank line: a JSON value by itself means JSON Lines (a one-line `{"Records": [...]}` file too).
    if (!parsed.ok) {
      multiLineDocument = true;
      return false;
    }
    jsonLines = true;
    probe(parsed.value);
    if (skipped) return false;
    unwrapDocument(parsed.value, { file: file.path, line: lineNumber }, batch, keepText ? line : undefined);
    return true;
  };

  try {
    for await (const chunk of chunks) {
      const more = splitter.push(chunk, onLine, onOverlong);
      if (!more) break;
      if (batch.length > 0 && shapeKnown) {
        yield batch;
        batch = [];
      }
    }
    if (!multiLineDocument && !skipped) {
      splitter.end(onLine, onOverlong);
      options.onLastLine?.(splitter.lineNumber);
    }
  } catch (error) {
    shapeKnown = true;
    const after = splitter.lineNumber > 0 ? ` after line ${splitter.lineNumber}` : '';
    batch.push(
      fileError(file.path, `cannot read the file${after}: ${errorMessage(error)}`, splitter.lineNumber + 1),
    );
  } finally {
    stream?.destroy();
    options.onWork?.(splitter.workBytes);
  }
  // A few values, none shaped like CloudTrail (and no read error): the file is something else.
  if (skipped || (!shapeKnown && probed > 0)) {
    yield [notCloudTrail(file.path)];
    return;
  }
  if (multiLineDocument) {
    try {
      const text = await readWholeText(file, head.gzip, maxLineBytes);
      options.onWork?.(text.length);
      batch = documentItems(text, file.path, strict);
    } catch (error) {
      batch = [fileError(file.path, `cannot read the file: ${errorMessage(error)}`)];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Newlines in `[start, end)` of the file: the number of lines of a part (it ends just past a newline). */
function countLines(path: string, start: number, end: number): number {
  const fd = openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(1 << 20);
  let lines = 0;
  try {
    for (let position = start; position < end; ) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, end - position), position);
      if (read === 0) break;
      position += read;
      for (let i = buffer.indexOf(0x0a, 0); i !== -1 && i < read; i = buffer.indexOf(0x0a, i + 1)) lines++;
    }
  } finally {
    closeSync(fd);
  }
  return lines;
}

export type { FileItem, ReadInputOptions, SkippedItem };
export { countLines, DEFAULT_MAX_LINE_BYTES, hasCloudTrailShape, LineSplitter, readInputFile };
