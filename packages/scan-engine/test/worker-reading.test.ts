import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { type FileItem, readInputFile } from '../src/read-input.js';
import { readItemsOf } from './read-file.js';

/**
 * A pool worker sends an event with detections that was a whole line of JSON Lines as the line's text (the main
 * thread parses it again): the reader keeps that text on such a record only, and it reads back as the same value.
 */

const record = (eventID: string): Record<string, unknown> => ({
  eventVersion: '1.09',
  eventID,
  eventName: 'PutBucketAcl',
  eventSource: 's3.amazonaws.com',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/a' },
});

const read = (content: string, keepLineText: boolean): Promise<FileItem[]> =>
  readItemsOf('events.jsonl', content, { keepLineText });

describe('readInputFile, as a pool worker reads', () => {
  const lines = [
    // A byte order mark and a CRLF on the first line: neither is part of the text kept.
    `\uFEFF${JSON.stringify(record('plain-1'))}\r`,
    JSON.stringify({
      version: '0',
      id: 'eb-1',
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.s3',
      account: '111122223333',
      time: '2026-11-24T09:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: record('in-envelope'),
    }),
    JSON.stringify({ Records: [record('in-records-0'), record('in-records-1')] }),
    JSON.stringify([record('in-array')]),
    `  ${JSON.stringify(record('plain-2'))}  `,
  ];

  it('keeps the text of a record that is a whole line, and only of such a record', async () => {
    const items = await read(`${lines.join('\n')}\n`, true);
    const texts = items.map((item) =>
      item.kind === 'candidate' ? [item.value.eventID, item.text !== undefined] : [item.kind, false],
    );
    expect(texts).toEqual([
      ['plain-1', true],
      ['in-envelope', false],
      ['in-records-0', false],
      ['in-records-1', false],
      ['in-array', false],
      ['plain-2', true],
    ]);
    for (const item of items)
      if (item.kind === 'candidate' && item.text !== undefined)
        expect(JSON.parse(item.text)).toEqual(item.value);
  });

  it('keeps no text unless asked', async () => {
    const items = await read(`${lines.join('\n')}\n`, false);
    expect(items.some((item) => item.kind === 'candidate' && item.text !== undefined)).toBe(false);
  });

  it('tells the last line once the input was read whole, and not when it could not be read', async () => {
    const lastLines: number[] = [];
    const folder = await mkdtemp(join(tmpdir(), 'aisaws-last-line-'));
    try {
      const path = join(folder, 'events.jsonl');
      await writeFile(path, `${lines.join('\n')}\n\n`);
      const size = (await stat(path)).size;
      const onLastLine = (line: number) => lastLines.push(line);
      for await (const _ of readInputFile({ kind: 'file', path, size }, { onLastLine }));
      // A part numbered from 100, as a worker reads one: its lines go on from there.
      for await (const _ of readInputFile(
        { kind: 'file', path, size },
        { onLastLine, range: { start: 0, end: size, lineOffset: 100 } },
      ));
      // A folder where a file was expected: it cannot be read (an error item), so no last line is told.
      for await (const _ of readInputFile({ kind: 'file', path: folder, size }, { onLastLine }));
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
    expect(lastLines).toEqual([lines.length + 1, lines.length + 101]);
  });
});
