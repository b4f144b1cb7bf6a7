import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/** A value found in the object, in order: a CloudTrail record (not validated yet), or why a part is unreadable. */
type LogObjectEntry =
  | { readonly kind: 'record'; readonly value: unknown; readonly index: number }
  | { readonly kind: 'error'; readonly error: string; readonly line?: number; readonly index?: number };

/** Why a whole object could not be read (bad gzip, over the size limit, not JSON): one error row for the object. */
class LogObjectError extends Error {
  override readonly name = 'LogObjectError';
}

interface ReadLogObjectOptions {
  /** Most decompressed bytes read from one object; default 256 MiB (CloudTrail delivers files of a few MiB). */
  readonly maxBytes?: number;
  /** Told each chunk of stored (compressed) bytes as it arrives, for progress. */
  readonly onBytes?: (bytes: number) => void;
}

const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
const BYTE_ORDER_MARK = '\uFEFF';

const messageOf = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string'
    ? error.message
    : String(error);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** True when the error came from the source stream (the connection), not from gunzip or the size check. */
const isStreamError = (error: unknown, body: Readable): boolean =>
  body.errored !== null && body.errored === error;

/** The stream's bytes, gunzipped when they start with the gzip magic bytes (not by name), up to `maxBytes`. */
async function readText(
  body: Readable,
  maxBytes: number,
  onBytes?: (bytes: number) => void,
): Promise<string> {
  const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await iterator.next();
  if (first.done === true) return '';
  const head = first.value;
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  async function* stored(): AsyncGenerator<Buffer> {
    onBytes?.(head.length);
    yield head;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      onBytes?.(next.value.length);
      yield next.value;
    }
  }
  const chunks: Buffer[] = [];
  let total = 0;
  const collect = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      total += chunk.length;
      if (total > maxBytes) throw new LogObjectError(`larger than ${maxBytes} bytes once decompressed`);
      chunks.push(chunk);
    }
  };
  try {
    if (gzip) await pipeline(Readable.from(stored()), createGunzip(), collect);
    else await collect(stored());
  } catch (error) {
    const fromSource = isStreamError(error, body);
    body.destroy();
    if (error instanceof LogObjectError) throw error;
    const what = gzip && !fromSource ? 'gzip data does not decompress' : 'cannot read the object';
    throw new LogObjectError(`${what}: ${messageOf(error)}`, { cause: error });
  }
  const text = Buffer.concat(chunks, total).toString('utf8');
  return text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
}

/** A parsed JSON value → its records: a log file's `Records`, an array, an EventBridge event's `detail`, a record. */
function recordsOf(value: unknown, into: LogObjectEntry[], line?: number): void {
  const push = (record: unknown) => {
    const index = into.length;
    into.push({ kind: 'record', value: record, index });
  };
  if (isObject(value) && Array.isArray(value.Records)) for (const record of value.Records) push(record);
  else if (Array.isArray(value)) for (const record of value) push(record);
  else if (isObject(value) && 'detail-type' in value && isObject(value.detail)) push(value.detail);
  else if (isObject(value)) push(value);
  else
    into.push({
      kind: 'error',
      error: 'not a CloudTrail log file, record or EventBridge event',
      ...(line !== undefined ? { line } : {}),
    });
}

/**
 * Reads one log object as CloudTrail delivers it (`{"Records":[…]}`, gzip) — or a JSON array, JSON Lines of
 * records or EventBridge events — and returns its entries in order. The object is read whole (a log file is one
 * JSON document), bounded by `maxBytes`. A part that is not JSON is an error entry with its line; an object that
 * cannot be read at all throws LogObjectError.
 */
async function readLogObject(body: Readable, options: ReadLogObjectOptions = {}): Promise<LogObjectEntry[]> {
  const text = await readText(body, options.maxBytes ?? DEFAULT_MAX_BYTES, options.onBytes);
  const entries: LogObjectEntry[] = [];
  if (text.trim() === '') return entries;
  try {
    recordsOf(JSON.parse(text), entries);
    return entries;
  } catch (documentError) {
    const lines = text.split('\n');
    const values = lines.filter((line) => line.trim() !== '');
    // One value that does not parse is a broken document, not JSON Lines.
    if (values.length < 2) throw new LogObjectError(`invalid JSON: ${messageOf(documentError)}`);
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        recordsOf(JSON.parse(line), entries, i + 1);
      } catch (error) {
        entries.push({ kind: 'error', error: `invalid JSON: ${messageOf(error)}`, line: i + 1 });
      }
    });
    return entries;
  }
}

export type { LogObjectEntry, ReadLogObjectOptions };
export { LogObjectError, readLogObject };
