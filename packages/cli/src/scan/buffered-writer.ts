import type { Writable } from 'node:stream';

const DEFAULT_CHUNK_BYTES = 1 << 16;
/** UTF-8 takes at most 3 bytes per UTF-16 code unit. */
const MAX_BYTES_PER_UNIT = 3;

/**
 * Batches small writes into chunks of about 64 KiB: one `write` per output line is the main cost of printing
 * hundreds of thousands of lines. Each piece is encoded straight into the chunk's Buffer: joining thousands of
 * concatenated strings and encoding the result was measured 5× slower (the join flattens every line's rope).
 * A full chunk is handed to the stream as is and a new one is started, so a stream that writes later (a pipe) never
 * sees a reused buffer. Honours back-pressure: `write` returns a promise that resolves once the stream drained.
 */
class BufferedWriter {
  private chunk: Buffer;
  private used = 0;

  constructor(
    private readonly stream: Writable,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {
    this.chunk = Buffer.allocUnsafe(chunkBytes);
  }

  /** Queues `text`; returns a promise only when a flush had to wait for the stream to drain. */
  write(text: string): Promise<void> | undefined {
    return this.queue(text, 'utf8', MAX_BYTES_PER_UNIT);
  }

  /**
   * Queues `text` that is ASCII only, as a `--format json` error line is (json-line.ts escapes the rest): copied
   * one byte per character, about a third faster than encoding it as UTF-8. Any other character would be
   * written as its low byte: only for text known to be ASCII.
   */
  writeAscii(text: string): Promise<void> | undefined {
    return this.queue(text, 'latin1', 1);
  }

  private queue(text: string, encoding: 'utf8' | 'latin1', bytesPerUnit: number): Promise<void> | undefined {
    const worstCase = text.length * bytesPerUnit;
    if (this.used + worstCase > this.chunkBytes) {
      const flushed = this.flush();
      // Handed to the stream now, after the flushed chunk and before anything written next: the order is kept even
      // when the caller goes on writing without waiting.
      if (worstCase > this.chunkBytes)
        return Promise.all([flushed, this.send(Buffer.from(text, encoding))]).then(() => undefined);
      this.used += this.chunk.write(text, this.used, encoding);
      return flushed;
    }
    this.used += this.chunk.write(text, this.used, encoding);
    return undefined;
  }

  /**
   * Lets `encode` write `value` as bytes straight into the chunk. `encode(value, target, offset)` returns the end of
   * what it wrote, or, when it may not fit in what is left, minus the bytes it needs at most, having written nothing:
   * then the chunk is flushed and `value` encoded into the next one, or, larger than a chunk, into a buffer of its
   * own sent after it.
   */
  writeEncoded<T>(
    encode: (value: T, target: Buffer, offset: number) => number,
    value: T,
  ): Promise<void> | undefined {
    const end = encode(value, this.chunk, this.used);
    if (end >= 0) {
      this.used = end;
      return undefined;
    }
    const flushed = this.flush();
    if (-end > this.chunkBytes) {
      const own = Buffer.allocUnsafe(-end);
      const ownEnd = encode(value, own, 0);
      return Promise.all([flushed, this.send(own.subarray(0, ownEnd))]).then(() => undefined);
    }
    this.used = encode(value, this.chunk, 0);
    return flushed;
  }

  /** Hands what is queued to the stream. */
  flush(): Promise<void> {
    if (this.used === 0) return Promise.resolve();
    const full = this.chunk.subarray(0, this.used);
    this.chunk = Buffer.allocUnsafe(this.chunkBytes);
    this.used = 0;
    return this.send(full);
  }

  private send(data: Buffer | string): Promise<void> {
    const closed = outputClosed(this.stream);
    if (closed) return Promise.reject(closed);
    if (this.stream.write(data)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: OutputClosedError) => {
        this.stream.off('drain', onDrain);
        this.stream.off('error', onError);
        this.stream.off('close', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => settle();
      const onError = (error: Error) => settle(new OutputClosedError(error));
      const onClose = () => settle(outputClosed(this.stream) ?? new OutputClosedError(undefined));
      this.stream.once('drain', onDrain);
      this.stream.once('error', onError);
      this.stream.once('close', onClose);
    });
  }
}

/**
 * The output stream went away: the reader closed the pipe (`aisaws scan … | head -1`: EPIPE, not a failure) or the
 * write failed (a full disk). Commands stop producing output and say so in one line, without a stack trace.
 */
class OutputClosedError extends Error {
  override readonly name = 'OutputClosedError';
  /** The reader closed the pipe: a normal end for a command whose output is cut short on purpose. */
  readonly readerClosed: boolean;

  constructor(cause: Error | undefined) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    super(cause ? `cannot write the output: ${cause.message}` : 'the output was closed', { cause });
    this.readerClosed = code === 'EPIPE' || cause === undefined;
  }
}

/** The error to stop with when `stream` can no longer be written to, else undefined. */
function outputClosed(stream: Writable): OutputClosedError | undefined {
  if (stream.errored) return new OutputClosedError(stream.errored);
  if (stream.destroyed || stream.writableEnded) return new OutputClosedError(undefined);
  return undefined;
}

export { BufferedWriter, OutputClosedError, outputClosed };
