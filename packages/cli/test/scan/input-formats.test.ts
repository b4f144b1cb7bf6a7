import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ScanLineSchema } from '../../src/scan/index.js';
import { envelope, jsonLines, publicAclRecord, record, scan, tempFolder } from './helpers.js';

type Folder = Awaited<ReturnType<typeof tempFolder>>;

describe('scan: input formats', () => {
  let folder: Folder;
  beforeEach(async () => {
    folder = await tempFolder();
  });
  afterEach(async () => {
    await folder.remove();
  });

  const ids = (lines: readonly Record<string, unknown>[]) => lines.map((line) => line.eventId ?? line.error);

  it('reads a CloudTrail log file {"Records": [...]} (pretty-printed), locating events by index', async () => {
    // Prepare
    const file = await folder.write(
      'log.json',
      JSON.stringify({ Records: [record({ eventID: 'a' }), record({ eventID: 'b' })] }, null, 2),
    );
    // Act
    const run = await scan({ paths: [file], format: 'json' });
    // Assess
    expect(run.exitCode).toBe(0);
    expect(ids(run.lines)).toEqual(['a', 'b']);
    expect(run.lines.map((line) => line.source)).toEqual([
      { file, index: 0 },
      { file, index: 1 },
    ]);
  });

  it('reads a one-line {"Records": [...]} file as CloudTrail delivers it, with line and index', async () => {
    const file = await folder.write(
      'delivered.json',
      JSON.stringify({ Records: [record({ eventID: 'x' })] }),
    );
    const run = await scan({ paths: [file], format: 'json' });
    expect(run.lines).toEqual([
      expect.objectContaining({ eventId: 'x', source: { file, line: 1, index: 0 } }),
    ]);
  });

  it('reads a JSON array of records', async () => {
    const file = await folder.write(
      'array.json',
      JSON.stringify([record({ eventID: 'a1' }), record({ eventID: 'a2' })], null, 1),
    );
    const run = await scan({ paths: [file], format: 'json' });
    expect(ids(run.lines)).toEqual(['a1', 'a2']);
  });

  it('reads JSON Lines of records, numbering lines from 1 and skipping blank lines', async () => {
    const file = await folder.write(
      'events.jsonl',
      `${JSON.stringify(record({ eventID: 'l1' }))}\n\n   \n${JSON.stringify(record({ eventID: 'l4' }))}`,
    );
    const run = await scan({ paths: [file], format: 'json' });
    expect(run.lines.map((line) => [line.eventId, (line.source as { line: number }).line])).toEqual([
      ['l1', 1],
      ['l4', 4],
    ]);
  });

  it('reads JSON Lines with CRLF line ends and a byte-order mark', async () => {
    const file = await folder.write(
      'windows.jsonl',
      `\uFEFF${JSON.stringify(record({ eventID: 'w1' }))}\r\n${JSON.stringify(record({ eventID: 'w2' }))}\r\n`,
    );
    const run = await scan({ paths: [file], format: 'json' });
    expect(ids(run.lines)).toEqual(['w1', 'w2']);
  });

  it('reads JSON Lines of EventBridge events, scanning their detail, for both CloudTrail detail-types', async () => {
    const login = record({
      eventID: 'login-1',
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
    });
    const file = await folder.write(
      'eventbridge.jsonl',
      jsonLines([envelope(publicAclRecord('acl-1')), envelope(login, 'AWS Console Sign In via CloudTrail')]),
    );
    const run = await scan({ paths: [file], format: 'json' });
    expect(ids(run.lines)).toEqual(['acl-1', 'login-1']);
    expect(((run.lines[0]?.detections ?? []) as { id: string }[]).map((d) => d.id)).toContain(
      's3.bucket-acl-public',
    );
  });

  it('reads a single record and a single envelope, each a whole file', async () => {
    const single = await folder.write('one.json', JSON.stringify(record({ eventID: 'one' }), null, 2));
    const wrapped = await folder.write(
      'wrapped.json',
      JSON.stringify(envelope(record({ eventID: 'two' })), null, 2),
    );
    const run = await scan({ paths: [single, wrapped], format: 'json' });
    expect(ids(run.lines)).toEqual(['one', 'two']);
    expect(run.lines[0]?.source).toEqual({ file: single, index: 0 });
  });

  it('detects gzip by its magic bytes, whatever the file is called', async () => {
    const byName = await folder.write(
      'log.json.gz',
      JSON.stringify({ Records: [record({ eventID: 'gz1' })] }),
      { gzip: true },
    );
    const byContent = await folder.write('misnamed.jsonl', jsonLines([record({ eventID: 'gz2' })]), {
      gzip: true,
    });
    const run = await scan({ paths: [byName, byContent], format: 'json' });
    expect(run.exitCode).toBe(0);
    expect(ids(run.lines)).toEqual(['gz1', 'gz2']);
  });

  it('reads a plain file named .gz as what it contains', async () => {
    const file = await folder.write('not-really.json.gz', jsonLines([record({ eventID: 'plain' })]));
    const run = await scan({ paths: [file], format: 'json' });
    expect(ids(run.lines)).toEqual(['plain']);
  });

  it('walks folders recursively in name order and skips non-JSON files with a note on stderr', async () => {
    await folder.write('b.jsonl', jsonLines([record({ eventID: 'b' })]));
    await folder.write('LICENSE', 'MIT License\n\nCopyright ...\n');
    await folder.write('notes.md', '# Notes\n');
    await folder.write('table.csv', 'eventName,eventID\nGetObject,1\n');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(`${folder.dir}/a-sub/deeper`, { recursive: true });
    await folder.write('a-sub/deeper/c.json', JSON.stringify([record({ eventID: 'c' })]));
    await folder.write('a-sub/a.jsonl', jsonLines([record({ eventID: 'a' })]));
    const run = await scan({ paths: [folder.dir], format: 'json' });
    expect(run.exitCode).toBe(0);
    // a-sub/a.jsonl < a-sub/deeper/c.json < b.jsonl
    expect(ids(run.lines)).toEqual(['a', 'c', 'b']);
    // One counted note for the three, naming them.
    expect(run.stderr).toContain(
      `skipped 3 files (not JSON): ${folder.dir}/LICENSE, ${folder.dir}/notes.md, ${folder.dir}/table.csv\n`,
    );
    expect(run.stderr).toMatch(/3 skipped/);
  });

  it('follows symbolic links to files and folders, walking a folder cycle once', async () => {
    const { mkdir, symlink } = await import('node:fs/promises');
    await mkdir(`${folder.dir}/logs`);
    const target = await folder.write('logs/real.jsonl', jsonLines([record({ eventID: 'linked' })]));
    await symlink(target, `${folder.dir}/alias.jsonl`);
    await symlink(folder.dir, `${folder.dir}/logs/loop`);
    const run = await scan({ paths: [folder.dir], format: 'json' });
    expect(run.exitCode).toBe(0);
    // alias.jsonl is logs/real.jsonl: read once, where it is first reached; logs/loop leads back to a folder
    // already walked.
    expect(run.lines.map((line) => (line.source as { file: string }).file)).toEqual([
      `${folder.dir}/alias.jsonl`,
    ]);
    expect(run.stderr).toContain(`skipped 1 file (already scanned: the same file reached twice`);
  });

  it('keeps the input order across files, records and lines', async () => {
    const first = await folder.write(
      '1.jsonl',
      jsonLines([record({ eventID: 'e1' }), record({ eventID: 'e2' })]),
    );
    const second = await folder.write(
      '2.json',
      JSON.stringify({ Records: [record({ eventID: 'e3' }), record({ eventID: 'e4' })] }),
    );
    const third = await folder.write('3.jsonl', jsonLines([record({ eventID: 'e5' })]));
    const run = await scan({ paths: [third, first, second], format: 'json' });
    expect(ids(run.lines)).toEqual(['e5', 'e1', 'e2', 'e3', 'e4']);
  });

  it('streams a JSON Lines file larger than one read chunk without losing or reordering lines', async () => {
    const records = Array.from({ length: 400 }, (_, i) =>
      record({ eventID: `big-${i}`, requestParameters: { pad: 'x'.repeat(i % 397) } }),
    );
    const file = await folder.write('big.jsonl', jsonLines(records));
    const run = await scan({ paths: [file], format: 'json' });
    expect(run.lines).toHaveLength(400);
    expect(
      run.lines.every(
        (line, i) => line.eventId === `big-${i}` && (line.source as { line: number }).line === i + 1,
      ),
    ).toBe(true);
  });

  it('decodes multi-byte characters split across read chunks (buffers are reused between reads)', async () => {
    // Prepare: ~500 KiB of lines whose padding mixes 2-, 3- and 4-byte UTF-8 characters, so chunk boundaries
    // (every 64 KiB) fall inside characters; each eventID carries non-ASCII characters too.
    const records = Array.from({ length: 700 }, (_, i) =>
      record({ eventID: `ü-${i}-€😀`, requestParameters: { pad: 'é€😀'.repeat(40 + (i % 53)) } }),
    );
    const file = await folder.write('multibyte.jsonl', jsonLines(records));
    // Act
    const run = await scan({ paths: [file], format: 'json' });
    // Assess
    expect(run.lines.map((line) => line.eventId)).toEqual(records.map((r) => r.eventID));
  });

  it('writes only lines that match the output contract', async () => {
    const file = await folder.write(
      'mixed.jsonl',
      `${jsonLines([record({ eventID: 'ok' }), publicAclRecord('acl'), 7, { eventName: 'NoId' }])}{broken\n`,
    );
    const run = await scan({ paths: [file], format: 'json' });
    expect(run.lines).toHaveLength(5);
    for (const line of run.lines) expect(ScanLineSchema.safeParse(line).success).toBe(true);
  });
});
