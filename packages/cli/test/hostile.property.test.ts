import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { registerDemoCommands } from '../src/demo/index.js';
import { runCli } from '../src/program.js';
import { registerScanCommand } from '../src/scan/command.js';
import type { ScanSummary } from '../src/scan/summary.js';
import { hasControlCharacter } from '../src/terminal.js';
import { MemoryStream, record, tempFolder } from './scan/helpers.js';

/**
 * Issue 16's property: generated hostile files and arguments thrown at `aisaws` in-process. Whatever is generated:
 * no stack trace, an exit code from README's table (never 4, the internal-error code), every valid record of a
 * readable file still reported in order, the readers' work linear in the input size (counted, not timed), and no
 * control character on a stream a person reads.
 */

const STACK_FRAME = /^\s+at .+(\(|:\d+)/m;
/** Exit codes a hostile input may lead to: done, failing outcome (--fail-on), usage, not done. */
const PLANNED_EXIT_CODES = [0, 1, 2, 3];

/** Text meant to hurt a terminal or a parser. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom(
    '\u001b]0;owned\u0007',
    '\u001b[2J\u001b[H',
    '\r\u202eevil',
    '\u0000\u0001\u007f\u0085',
    '{"Records":',
    '{"Records":[{"eventID":"x"',
    '[1,2,',
    '"\\',
    '\uFEFF{}',
    '}]}',
  ),
);

/** One piece of a file: a valid record (reported by id), or something hostile. */
type Piece = { kind: 'valid'; id: string } | { kind: 'hostile'; text: string };

const validPiece: fc.Arbitrary<Piece> = fc
  .string({ unit: fc.constantFrom(...'abcdef0123456789'), minLength: 1, maxLength: 8 })
  .map((suffix) => ({ kind: 'valid' as const, id: suffix }));

const hostilePiece: fc.Arbitrary<Piece> = fc.oneof(
  hostileText.map((text) => ({ kind: 'hostile' as const, text })),
  // A long line without a newline (past --max-line-mb 0.05 ≈ 52 KB sometimes).
  fc
    .integer({ min: 1000, max: 80_000 })
    .map((length) => ({ kind: 'hostile' as const, text: 'x'.repeat(length) })),
  // Valid JSON that is not a record: numbers, arrays, objects with hostile names and values.
  fc
    .jsonValue({ maxDepth: 2 })
    .map((value) => ({ kind: 'hostile' as const, text: JSON.stringify(value) ?? 'null' })),
  hostileText.map((text) => ({
    kind: 'hostile' as const,
    text: JSON.stringify(record({ eventID: `h${text.length}`, eventName: text, eventTime: text })),
  })),
);

type Layout = 'jsonl' | 'records-one-line' | 'gzip-jsonl' | 'truncated-gzip';

interface GeneratedFile {
  readonly layout: Layout;
  readonly name: string;
  readonly pieces: readonly Piece[];
}

const generatedFile = (strict: boolean): fc.Arbitrary<GeneratedFile> =>
  fc.record({
    layout: fc.constantFrom<Layout>('jsonl', 'records-one-line', 'gzip-jsonl', 'truncated-gzip'),
    name: fc.oneof(
      fc.constant('log.jsonl'),
      hostileText.map((text) => `${text.replaceAll('/', '_').replaceAll('\u0000', '_')}.json`),
    ),
    // Without --strict, a file whose first values are not CloudTrail is skipped by design: lead with a record.
    pieces: fc
      .array(fc.oneof({ weight: 2, arbitrary: validPiece }, { weight: 3, arbitrary: hostilePiece }), {
        maxLength: 12,
      })
      .map((pieces): Piece[] => (strict ? pieces : [{ kind: 'valid', id: 'lead' }, ...pieces])),
  });

const recordJson = (id: string, fileIndex: number): string =>
  JSON.stringify(record({ eventID: `valid-${fileIndex}-${id}`, eventName: 'DescribeInstances' }));

/** The bytes of a file and, when all of it is readable, the ids of its valid records in order. */
function render(file: GeneratedFile, fileIndex: number): { bytes: Buffer; text: string; expected: string[] } {
  const ids = file.pieces.flatMap((piece) =>
    piece.kind === 'valid' ? [`valid-${fileIndex}-${piece.id}`] : [],
  );
  const parts = file.pieces.map((piece) =>
    piece.kind === 'valid' ? recordJson(piece.id, fileIndex) : piece.text.replace(/\n/g, ' '),
  );
  if (file.layout === 'records-one-line') {
    // Elements of one Records array: a hostile element may break the array's structure, so nothing is promised
    // about the records after it; before it, everything holds.
    const firstHostile = file.pieces.findIndex((piece) => piece.kind === 'hostile');
    const safe = firstHostile === -1 ? file.pieces : file.pieces.slice(0, firstHostile);
    const text = `{"Records":[${parts.join(',')}]}\n`;
    const expected = safe.flatMap((piece) =>
      piece.kind === 'valid' ? [`valid-${fileIndex}-${piece.id}`] : [],
    );
    return { bytes: Buffer.from(text), text, expected: firstHostile === -1 ? ids : expected };
  }
  const text = `${parts.join('\n')}\n`;
  if (file.layout === 'jsonl') return { bytes: Buffer.from(text), text, expected: ids };
  const gzip = gzipSync(text);
  if (file.layout === 'gzip-jsonl') return { bytes: gzip, text, expected: ids };
  // Cut in the middle: what comes out before the cut is not promised line by line.
  return { bytes: gzip.subarray(0, Math.max(2, Math.floor(gzip.length / 2))), text, expected: [] };
}

const formatArgument = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('table', 'json', 'sarif', 'JSON', 'Table') },
  { weight: 1, arbitrary: fc.constantFrom('yaml', '\u001b[2J') },
);
const hostileArgument = fc.oneof(
  hostileText,
  fc.constantFrom('', ' ', '--', '-', '--format', '--max-line-mb', '--fail-on', 'x'.repeat(5000)),
);

interface ScanCase {
  readonly strict: boolean;
  readonly files: readonly GeneratedFile[];
  readonly format: string;
  readonly failOn: string | undefined;
  readonly maxLineMb: string;
  readonly extra: readonly string[];
  readonly extras: { readonly dangling: boolean; readonly procMem: boolean };
}

const scanCase: fc.Arbitrary<ScanCase> = fc.boolean().chain((strict) =>
  fc.record({
    strict: fc.constant(strict),
    files: fc.array(generatedFile(strict), { minLength: 1, maxLength: 4 }),
    format: formatArgument,
    failOn: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(undefined, 'low', 'HIGH', 'Medium') },
      { weight: 1, arbitrary: fc.constantFrom('none', '\u0007') },
    ),
    maxLineMb: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom('0.05', '1', '256') },
      { weight: 1, arbitrary: fc.constantFrom('0', 'lots') },
    ),
    // Mostly none: an extra argument is one more PATH (not found: a usage error, nothing scanned).
    extra: fc.oneof(
      { weight: 6, arbitrary: fc.constant([]) },
      { weight: 1, arbitrary: fc.array(hostileArgument, { maxLength: 2 }) },
    ),
    extras: fc.record({ dangling: fc.boolean(), procMem: fc.boolean() }),
  }),
);

async function runScanCase(scanInput: ScanCase) {
  const folder = await tempFolder();
  try {
    let inputBytes = 0;
    const expected: string[] = [];
    let index = 0;
    for (const file of scanInput.files) {
      const { bytes, text, expected: ids } = render(file, index);
      await writeFile(join(folder.dir, `${String(index).padStart(2, '0')}-${file.name}`), bytes);
      inputBytes += Buffer.byteLength(text);
      expected.push(...ids);
      index++;
    }
    if (scanInput.extras.dangling)
      await symlink(join(folder.dir, 'nowhere'), join(folder.dir, '90-dangling.json'));
    if (scanInput.extras.procMem) await symlink('/proc/self/mem', join(folder.dir, '91-mem.jsonl'));
    const argv = [
      'scan',
      folder.dir,
      '--format',
      scanInput.format,
      '--max-line-mb',
      scanInput.maxLineMb,
      ...(scanInput.strict ? ['--strict'] : []),
      ...(scanInput.failOn !== undefined ? ['--fail-on', scanInput.failOn] : []),
      ...scanInput.extra,
    ];
    const stdout = new MemoryStream();
    const stderr = new MemoryStream();
    let summary: ScanSummary | undefined;
    const code = await runCli(
      argv,
      {
        stdout,
        stderr,
        cwd: folder.dir,
        onScanSummary: (seen) => {
          summary = seen;
        },
      },
      [registerScanCommand],
    );
    return { code, stdout: stdout.text(), stderr: stderr.text(), summary, expected, inputBytes, argv };
  } finally {
    await folder.remove();
  }
}

describe('property: hostile files and arguments never stop, stall or hijack aisaws', () => {
  it('aisaws scan: planned exit code, no stack trace, every valid record, linear work, clean terminal output', async () => {
    const outcomes: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(scanCase, async (scanInput) => {
        const run = await runScanCase(scanInput);
        outcomes[run.code] = (outcomes[run.code] ?? 0) + 1;
        expect(PLANNED_EXIT_CODES).toContain(run.code);
        expect(run.stderr).not.toMatch(STACK_FRAME);
        expect(hasControlCharacter(run.stderr)).toBe(false);
        const usable = run.code !== 2;
        const format = scanInput.format.toLowerCase();
        if (usable && format === 'table') expect(hasControlCharacter(run.stdout)).toBe(false);
        if (usable && format === 'json') {
          const reported = run.stdout
            .split('\n')
            .filter((line) => line !== '')
            .map((line) => JSON.parse(line) as { eventId?: string; error?: string })
            .flatMap((line) =>
              line.error === undefined && line.eventId?.startsWith('valid-') ? [line.eventId] : [],
            );
          // Every promised record, in input order (a record after a broken array element may come too).
          let at = 0;
          for (const id of run.expected) {
            at = reported.indexOf(id, at);
            expect({ id, found: at !== -1 }).toEqual({ id, found: true });
            at++;
          }
        }
        if (usable) {
          expect(run.summary).toBeDefined();
          // Linear: the readers search, copy and decode each input byte a small, fixed number of times (a broken
          // one-line log file is read twice: as a line, then record by record).
          expect(run.summary?.workBytes ?? 0).toBeLessThanOrEqual(6 * run.inputBytes + 1024);
        }
      }),
      { numRuns: 80, seed: 0x16 },
    );
    // The generator must exercise real scans, not only usage errors.
    expect((outcomes[0] ?? 0) + (outcomes[1] ?? 0) + (outcomes[3] ?? 0)).toBeGreaterThan(30);
  }, 120_000);

  it('status, rollback, approve: hostile ids and state folders give 2 or 3 with one clean line', async () => {
    const folder = await tempFolder();
    try {
      const file = await folder.write('a-file', 'x');
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('status', 'rollback', 'approve'),
          hostileArgument,
          fc.constantFrom(join(folder.dir, 'missing'), file, join(file, 'below'), '\u001b]0;x\u0007'),
          fc.constantFrom('text', 'JSON', 'xml'),
          async (command, id, stateDir, format) => {
            const stdout = new MemoryStream();
            const stderr = new MemoryStream();
            const argv = [
              command,
              ...(command === 'approve' ? [] : ['--format', format]),
              id,
              '--state-dir',
              stateDir,
            ];
            const code = await runCli(argv, { stdout, stderr, cwd: folder.dir }, [registerDemoCommands]);
            expect([2, 3]).toContain(code);
            expect(stderr.text()).not.toMatch(STACK_FRAME);
            expect(hasControlCharacter(stderr.text())).toBe(false);
            expect(stderr.text().length).toBeLessThan(1000);
          },
        ),
        { numRuns: 80, seed: 0x16 },
      );
    } finally {
      await folder.remove();
    }
  }, 60_000);
});
