import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ScanErrorSchema } from '../../src/scan/index.js';
import { envelope, jsonLines, record, scan, tempFolder } from './helpers.js';

type Folder = Awaited<ReturnType<typeof tempFolder>>;

describe('scan: bad input is reported where it is, and the scan goes on', () => {
  let folder: Folder;
  beforeEach(async () => {
    folder = await tempFolder();
  });
  afterEach(async () => {
    await folder.remove();
  });

  it('reports an invalid JSON line with its line number', async () => {
    // Prepare
    const file = await folder.write(
      'events.jsonl',
      `${JSON.stringify(record({ eventID: 'a' }))}\n{"eventID": "b",\n`,
    );
    // Act
    const run = await scan({ paths: [file], format: 'json' });
    // Assess
    expect(run.exitCode).toBe(0);
    expect(run.lines[1]).toEqual({ error: expect.stringMatching(/^invalid JSON: /), file, line: 2 });
  });

  it('reports a JSON value that is not an object', async () => {
    const file = await folder.write('values.jsonl', jsonLines([42, 'text', null, [1]]));
    // --strict: without it, a file of such values is plainly not CloudTrail and is skipped.
    const run = await scan({ paths: [file], format: 'json', strict: true });
    expect(run.lines.map((line) => line.error)).toEqual([
      'expected a CloudTrail record (a JSON object), got a number',
      'expected a CloudTrail record (a JSON object), got a string',
      'expected a CloudTrail record (a JSON object), got null',
      'expected a CloudTrail record (a JSON object), got a number',
    ]);
    // The array on line 4 is unwrapped: its element sits at index 0 of line 4.
    expect(run.lines[3]).toMatchObject({ line: 4, index: 0 });
  });

  it('names the missing or mistyped field of a record that fails CloudTrailRecordSchema', async () => {
    const { eventID: _dropped, ...withoutId } = record({ eventName: 'GetObject' });
    const file = await folder.write(
      'records.jsonl',
      jsonLines([withoutId, record({ eventID: 'typed', readOnly: 'yes' })]),
    );
    const run = await scan({ paths: [file], format: 'json' });
    expect(run.lines[0]).toEqual({
      error: 'invalid CloudTrail record: eventID is missing (expected string)',
      file,
      line: 1,
      eventName: 'GetObject',
    });
    expect(run.lines[1]).toMatchObject({
      error: expect.stringContaining('readOnly: Invalid input: expected boolean'),
      eventId: 'typed',
      line: 2,
    });
  });

  it('reports a bad element of an array or of Records with the file and its index', async () => {
    const file = await folder.write(
      'log.json',
      JSON.stringify(
        { Records: [record({ eventID: 'ok' }), { eventSource: 's3.amazonaws.com' }, 'junk'] },
        null,
        2,
      ),
    );
    const run = await scan({ paths: [file], format: 'json' });
    expect(run.lines[0]).toMatchObject({ eventId: 'ok' });
    expect(run.lines[1]).toEqual({
      error:
        'invalid CloudTrail record: eventName is missing (expected string); eventID is missing (expected string)',
      file,
      index: 1,
    });
    expect(run.lines[2]).toEqual({
      error: 'expected a CloudTrail record (a JSON object), got a string',
      file,
      index: 2,
    });
  });

  it('reports Records that is not an array', async () => {
    const file = await folder.write('log.json', JSON.stringify({ Records: { eventID: 'x' } }, null, 2));
    const run = await scan({ paths: [file], format: 'json' });
    expect(run.lines).toEqual([{ error: 'Records must be an array, got an object', file, line: 1 }]);
  });

  it('reports an EventBridge event that is not a CloudTrail event, or whose envelope is incomplete', async () => {
    const other = {
      ...envelope(record({ eventID: 'svc' })),
      'detail-type': 'EC2 Instance State-change Notification',
    };
    const { version: _v, ...noVersion } = envelope(record({ eventID: 'nv' }));
    const file = await folder.write('eventbridge.jsonl', jsonLines([other, noVersion]));
    const run = await scan({ paths: [file], format: 'json' });
    expect(run.lines[0]?.error).toBe(
      'invalid EventBridge event: detail-type: detail-type "EC2 Instance State-change Notification" is not a CloudTrail event AISAWS consumes',
    );
    expect(run.lines[1]?.error).toBe('invalid EventBridge event: version is missing (expected string)');
  });

  it('reports a whole-file document that is not valid JSON at its line', async () => {
    const file = await folder.write(
      'broken.json',
      '{\n  "Records": [\n    {"eventID": "a"},\n    oops\n  ]\n}\n',
    );
    const run = await scan({ paths: [file], format: 'json' });
    expect(run.lines).toHaveLength(1);
    // The line comes from the parser's position when its message gives one (it varies with the Node version).
    expect(run.lines[0]).toMatchObject({ error: expect.stringMatching(/^invalid JSON: .*'o'/), file });
    expect([1, 4]).toContain(run.lines[0]?.line);
  });

  it('reads a .json file of JSON Lines whose first line is broken line by line', async () => {
    const file = await folder.write(
      'lines.json',
      `{"broken\n${jsonLines([record({ eventID: 'l2' }), record({ eventID: 'l3' })])}`,
    );
    const run = await scan({ paths: [file], format: 'json' });
    expect(run.lines.map((line) => line.eventId ?? line.line)).toEqual([1, 'l2', 'l3']);
  });

  it('reports a truncated gzip file after the lines it could read', async () => {
    const { gzipSync } = await import('node:zlib');
    const content = jsonLines(Array.from({ length: 50 }, (_, i) => record({ eventID: `t${i}` })));
    const gz = gzipSync(content);
    const file = await folder.write('cut.jsonl.gz', '');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, gz.subarray(0, Math.floor(gz.length * 0.7)));
    const run = await scan({ paths: [file], format: 'json' });
    const last = run.lines.at(-1);
    expect(run.exitCode).toBe(0);
    expect(last?.error).toMatch(/^cannot read the file after line \d+: unexpected end of file/);
    expect(run.lines.length).toBeGreaterThan(1);
  });

  it('reports gzip data that does not decompress, and a truncated pretty-printed gzip document', async () => {
    const { gzipSync } = await import('node:zlib');
    const { writeFile } = await import('node:fs/promises');
    const corrupt = await folder.write('corrupt.json.gz', '');
    await writeFile(
      corrupt,
      Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0x01, 0x02]),
    );
    const pretty = gzipSync(
      JSON.stringify({ Records: [record({ eventID: 'p1' }), record({ eventID: 'p2' })] }, null, 2),
    );
    const truncated = await folder.write('truncated.json.gz', '');
    await writeFile(truncated, pretty.subarray(0, pretty.length - 20));
    const run = await scan({ paths: [corrupt, truncated], format: 'json' });
    expect(run.exitCode).toBe(0);
    expect(run.lines).toEqual([
      {
        error: expect.stringMatching(/^cannot (read|decompress) the (gzip )?file: /),
        file: corrupt,
        line: 1,
      },
      {
        error: expect.stringMatching(/^cannot read the file: unexpected end of file/),
        file: truncated,
        line: 1,
      },
    ]);
  });

  it('counts input errors in the summary and every error line matches ScanErrorSchema', async () => {
    const file = await folder.write(
      'mixed.jsonl',
      `${jsonLines([record({ eventID: 'fine' }), 1, {}])}nope\n`,
    );
    const run = await scan({ paths: [file], format: 'json' });
    const errors = run.lines.filter((line) => 'error' in line);
    expect(errors).toHaveLength(3);
    for (const error of errors) expect(ScanErrorSchema.safeParse(error).success).toBe(true);
    expect(run.stderr).toMatch(/scan: 1 events, 3 input errors, 1 files/);
  });
});
