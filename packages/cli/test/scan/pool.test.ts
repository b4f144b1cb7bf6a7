import { once } from 'node:events';
import { chmod } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { EarlyWorker } from '@aisaws/scan-engine/worker-entry';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { runScan, type ScanOptionsInput } from '../../src/scan/index.js';
import { envelope, jsonLines, MemoryStream, publicAclRecord, record, tempFolder } from './helpers.js';

/**
 * The worker pool (`--workers N`) must change nothing but the speed: the same output bytes, the same summary, the
 * same exit code as the single-threaded scan, over many files of every kind and over one file cut into parts (line
 * numbers, errors and the baseline's history across the cuts). The pool's sizes are made small so a test input is
 * split into many parts.
 */

const SIZES = { minBytes: 1, splitMinBytes: 16 * 1024, partBytes: 8 * 1024 };
let folder: Awaited<ReturnType<typeof tempFolder>>;
let paths: string[];
let policy: string;
const SELF_ROLE = 'arn:aws:iam::111122223333:role/aisaws-remediation';
const EXEMPT_ROLE = 'arn:aws:iam::111122223333:role/release-pipeline';

/** Lines of a busy JSON Lines file: repeated principals (so the baseline matters), hits, bad lines, an overlong line. */
function busyLines(count: number): string {
  const lines: string[] = [];
  for (let n = 0; n < count; n++) {
    if (n % 97 === 13) lines.push('{"eventVersion":"1.09","eventName":');
    else if (n % 89 === 7)
      lines.push(JSON.stringify({ eventID: `bad-${n}`, eventName: 'GetObject', eventSource: 42 }));
    else if (n % 61 === 5) lines.push(JSON.stringify(publicAclRecord(`hit-${n}`, `bucket-${n % 3}`)));
    else if (n === 150) lines.push(JSON.stringify(record({ eventID: 'long', padding: 'x'.repeat(20_000) })));
    else if (n % 53 === 0) lines.push('');
    else
      lines.push(
        JSON.stringify(
          record({
            eventID: `e-${n}`,
            eventTime: `2026-11-24T09:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}Z`,
            userIdentity: {
              type: 'IAMUser',
              arn: `arn:aws:iam::111122223333:user/u${n % 7}`,
              userName: `u${n % 7}`,
            },
            sourceIPAddress: `198.51.100.${n % 11}`,
            eventName: ['DescribeInstances', 'ListBuckets', 'GetRole'][n % 3],
            errorCode: n % 17 === 0 ? 'AccessDenied' : undefined,
          }),
        ),
      );
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  folder = await tempFolder();
  paths = [
    await folder.write('a-large.jsonl', busyLines(600)),
    await folder.write(
      'b-log.json.gz',
      JSON.stringify({ Records: [publicAclRecord('gz-1'), record({ eventID: 'gz-2' })] }),
      {
        gzip: true,
      },
    ),
    await folder.write('c-notes.txt', 'not JSON at all\n'),
    await folder.write(
      'd-events.jsonl',
      jsonLines([envelope(record({ eventID: 'eb-1' })), { unrelated: true }, 7]),
    ),
    await folder.write('e-large-no-newline.jsonl', busyLines(300).trimEnd()),
    await folder.write('f-unreadable.jsonl', jsonLines([record({ eventID: 'never' })])),
    // GuardDuty findings (`aws guardduty get-findings`): evaluated by the main thread from what a worker read.
    fileURLToPath(new URL('../fixtures/findings/guardduty-get-findings.json', import.meta.url)),
    // A role the policy exempts making a bucket public: detected, and exempt by its principal. In a Records object, so
    // a worker sends it as prepared (its record without the payloads), not as its line.
    await folder.write(
      'h-exempt.json',
      jsonLines([
        {
          Records: [
            {
              ...publicAclRecord('exempt-1'),
              userIdentity: {
                type: 'AssumedRole',
                arn: 'arn:aws:sts::111122223333:assumed-role/release-pipeline/run-7',
                accountId: '111122223333',
                sessionContext: { sessionIssuer: { type: 'Role', arn: EXEMPT_ROLE } },
              },
            },
          ],
        },
      ]),
    ),
    // AISAWS's own role (the policy's selfIdentity) making a bucket public: never a detection, in the workers too.
    await folder.write(
      'g-self.jsonl',
      jsonLines([
        {
          ...publicAclRecord('self-1'),
          userIdentity: {
            type: 'AssumedRole',
            arn: 'arn:aws:sts::111122223333:assumed-role/aisaws-remediation/fix',
            sessionContext: { sessionIssuer: { type: 'Role', arn: SELF_ROLE } },
          },
        },
      ]),
    ),
  ];
  policy = await folder.write(
    'policy.json',
    JSON.stringify({
      selfIdentity: { roleArns: [SELF_ROLE] },
      // Decided from the record's principal (its role's ARN), which a worker keeps for the main thread.
      exemptions: {
        principals: [{ match: EXEMPT_ROLE, reason: 'release pipeline', expires: '2099-01-01T00:00:00Z' }],
      },
    }),
  );
  // A file the scan cannot open: its error has its place in the output, and the exit code says so.
  await chmod(paths[5] as string, 0o000);
});

afterAll(async () => {
  await chmod(paths[5] as string, 0o600);
  await folder.remove();
});

async function run(
  workers: number,
  format: string,
  earlyWorker?: EarlyWorker,
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new MemoryStream();
  const stderr = new MemoryStream();
  const options: ScanOptionsInput = { paths, format, workers, policy, maxLineMb: 0.01, progress: false };
  const code = await runScan(
    options,
    { stdout, stderr, cwd: folder.dir },
    { now: () => new Date('2026-11-25T00:00:00Z'), pool: SIZES, ...(earlyWorker ? { earlyWorker } : {}) },
  );
  // The summary's elapsed time and rate are the only things allowed to differ.
  return { code, out: stdout.text(), err: stderr.text().replace(/[\d.]+ s, [\d,]+ events\/s/, 'T') };
}

describe('scan with worker threads', () => {
  it.each([
    ['json', 3],
    ['table', 3],
    ['sarif', 3],
    ['ocsf', 3],
    // One worker beside the main thread.
    ['json', 2],
    ['ocsf', 2],
  ])(
    'writes exactly what the single-threaded scan writes (%s, --workers %d)',
    async (format, workers) => {
      const single = await run(1, format);
      const pooled = await run(workers, format);
      expect(pooled).toEqual(single);
      // The input exercised what it should: many events, errors with their line numbers, the overlong line.
      if (format === 'json') {
        expect(single.out.split('\n').length).toBeGreaterThan(800);
        expect(single.out).toContain('"line":151');
        expect(single.out).toContain('line 151 is longer than');
        expect(single.out).toContain('invalid CloudTrail record');
        expect(single.out).toContain('s3.bucket-acl-public');
        expect(single.out).toContain('finding.role-credentials-compromised');
        expect(single.out).toMatch(/"eventId":"self-1","eventName":"PutBucketAcl","detections":\[\]/);
        expect(single.out).toMatch(/"eventId":"exempt-1".*exempt by exemptions\.principals/);
      }
    },
    120_000,
  );

  it('adopts a worker started early (as bin.ts starts one) and writes the same', async () => {
    const single = await run(1, 'json');
    const early = new EarlyWorker();
    const adopt = jest.spyOn(early, 'adopt');
    const pooled = await run(2, 'json', early);
    expect(pooled).toEqual(single);
    // The pool took it, running, as its worker.
    expect(adopt).toHaveBeenCalledTimes(1);
    expect(adopt.mock.results[0]?.value).toBe(early.worker);
    // The pool stopped it with the others.
    adopt.mockRestore();
    expect(early.adopt()).toBeUndefined();
  }, 120_000);

  it('stops a worker started early when the scan runs without a pool', async () => {
    const early = new EarlyWorker();
    const exited = once(early.worker, 'exit');
    await run(1, 'json', early);
    await exited;
    expect(early.adopt()).toBeUndefined();
  }, 120_000);

  it('stops a worker started early when the scan stops at a usage error', async () => {
    const early = new EarlyWorker();
    const exited = once(early.worker, 'exit');
    const code = await runScan(
      { paths, format: 'json', workers: 'many', progress: false },
      { stdout: new MemoryStream(), stderr: new MemoryStream(), cwd: folder.dir },
      { earlyWorker: early },
    );
    expect(code).toBe(2);
    await exited;
    expect(early.adopt()).toBeUndefined();
  }, 60_000);
});
