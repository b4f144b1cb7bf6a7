import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { BufferedWriter } from '../../src/scan/buffered-writer.js';

/** Records each chunk it receives; with `highWaterMark` small, it asks the writer to wait (back-pressure). */
function recorder(highWaterMark = 1 << 20) {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      setImmediate(done);
    },
  });
  /** Ends the stream and resolves once every chunk was written. */
  const finished = () => new Promise<void>((resolve) => stream.end(resolve));
  return { stream, chunks, finished, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('BufferedWriter', () => {
  it('batches writes into chunks and keeps their order, multi-byte characters included', async () => {
    // Prepare
    const out = recorder();
    const writer = new BufferedWriter(out.stream, 64);
    const pieces = Array.from({ length: 40 }, (_, i) => `line ${i} ≥ é\n`);
    // Act
    for (const piece of pieces) await writer.write(piece);
    await writer.flush();
    await out.finished();
    // Assess
    expect(out.text()).toBe(pieces.join(''));
    expect(out.chunks.length).toBeGreaterThan(1);
    expect(out.chunks.length).toBeLessThan(pieces.length);
    for (const chunk of out.chunks) expect(chunk.length).toBeLessThanOrEqual(64);
  });

  it('sends a piece larger than a chunk on its own, after what was queued', async () => {
    const out = recorder();
    const writer = new BufferedWriter(out.stream, 32);
    await writer.write('small\n');
    await writer.write(`${'x'.repeat(100)}\n`);
    await writer.write('after\n');
    await writer.flush();
    await out.finished();
    expect(out.text()).toBe(`small\n${'x'.repeat(100)}\nafter\n`);
  });

  it('keeps the order when the caller writes on without waiting, a piece larger than a chunk included', async () => {
    // Prepare: a slow stream (back-pressure at 16 bytes), and writes that do not wait (as a line written in pieces).
    const out = recorder(16);
    const writer = new BufferedWriter(out.stream, 32);
    const pieces = ['{"a":', 'x'.repeat(100), ',"b":', 'y'.repeat(20), '}\n', 'next\n'];
    // Act
    const waits = pieces.map((piece) => writer.write(piece));
    await Promise.all(waits);
    await writer.flush();
    await out.finished();
    // Assess
    expect(waits.some((wait) => wait !== undefined)).toBe(true);
    expect(out.text()).toBe(pieces.join(''));
  });

  it('waits for the stream to drain when it signals back-pressure, losing nothing', async () => {
    const out = recorder(16);
    const writer = new BufferedWriter(out.stream, 32);
    let waited = 0;
    for (let i = 0; i < 50; i++) {
      const pending = writer.write(`event-${i}\n`);
      if (pending) {
        waited++;
        await pending;
      }
    }
    await writer.flush();
    await out.finished();
    expect(waited).toBeGreaterThan(0);
    expect(out.text()).toBe(Array.from({ length: 50 }, (_, i) => `event-${i}\n`).join(''));
  });

  it('writes ASCII text one byte per character, in order with the rest, a piece larger than a chunk included', async () => {
    // Prepare: a slow stream and writes that do not wait, ASCII and UTF-8 pieces mixed.
    const out = recorder(16);
    const writer = new BufferedWriter(out.stream, 32);
    const pieces = ['{"id":"', 'a'.repeat(40), '","x":"é ≥"', ',"n":12}', '\n'];
    // Act
    const waits = pieces.map((piece, i) => (i === 2 ? writer.write(piece) : writer.writeAscii(piece)));
    await Promise.all(waits);
    await writer.flush();
    await out.finished();
    // Assess
    expect(out.text()).toBe(pieces.join(''));
    expect(Buffer.concat(out.chunks).length).toBe(Buffer.byteLength(pieces.join(''), 'utf8'));
  });

  it('lets an encoder write into the chunk, on a fresh chunk when it does not fit, on its own when larger', async () => {
    // Prepare: an encoder of ASCII text that, like encodeResultLine, asks for room (here its exact length) when short.
    const encode = (text: string, target: Buffer, offset: number): number =>
      offset + text.length > target.length ? -text.length : offset + target.write(text, offset, 'latin1');
    const out = recorder(16);
    const writer = new BufferedWriter(out.stream, 32);
    const pieces = ['first line\n', 'a'.repeat(25), `${'b'.repeat(70)}\n`, 'tail\n', `${'c'.repeat(32)}`];
    // Act: encoded pieces and text pieces mixed, without waiting (order must hold under back-pressure).
    const waits = pieces.map((piece, i) =>
      i === 3 ? writer.write(piece) : writer.writeEncoded(encode, piece),
    );
    await Promise.all(waits);
    await writer.flush();
    await out.finished();
    // Assess: same bytes, in order; no chunk over 32 bytes except the piece larger than a chunk, sent alone.
    expect(out.text()).toBe(pieces.join(''));
    expect(out.chunks.map((chunk) => chunk.length)).toEqual([11, 25, 71, 5, 32]);
  });
});
