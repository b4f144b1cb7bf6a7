/**
 * Streams the elements of a CloudTrail log file's `Records` array as they arrive, without holding the file: S3
 * delivers `{"Records":[…]}` on one line, often tens of MB, and JSON.parse of the whole line would hold the text and
 * every parsed record at once. The streamer tracks only JSON's structure (strings, escapes, nesting) byte by byte,
 * cuts each element at its top-level `,` or `]`, and hands the element's text over to be parsed on its own: the same
 * work per record as JSON Lines, in memory bounded by the largest element.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const NEWLINE = 0x0a;

const isSpace = (byte: number): boolean =>
  byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === NEWLINE;

/**
 * `{"Records":[` at the start of a line (whitespace allowed, and a UTF-8 byte order mark): the offset just past the
 * `[`, or -1.
 */
function recordsArrayStart(head: Buffer): number {
  const match = /^(?:\xef\xbb\xbf)?[ \t\r\n]*\{[ \t\r\n]*"Records"[ \t\r\n]*:[ \t\r\n]*\[/.exec(
    head.toString('latin1', 0, Math.min(head.length, 256)),
  );
  return match ? match[0].length : -1;
}

interface RecordsSink {
  /** One element's JSON text and its index in `Records`. */
  element(text: string, index: number): void;
  /** A problem at `index` (an element too long, a missing element, the input ending inside the array). */
  error(message: string, index: number): void;
}

class RecordsStreamer {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** `elements`: inside the array; `close`: after its `]`, waiting for the object's `}`. */
  private phase: 'elements' | 'close' = 'elements';
  private elementOpen = false;
  private pieces: Buffer[] = [];
  private pendingBytes = 0;
  private overlong = false;
  private index = 0;
  /** Newlines consumed (outside strings), so the line count goes on right after the object. */
  newlines = 0;
  /** Bytes scanned plus bytes copied. */
  workBytes = 0;

  constructor(
    private readonly maxElementBytes: number,
    private readonly sink: RecordsSink,
    private readonly describeLimit: string,
  ) {}

  /**
   * Consumes `chunk[start…]`. Returns the offset just past the object's closing `}` when it is in this chunk (the
   * rest of the chunk is the caller's again), else -1 (everything was consumed).
   */
  push(chunk: Buffer, start: number): number {
    let elementStart = start;
    for (let i = start; i < chunk.length; i++) {
      if (this.inString) {
        // Most of a record is inside strings: jump to the string's end with a native search.
        const end = this.stringEnd(chunk, i);
        if (end === -1) break;
        i = end;
        continue;
      }
      const byte = chunk[i] as number;
      if (this.phase === 'close') {
        if (byte === NEWLINE) this.newlines++;
        else if (byte === CLOSE_BRACE || !isSpace(byte)) {
          // Anything but `}` (other keys after Records) is left to the caller, who reads it as the rest of the line.
          this.workBytes += i + (byte === CLOSE_BRACE ? 1 : 0) - start;
          return byte === CLOSE_BRACE ? i + 1 : i;
        }
        continue;
      }
      switch (byte) {
        case QUOTE:
          this.inString = true;
          if (!this.elementOpen) elementStart = this.open(i);
          break;
        case OPEN_BRACE:
        case OPEN_BRACKET:
          if (!this.elementOpen) elementStart = this.open(i);
          this.depth++;
          break;
        case CLOSE_BRACE:
        case CLOSE_BRACKET:
          if (this.depth > 0) {
            this.depth--;
            break;
          }
          // The end of Records: its last element ends here (`[]` has none).
          if (this.elementOpen) this.close(chunk, elementStart, i);
          else if (this.index > 0)
            this.sink.error('invalid JSON: a comma before the end of Records', this.index);
          this.phase = 'close';
          if (byte === CLOSE_BRACE) {
            this.sink.error('invalid JSON: Records is closed by "}" instead of "]"', this.index);
            this.workBytes += i + 1 - start;
            return i + 1;
          }
          break;
        case COMMA:
          if (this.depth > 0) break;
          if (this.elementOpen) this.close(chunk, elementStart, i);
          else this.sink.error('invalid JSON: an empty element in Records', this.index);
          this.index++;
          break;
        case NEWLINE:
          this.newlines++;
          break;
        default:
          if (!this.elementOpen && !isSpace(byte)) elementStart = this.open(i);
      }
    }
    this.workBytes += chunk.length - start;
    if (this.elementOpen) this.hold(chunk, elementStart);
    return -1;
  }

  /**
   * Inside a string from `from`: the offset of its closing quote (the string is then closed), or -1 when it goes on
   * past the chunk (`escaped` then says whether the chunk ends in the middle of an escape). A quote is the closing one
   * when an even number of backslashes precedes it within the string.
   */
  private stringEnd(chunk: Buffer, from: number): number {
    let at = from;
    if (this.escaped) {
      this.escaped = false;
      at++;
    }
    for (;;) {
      const quote = chunk.indexOf(QUOTE, at);
      const stop = quote === -1 ? chunk.length : quote;
      let backslashes = 0;
      while (stop - backslashes - 1 >= at && chunk[stop - backslashes - 1] === BACKSLASH) backslashes++;
      if (quote === -1) {
        this.escaped = backslashes % 2 === 1;
        return -1;
      }
      if (backslashes % 2 === 0) {
        this.inString = false;
        return quote;
      }
      at = quote + 1;
    }
  }

  /** The input ended before the object did. */
  end(): void {
    if (this.phase === 'close') {
      this.sink.error('invalid JSON: the input ends before the "}" after Records', this.index);
      return;
    }
    const where = this.elementOpen ? `inside Records[${this.index}]` : 'before the end of Records';
    this.sink.error(`invalid JSON: the input ends ${where}`, this.index);
  }

  private open(at: number): number {
    this.elementOpen = true;
    this.pieces = [];
    this.pendingBytes = 0;
    this.overlong = false;
    return at;
  }

  private hold(chunk: Buffer, from: number): void {
    if (this.overlong) return;
    const length = chunk.length - from;
    if (this.pendingBytes + length > this.maxElementBytes) {
      this.overlong = true;
      this.pieces = [];
      this.pendingBytes = 0;
      return;
    }
    this.pieces.push(Buffer.from(chunk.subarray(from)));
    this.pendingBytes += length;
    this.workBytes += length;
  }

  private close(chunk: Buffer, from: number, to: number): void {
    this.elementOpen = false;
    const length = this.pendingBytes + (to - from);
    if (this.overlong || length > this.maxElementBytes) {
      this.overlong = false;
      this.pieces = [];
      this.pendingBytes = 0;
      this.sink.error(`Records[${this.index}] is longer than ${this.describeLimit}: not read`, this.index);
      return;
    }
    let text: string;
    if (this.pieces.length === 0) text = chunk.toString('utf8', from, to);
    else {
      this.pieces.push(chunk.subarray(from, to));
      text = Buffer.concat(this.pieces, length).toString('utf8');
      this.workBytes += length;
      this.pieces = [];
      this.pendingBytes = 0;
    }
    this.sink.element(text.trimEnd(), this.index);
  }
}

export type { RecordsSink };
export { RecordsStreamer, recordsArrayStart };
