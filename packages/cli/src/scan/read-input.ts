import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { constants, createGunzip, gunzipSync } from 'node:zlib';
import type { InputFile } from './discover-files.js';
import { type InputItem, type InputLocation, unwrapDocument } from './unwrap.js';

/** A file that is not JSON (a licence, a README, a CSV …) found while walking a folder: skipped with a note. */
interface SkippedItem {
  readonly kind: 'skipped';
  readonly file: string;
  readonly reason: string;
}

type FileItem = InputItem | SkippedItem;

interface ReadInputOptions {
  /** Bytes read from disk (compressed bytes for gzip), for the progress bar; they add up to the file's size. */
  readonly onBytes?: (bytes: number) => void;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
const SNIFF_BYTES = 4096;
const CHUNK_BYTES = 1 << 16;
const BYTE_ORDER_MARK = '\uFEFF';

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
 * its second line is a JSON value by itself, it is JSON Lines with a bad first line: read line by line instead.
 */
function documentItems(text: string, file: string): FileItem[] {
  const items: FileItem[] = [];
  const parsed = parseJson(text);
  if (parsed.ok) {
    const location = Array.isArray(parsed.value) || hasRecords(parsed.value) ? { file } : { file, index: 0 };
    unwrapDocument(parsed.value, location, items);
    return items;
  }
  const lines = text.split('\n');
  const second = lines.filter((line) => !isBlank(line))[1];
  if (second !== undefined && parseJson(second).ok) {
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

const hasRecords = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && 'Records' in value;

function openGunzipStream(path: string, onBytes: (bytes: number) => void): Readable {
  const raw = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  raw.on('data', (chunk) => onBytes(chunk.length));
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  raw.on('error', (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}

/**
 * The chunks of an uncompressed file, read with one file handle and two buffers: the next read is started before
 * the current chunk is handed out, so the disk read overlaps the processing of the previous chunk (without a
 * stream's per-chunk machinery). A chunk is only valid until the next one is requested (its buffer is reused).
 */
async function* readPlainChunks(path: string, onBytes: (bytes: number) => void): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
  const readInto = (buffer: Buffer): Promise<number> =>
    handle.read(buffer, 0, CHUNK_BYTES, null).then((result) => result.bytesRead);
  let current = 0;
  let pending: Promise<number> | undefined;
  try {
    pending = readInto(buffers[current] as Buffer);
    for (;;) {
      const bytesRead = await pending;
      if (bytesRead === 0) return;
      onBytes(bytesRead);
      const chunk = (buffers[current] as Buffer).subarray(0, bytesRead);
      current = 1 - current;
      pending = readInto(buffers[current] as Buffer);
      yield chunk;
    }
  } finally {
    // A consumer that stops early leaves a read in flight: let it settle before closing the handle.
    await pending?.catch(() => undefined);
    await handle.close();
  }
}

async function readWholeText(path: string, gzip: boolean): Promise<string> {
  const bytes = await readFile(path);
  const text = (gzip ? gunzipSync(bytes) : bytes).toString('utf8');
  return text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
}

/** Splits decoded text into lines across chunk boundaries (\n or \r\n), numbering them from 1. */
class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private carry = '';
  lineNumber = 0;

  /** The complete lines of this chunk; the unfinished tail waits for the next one. */
  push(chunk: Buffer, onLine: (line: string, lineNumber: number) => boolean): boolean {
    const text = this.carry + this.decoder.write(chunk);
    let start = 0;
    let end = text.indexOf('\n');
    while (end !== -1) {
      const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
      start = end + 1;
      if (
        !onLine(
          this.lineNumber === 0 && line.startsWith(BYTE_ORDER_MARK) ? line.slice(1) : line,
          ++this.lineNumber,
        )
      ) {
        return false;
      }
      end = text.indexOf('\n', start);
    }
    this.carry = text.slice(start);
    return true;
  }

  /** The last line when the file does not end with a newline. */
  end(onLine: (line: string, lineNumber: number) => boolean): void {
    const rest = this.carry + this.decoder.end();
    this.carry = '';
    if (rest !== '') onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest, ++this.lineNumber);
  }
}

/**
 * Reads one input file and yields its event candidates and errors in input order, in batches (one per chunk read,
 * so the per-event cost of async iteration is paid once per chunk). JSON Lines are streamed (over gunzip when the
 * file starts with the gzip magic bytes); a multi-line JSON document is read whole. A file whose name does not say
 * JSON and whose content does not start with `{` or `[` is skipped.
 */
async function* readInputFile(file: InputFile, options: ReadInputOptions = {}): AsyncGenerator<FileItem[]> {
  let counted = 0;
  const onBytes = (bytes: number) => {
    counted += bytes;
    options.onBytes?.(bytes);
  };
  try {
    yield* readItems(file, onBytes);
  } finally {
    // Whatever was not streamed (a document read whole, a skipped file) still counts as done.
    if (counted < file.size) options.onBytes?.(file.size - counted);
  }
}

async function* readItems(file: InputFile, onBytes: (bytes: number) => void): AsyncGenerator<FileItem[]> {
  const hint = nameHint(file.path);
  const head = await sniff(file.path);
  if (head.gzipError !== undefined) {
    const error = `cannot decompress the gzip file: ${head.gzipError}`;
    yield [{ kind: 'error', error, location: { file: file.path, line: 1 } }];
    return;
  }
  // Empty. (For gzip, a head that yields nothing is read anyway: the stream tells empty from corrupt.)
  if (head.firstChar === undefined && !head.gzip) return;
  if (
    hint === 'unknown' &&
    head.firstChar !== undefined &&
    head.firstChar !== '{' &&
    head.firstChar !== '['
  ) {
    yield [
      {
        kind: 'skipped',
        file: file.path,
        reason: `not JSON (starts with ${JSON.stringify(head.firstChar)})`,
      },
    ];
    return;
  }

  const stream = head.gzip ? openGunzipStream(file.path, onBytes) : undefined;
  const chunks: AsyncIterable<Buffer> = stream ?? readPlainChunks(file.path, onBytes);
  const splitter = new LineSplitter();
  let jsonLines = hint === 'jsonl';
  let multiLineDocument = false;
  let batch: FileItem[] = [];
  const onLine = (line: string, lineNumber: number): boolean => {
    if (isBlank(line)) return true;
    if (jsonLines) {
      lineItems(line, file.path, lineNumber, batch);
      return true;
    }
    // First non-blank line: a JSON value by itself means JSON Lines (a one-line `{"Records": [...]}` file too).
    const parsed = parseJson(line);
    if (!parsed.ok) {
      multiLineDocument = true;
      return false;
    }
    jsonLines = true;
    unwrapDocument(parsed.value, { file: file.path, line: lineNumber }, batch);
    return true;
  };

  try {
    for await (const chunk of chunks) {
      if (!splitter.push(chunk, onLine)) break;
      if (batch.length > 0) {
        yield batch;
        batch = [];
      }
    }
    if (!multiLineDocument) splitter.end(onLine);
  } catch (error) {
    batch.push({
      kind: 'error',
      error: `cannot read the file${splitter.lineNumber > 0 ? ` after line ${splitter.lineNumber}` : ''}: ${errorMessage(error)}`,
      location: { file: file.path, line: splitter.lineNumber + 1 },
    });
  } finally {
    stream?.destroy();
  }
  if (multiLineDocument) {
    try {
      batch = documentItems(await readWholeText(file.path, head.gzip), file.path);
    } catch (error) {
      batch = [
        {
          kind: 'error',
          error: `cannot read the file: ${errorMessage(error)}`,
          location: { file: file.path, line: 1 },
        },
      ];
    }
  }
  if (batch.length > 0) yield batch;
}

export type { FileItem, SkippedItem };
export { readInputFile };
