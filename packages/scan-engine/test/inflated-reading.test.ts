import { gzipSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import { type FileItem, LineSplitter } from '../src/read-input.js';
import { readItemsOf } from './read-file.js';

/**
 * A small gzip file is inflated at once into a buffer sized from its trailer, and its lines are read from views of
 * that buffer (no copy): the same items whatever the trailer says and however the line lies across the slices.
 */

const record = (n: number): Record<string, unknown> => ({
  eventVersion: '1.09',
  eventID: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  eventTime: '2026-11-20T09:00:00Z',
  eventName: 'DescribeInstances',
  eventSource: 'ec2.amazonaws.com',
  awsRegion: 'eu-west-1',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/a', accountId: '111122223333' },
  requestParameters: { padding: 'x'.repeat(500) },
});

/** A CloudTrail object as S3 delivers it: `{"Records":[…]}` on one line. */
const logFile = (from: number, count: number): string =>
  JSON.stringify({ Records: Array.from({ length: count }, (_, i) => record(from + i)) });

const readGzip = (bytes: Buffer): Promise<FileItem[]> => readItemsOf('object.json.gz', bytes);

const eventIds = (items: readonly FileItem[]): unknown[] =>
  items.map((item) => (item.kind === 'candidate' ? (item.value as { eventID: unknown }).eventID : item.kind));

describe('a gzip file inflated at once', () => {
  // 1,500 records of ~800 bytes: a line of ~1.2 MB, across several of the reader's 256 KiB slices.
  const text = logFile(0, 1500);

  it('reads the one line of a log file whole, each record at its index', async () => {
    // Act
    const items = await readGzip(gzipSync(text));
    // Assess
    expect(items).toHaveLength(1500);
    expect(eventIds(items)).toEqual(Array.from({ length: 1500 }, (_, i) => record(i).eventID));
    expect(items[1499]).toMatchObject({ kind: 'candidate', location: { line: 1, index: 1499 } });
  });

  it('reads every member of a multi-member file (the trailer gives the last member size only)', async () => {
    // Arrange: a large member, then a small one whose trailer says a few hundred bytes.
    const bytes = Buffer.concat([gzipSync(`${text}\n`), gzipSync(`${logFile(5000, 1)}\n`)]);
    // Act
    const items = await readGzip(bytes);
    // Assess
    expect(items).toHaveLength(1501);
    expect(eventIds(items).at(-1)).toBe(record(5000).eventID);
  });

  it('reports a file whose trailer claims a wrong size, larger or smaller, as one it cannot read', async () => {
    for (const claimed of [0xffffffff, 10]) {
      // Arrange
      const bytes = gzipSync(text);
      bytes.writeUInt32LE(claimed, bytes.length - 4);
      // Act
      const items = await readGzip(bytes);
      // Assess: zlib checks ISIZE only mod 2^32 against what it inflated, so a wrong trailer is a corrupt file.
      expect(items).toEqual([
        expect.objectContaining({ kind: 'error', error: expect.stringMatching(/^cannot (read|decompress)/) }),
      ]);
    }
  });
});

describe('LineSplitter over chunks that stay valid', () => {
  const lines = ['{"a":1}', `{"b":"${'x'.repeat(300)}"}`, '{"c":3}'];
  const whole = Buffer.from(`${lines.join('\n')}\n`);

  /** The lines the splitter emits for `chunks`, and the bytes it searched, copied or joined to find them. */
  function split(chunks: readonly Buffer[], chunksStay: boolean): { lines: string[]; workBytes: number } {
    const splitter = new LineSplitter(1024 * 1024, undefined, chunksStay);
    const out: string[] = [];
    for (const chunk of chunks)
      splitter.push(
        chunk,
        (line) => out.push(line) > 0,
        () => true,
      );
    splitter.end(
      (line) => out.push(line) > 0,
      () => true,
    );
    return { lines: out, workBytes: splitter.workBytes };
  }

  it('gives the same lines from side-by-side views as from copies, without joining the long one', () => {
    // Arrange: cuts inside the long line, so it lies across three views of one buffer.
    const cuts = [0, 20, 120, 250, whole.length];
    const views = cuts.slice(1).map((end, i) => whole.subarray(cuts[i], end));
    // Act
    const kept = split(views, true);
    const copied = split(views, false);
    // Assess: the same lines; joining the long line's pieces is work only the copying splitter did.
    expect(kept.lines).toEqual(lines);
    expect(copied.lines).toEqual(lines);
    expect(copied.workBytes - kept.workBytes).toBe((lines[1] as string).length);
  });

  it('joins views of different buffers by copying them', () => {
    // Arrange: the same cuts, each piece in a buffer of its own (not side by side).
    const cuts = [0, 20, 120, 250, whole.length];
    const copies = cuts.slice(1).map((end, i) => Buffer.from(whole.subarray(cuts[i], end)));
    // Act + Assess
    expect(split(copies, true).lines).toEqual(lines);
  });
});
