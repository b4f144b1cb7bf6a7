import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { LineSplitter } from '@aisaws/scan-engine';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { runCli } from '../../src/program.js';
import { EXIT_INCOMPLETE, EXIT_OK, EXIT_USAGE } from '../../src/scan/run-scan.js';
import { createSummary, formatSummary } from '../../src/scan/summary.js';
import { hasControlCharacter } from '../../src/terminal.js';
import { jsonLines, MemoryStream, publicAclRecord, record, scan, tempFolder } from './helpers.js';

/**
 * Issue 16: what a file (or a name, or the reader of the output) can do to `aisaws scan`. Each block is one point of
 * the issue, reproduced as it was reported.
 */

type Folder = Awaited<ReturnType<typeof tempFolder>>;

const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ROOT = resolve(PACKAGE, '../..');
const STACK_FRAME = /^\s+at .+(\(|:\d+)/m;
const NOBODY = 65534;

/** The real command as a child process (tsx on src/bin.ts); as an unprivileged user when the tests run as root. */
function aisawsAs(args: readonly string[], options: { unprivileged?: boolean } = {}) {
  const asNobody = options.unprivileged === true && process.getuid?.() === 0;
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(PACKAGE, 'src/bin.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    ...(asNobody ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const ids = (lines: readonly Record<string, unknown>[]) => lines.map((line) => line.eventId ?? line.error);

describe('issue 16: hostile input to aisaws scan', () => {
  let folder: Folder;
  beforeEach(async () => {
    folder = await tempFolder();
  });
  afterEach(async () => {
    await chmod(folder.dir, 0o755).catch(() => undefined);
    await folder.remove();
  });

  describe('1. an unreadable file or folder ends only itself', () => {
    it('reports an unreadable file and subfolder in place, keeps every other result, exits 3 (real EACCES)', async () => {
      // Prepare: readable files around an unreadable one and an unreadable folder (chmod 000, as a non-root user).
      await chmod(folder.dir, 0o755);
      await folder.write('a.jsonl', jsonLines([record({ eventID: 'a' })]));
      const locked = await folder.write('b-locked.jsonl', jsonLines([record({ eventID: 'never' })]));
      await mkdir(join(folder.dir, 'c-locked-folder'));
      await folder.write('c-locked-folder/x.jsonl', jsonLines([record({ eventID: 'hidden' })]));
      await folder.write('d.jsonl', jsonLines([publicAclRecord('d')]));
      for (const path of [folder.dir, join(folder.dir, 'a.jsonl'), join(folder.dir, 'd.jsonl')])
        await chmod(path, 0o755);
      await chmod(locked, 0o000);
      await chmod(join(folder.dir, 'c-locked-folder'), 0o000);
      // Act
      const run = aisawsAs(['scan', '--format', 'json', folder.dir], { unprivileged: true });
      // Assess
      expect(run.stderr).not.toMatch(STACK_FRAME);
      expect(run.status).toBe(EXIT_INCOMPLETE);
      const lines = run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines).toEqual([
        expect.objectContaining({ eventId: 'a' }),
        { error: expect.stringMatching(/^cannot read the file: EACCES/), file: locked, line: 1 },
        {
          error: expect.stringMatching(/^cannot read the folder: EACCES/),
          file: join(folder.dir, 'c-locked-folder'),
          line: 1,
        },
        expect.objectContaining({ eventId: 'd' }),
      ]);
      expect(run.stderr).toContain('2 paths could not be read');
    }, 60_000);

    it('reports a file whose read fails (EIO) in place and goes on, in-process', async () => {
      // /proc/self/mem stats as a regular file and fails on read, also for root.
      await folder.write('a.jsonl', jsonLines([record({ eventID: 'a' })]));
      await symlink('/proc/self/mem', join(folder.dir, 'b-mem.jsonl'));
      await folder.write('c.jsonl', jsonLines([record({ eventID: 'c' })]));
      const run = await scan({ paths: [folder.dir], format: 'json' });
      // /proc/self/mem has size 0: an empty file, skipped with a note. Then name it directly: it is read and fails.
      expect(ids(run.lines)).toEqual(['a', 'c']);
      expect(run.stderr).toContain('skipped 1 file (empty)');
      const direct = await scan({ paths: ['/proc/self/mem', join(folder.dir, 'c.jsonl')], format: 'json' });
      expect(direct.exitCode).toBe(EXIT_OK);
      expect(direct.lines.map((line) => line.eventId ?? line.file)).toEqual(['c']);
    });
  });

  describe('2. reading is linear in the line length, and a line has a bounded length', () => {
    it('splits a 16 MB line with work proportional to its size (not to size × chunks)', () => {
      // Prepare: one 16 MB line, fed in 64 KiB chunks as the reader does.
      const line = Buffer.alloc(16 * 1024 * 1024, 'x');
      const splitter = new LineSplitter(64 * 1024 * 1024);
      const seen: number[] = [];
      // Act
      for (let offset = 0; offset < line.length; offset += 65_536)
        splitter.push(
          line.subarray(offset, offset + 65_536),
          (text) => seen.push(text.length) > 0,
          () => true,
        );
      splitter.push(
        Buffer.from('\n{}\n'),
        (text) => seen.push(text.length) > 0,
        () => true,
      );
      // Assess: every byte is searched once and copied once when the line is joined.
      expect(seen).toEqual([line.length, 2]);
      expect(splitter.workBytes).toBeLessThanOrEqual(2 * line.length + 8);
    });

    it('streams a long one-line {"Records":[…]} record by record, as S3 delivers it', async () => {
      // Prepare: about 3 MB on one line (past the line limit, 1 MiB here, after which a Records line is streamed), then
      // a second line.
      const records = Array.from({ length: 3000 }, (_, i) =>
        record({ eventID: `r${i}`, pad: 'p'.repeat(900) }),
      );
      const file = await folder.write(
        'one-line.json',
        `${JSON.stringify({ Records: records })}\n${JSON.stringify({ Records: [record({ eventID: 'next' })] })}\n`,
      );
      // Act
      const run = await scan({ paths: [file], format: 'json', maxLineMb: 1 });
      // Assess: every record, in order, located by line and index; the 1 MiB limit applies to each record.
      expect(run.lines).toHaveLength(3001);
      expect(run.lines[0]).toMatchObject({ eventId: 'r0', source: { file, line: 1, index: 0 } });
      expect(run.lines[2999]).toMatchObject({ eventId: 'r2999', source: { file, line: 1, index: 2999 } });
      expect(run.lines[3000]).toMatchObject({ eventId: 'next', source: { file, line: 2, index: 0 } });
    });

    it('reads a one-line log file streamed or whole to the same output', async () => {
      // Prepare: about 2 MB on one line: streamed with a 1 MiB line limit, held and parsed whole with the default.
      const records = Array.from({ length: 2000 }, (_, i) =>
        record({ eventID: `w${i}`, pad: `"\\${'q'.repeat(900)}` }),
      );
      const file = await folder.write('whole-or-streamed.json', `${JSON.stringify({ Records: records })}\n`);
      // Act
      const streamed = await scan({ paths: [file], format: 'json', maxLineMb: 1 });
      const whole = await scan({ paths: [file], format: 'json' });
      // Assess
      expect(streamed.lines).toHaveLength(2000);
      expect(whole.lines).toEqual(streamed.lines);
    });

    it('keeps the records of a cut one-line log file and names where it ends', async () => {
      const records = Array.from({ length: 2000 }, (_, i) =>
        record({ eventID: `r${i}`, pad: 'p'.repeat(900) }),
      );
      const text = JSON.stringify({ Records: records });
      const cut = text.slice(0, text.indexOf('"r1999"') + 20);
      const oversized = JSON.stringify({
        Records: [record({ eventID: 'a', pad: 'p'.repeat(1_200_000) }), record({ eventID: 'b' })],
      });
      const file = await folder.write('cut.json', cut);
      const big = await folder.write('big-record.json', oversized);
      const run = await scan({ paths: [file], format: 'json', maxLineMb: 1 });
      expect(run.lines).toHaveLength(2000);
      expect(run.lines[1998]).toMatchObject({ eventId: 'r1998' });
      expect(run.lines[1999]).toEqual({
        error: 'invalid JSON: the input ends inside Records[1999]',
        file,
        line: 1,
        index: 1999,
      });
      expect(run.stderr).toContain('1 input errors');
      const gone = await scan({ paths: [big], format: 'json', maxLineMb: 1 });
      expect(gone.lines).toEqual([
        { error: 'Records[0] is longer than 1 MiB (--max-line-mb): not read', file: big, line: 1, index: 0 },
        expect.objectContaining({ eventId: 'b', source: { file: big, line: 1, index: 1 } }),
      ]);
    });

    it('reports a line past --max-line-mb as an error naming it, and reads the next lines', async () => {
      const long = `{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`;
      const file = await folder.write(
        'long.jsonl',
        `${JSON.stringify(record({ eventID: 'before' }))}\n${long}\n${JSON.stringify(record({ eventID: 'after' }))}\n`,
      );
      const run = await scan({ paths: [file], format: 'json', maxLineMb: 1 });
      expect(run.exitCode).toBe(EXIT_OK);
      expect(ids(run.lines)).toEqual([
        'before',
        'line 2 is longer than 1 MiB (--max-line-mb): not read',
        'after',
      ]);
    });

    it('stops a gzip that expands to one huge line at the limit instead of holding it', async () => {
      // 64 MB of zeros without a newline: about 64 KB compressed.
      const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, '0'));
      await writeFile(join(folder.dir, 'bomb.jsonl.gz'), bomb);
      const run = await scan({ paths: [folder.dir], format: 'json', maxLineMb: 4 });
      expect(run.lines).toEqual([
        expect.objectContaining({ error: 'line 1 is longer than 4 MiB (--max-line-mb): not read', line: 1 }),
      ]);
      // Inflating 64 MB takes ~2 s on a quiet 2-core machine; the default 5 s fails under load, not on behaviour.
    }, 30_000);

    it('refuses a multi-line document larger than the limit, also once decompressed', async () => {
      const pretty = JSON.stringify(
        { Records: [record({ eventID: 'big', pad: 'y'.repeat(2 << 20) })] },
        null,
        2,
      );
      await folder.write('pretty.json', pretty);
      await folder.write('pretty-gz.json', pretty, { gzip: true });
      const run = await scan({ paths: [folder.dir], format: 'json', maxLineMb: 1 });
      expect(run.lines.map((line) => line.error)).toEqual([
        'cannot read the file: the document is larger than 1 MiB (--max-line-mb)',
        'cannot read the file: the document is larger than 1 MiB (--max-line-mb)',
      ]);
    });

    it('rejects a --max-line-mb that is not a positive number of MiB (usage, exit 2)', async () => {
      const file = await folder.write('a.jsonl', jsonLines([record()]));
      for (const value of ['0', 'ten', '-1', '100000']) {
        const run = await scan({ paths: [file], format: 'json', maxLineMb: value });
        expect(run.exitCode).toBe(EXIT_USAGE);
        expect(run.stderr).toMatch(/--max-line-mb must/);
      }
    });
  });

  describe('4. the table never writes a control character from the input', () => {
    it('escapes ESC, BEL, CR and bidi controls from names, event names, bad lines and file names', async () => {
      // Prepare: a bucket name and an event name that would retitle and clear the terminal, a bad line with ESC, a
      // file name with ESC.
      const hostile = '\u001b]0;owned\u0007\u001b[2J\r\u202e';
      const file = await folder.write(
        `logs-${hostile.replace(/[/]/g, '')}.jsonl`,
        `${jsonLines([
          publicAclRecord('a', `bucket${hostile}`),
          record({ eventID: 'b', eventName: `DescribeInstances${hostile}` }),
        ])}{"bad": ${hostile}\n`,
      );
      // Act
      const run = await scan({ paths: [file], format: 'table', all: true });
      // Assess
      expect(hasControlCharacter(run.stdout)).toBe(false);
      expect(hasControlCharacter(run.stderr)).toBe(false);
      expect(run.stdout).toContain('bucket\\u001b]0;owned\\u0007\\u001b[2J\\u000d\\u202e');
      expect(run.stdout).toContain('DescribeInstances\\u001b]0;');
      expect(run.stdout).toMatch(/ERROR invalid JSON: .*\\u001b/);
      // No line was forged: each is the header, a row (its location cell) or an indented detail of a row.
      for (const line of run.stdout.split('\n').filter((text) => text !== ''))
        expect(line).toMatch(/^(LOCATION |…|\/| {4})/);
    });

    it('escapes them in usage errors and notes on stderr too', async () => {
      const stdout = new MemoryStream();
      const stderr = new MemoryStream();
      const code = await runCli(['scan', '--format', 'x\u001b[2J', `${folder.dir}/\u0007nope`], {
        stdout,
        stderr,
        cwd: folder.dir,
      });
      expect(code).toBe(EXIT_USAGE);
      expect(stderr.text()).toContain('\\u001b[2J');
      expect(hasControlCharacter(stderr.text())).toBe(false);
    });
  });

  describe('5. a reader that goes away (| head -1) ends the scan quietly', () => {
    it('stops at EPIPE with exit 0 and no stack trace (real pipe into head)', async () => {
      const file = await folder.write(
        'many.jsonl',
        jsonLines(Array.from({ length: 20_000 }, (_, i) => record({ eventID: `e${i}` }))),
      );
      const run = spawnSync(
        'bash',
        [
          '-c',
          `"${process.execPath}" --import tsx "${join(PACKAGE, 'src/bin.ts')}" scan --format json "${file}" | head -1; echo "status=\${PIPESTATUS[0]}" >&2`,
        ],
        { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
      );
      expect(run.stdout.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain('status=0');
      expect(run.stderr).not.toContain('EPIPE');
      expect(run.stderr).not.toMatch(STACK_FRAME);
    }, 60_000);

    it('stops reading once the output is closed, in-process', async () => {
      const file = await folder.write(
        'many.jsonl',
        jsonLines(Array.from({ length: 5000 }, (_, i) => record({ eventID: `e${i}` }))),
      );
      let writes = 0;
      const stdout = new Writable({
        write(_chunk, _encoding, done) {
          writes++;
          const error: NodeJS.ErrnoException = new Error('write EPIPE');
          error.code = 'EPIPE';
          done(writes > 1 ? error : null);
        },
      });
      const stderr = new MemoryStream();
      const code = await runCli(['scan', '--format', 'json', file], { stdout, stderr, cwd: folder.dir });
      expect(code).toBe(EXIT_OK);
      expect(writes).toBeLessThan(5);
      expect(stderr.text()).not.toMatch(STACK_FRAME);
    });

    it('says so, exit 3, when the output fails for another reason (a full disk)', async () => {
      const file = await folder.write('a.jsonl', jsonLines([record({ eventID: 'a' })]));
      const stdout = new Writable({
        write(_chunk, _encoding, done) {
          const error: NodeJS.ErrnoException = new Error('ENOSPC: no space left on device, write');
          error.code = 'ENOSPC';
          done(error);
        },
      });
      const stderr = new MemoryStream();
      const code = await runCli(['scan', '--format', 'json', file], { stdout, stderr, cwd: folder.dir });
      expect(code).toBe(EXIT_INCOMPLETE);
      expect(stderr.text()).toContain('aisaws scan: cannot write the output: ENOSPC');
    });
  });

  describe('8. files that are plainly not CloudTrail are skipped with one counted note', () => {
    it('skips label and provenance files (JSON Lines, JSON) unless --strict', async () => {
      // Prepare: what sits beside real logs in datasets: labels naming eventID/eventName/eventTime, an index.
      const labels = Array.from({ length: 8 }, (_, i) => ({
        file: 'x.json',
        index: i,
        eventID: `id-${i}`,
        eventTime: '2026-11-24T09:00:00Z',
        eventSource: 's3.amazonaws.com',
        eventName: 'GetObject',
        label: 'benign',
      }));
      await folder.write('a.labels.jsonl', jsonLines(labels));
      await folder.write('b-index.json', JSON.stringify({ note: 'index', scenarios: {} }));
      await folder.write('c.jsonl', jsonLines([record({ eventID: 'real' })]));
      // Act
      const run = await scan({ paths: [folder.dir], format: 'json' });
      const strict = await scan({ paths: [folder.dir], format: 'json', strict: true });
      // Assess
      expect(ids(run.lines)).toEqual(['real']);
      expect(run.stderr).toContain(
        `skipped 2 files (JSON, but not CloudTrail: no record, log file or EventBridge event among the first values; --strict reads them): ${folder.dir}/a.labels.jsonl, ${folder.dir}/b-index.json\n`,
      );
      // --strict reads them: the labels even pass as (thin) records; the index object does not.
      expect(strict.lines).toHaveLength(8 + 1 + 1);
      expect(strict.lines.filter((line) => 'error' in line)).toEqual([
        expect.objectContaining({ file: `${folder.dir}/b-index.json` }),
      ]);
    });

    it('still reads a CloudTrail JSON Lines file whose first lines are broken', async () => {
      const file = await folder.write(
        't.jsonl',
        `not json\n{"eventID":\n${jsonLines([record({ eventID: 'ok' })])}`,
      );
      const run = await scan({ paths: [file], format: 'json' });
      expect(ids(run.lines)).toEqual([
        expect.stringMatching(/^invalid JSON/),
        expect.stringMatching(/^invalid JSON/),
        'ok',
      ]);
    });
  });

  describe('9. the smaller points', () => {
    it('takes --format and --fail-on in any case, by the same rule', async () => {
      const file = await folder.write('a.jsonl', jsonLines([publicAclRecord('a')]));
      const stdout = new MemoryStream();
      const stderr = new MemoryStream();
      const code = await runCli(['scan', '--format', 'JSON', '--fail-on', 'Low', file], {
        stdout,
        stderr,
        cwd: folder.dir,
      });
      expect(code).toBe(1);
      expect(JSON.parse(stdout.text().trim())).toMatchObject({ eventId: 'a' });
      const bad = new MemoryStream();
      expect(await runCli(['scan', '--format', 'yaml', file], { stdout, stderr: bad, cwd: folder.dir })).toBe(
        2,
      );
      expect(bad.text()).toContain('expected one of table, json, sarif, ocsf (any case), got "yaml"');
    });

    it('computes events/s from events only, not from input errors', () => {
      const summary = createSummary();
      summary.events = 10;
      summary.errors = 990;
      summary.elapsedMs = 1000;
      expect(formatSummary(summary)).toContain('10 events, 990 input errors, 0 files, 1.00 s, 10 events/s');
    });

    it('scans a file named twice (or reached again through a link) once, with a note', async () => {
      const file = await folder.write('a.jsonl', jsonLines([record({ eventID: 'a' })]));
      const run = await scan({ paths: [file, file, folder.dir], format: 'json' });
      expect(ids(run.lines)).toEqual(['a']);
      expect(run.stderr).toContain('skipped 2 files (already scanned');
    });

    it('notes empty files, dangling links, FIFOs and devices inside a folder, and never opens them', async () => {
      await folder.write('a-empty.json', '');
      await folder.write('b-blank.jsonl', '\n  \n');
      await symlink(join(folder.dir, 'missing.json'), join(folder.dir, 'c-dangling.json'));
      execFileSync('mkfifo', [join(folder.dir, 'd-fifo.jsonl')]);
      await symlink('/dev/null', join(folder.dir, 'e-device.json'));
      await folder.write('f.jsonl', jsonLines([record({ eventID: 'f' })]));
      const run = await scan({ paths: [folder.dir], format: 'json' });
      expect(ids(run.lines)).toEqual(['f']);
      expect(run.stderr).toContain(
        `skipped 2 files (empty): ${folder.dir}/a-empty.json, ${folder.dir}/b-blank.jsonl`,
      );
      expect(run.stderr).toContain(
        `skipped 1 file (symbolic links to nothing): ${folder.dir}/c-dangling.json`,
      );
      expect(run.stderr).toContain(
        `skipped 2 files (FIFOs, sockets or devices, never opened): ${folder.dir}/d-fifo.jsonl, ${folder.dir}/e-device.json`,
      );
      expect(run.stderr).toMatch(/1 files \(5 skipped\)/);
    });

    it('refuses an eventTime that is not a date, and takes the date-times real logs carry', async () => {
      const file = await folder.write(
        'times.jsonl',
        jsonLines([
          record({ eventID: 'bad', eventTime: 'not-a-date' }),
          record({ eventID: 'month-13', eventTime: '2026-13-01T00:00:00Z' }),
          record({ eventID: 'cloudtrail', eventTime: '2026-11-24T09:00:00Z' }),
          record({ eventID: 'panther', eventTime: '2022-09-15 13:45:24.000000000' }),
          record({ eventID: 'offset', eventTime: '2026-11-24T09:00:00.123+01:00' }),
        ]),
      );
      const run = await scan({ paths: [file], format: 'json' });
      expect(run.lines.map((line) => line.error ?? line.eventId)).toEqual([
        'invalid CloudTrail record: eventTime: must be a date-time such as 2026-11-24T09:00:00Z',
        'invalid CloudTrail record: eventTime: must be a date-time such as 2026-11-24T09:00:00Z',
        'cloudtrail',
        'panther',
        'offset',
      ]);
    });
  });
});
