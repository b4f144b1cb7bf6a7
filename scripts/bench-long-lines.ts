/**
 * Benchmark of `aisaws scan` on one long line: a CloudTrail log file as S3 delivers it (`{"Records":[…]}` on a
 * single line) against the same records as JSON Lines (the same bytes, split into lines), issue 16's criterion:
 * the one-line file may take at most twice as long.
 *
 *   pnpm exec tsx scripts/bench-long-lines.ts [--mb N] [--runs R] [--keep]
 *
 * 1. Generates about N MB (default 100) of CloudTrail records, deterministically (fixed seed), and writes them twice:
 *    `records.jsonl` (one record per line) and `one-line.json` (`{"Records":[r1,r2,…]}` with no newline).
 * 2. Runs `aisaws scan --format json FILE > /dev/null` on each, R times (default 3) interleaved: the tsup bundle
 *    (packages/cli/dist/bin.js) when built, else src/bin.ts through tsx.
 * 3. Prints the median wall and CPU seconds, the peak memory (max RSS) of each, and the ratio one-line / lines.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs } from './bench-args.js';
import { createRandom } from './seeded-random.js';
import { type RunResult, timeNodeRun } from './timed-node-run.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLE = join(ROOT, 'packages/cli/dist/bin.js');
const CLI_SOURCE = join(ROOT, 'packages/cli/src/bin.ts');
const ACCOUNT = '210987654321';

const CALLS: readonly [string, string, Record<string, unknown> | null][] = [
  ['ec2.amazonaws.com', 'DescribeInstances', { instancesSet: {}, filterSet: {} }],
  ['s3.amazonaws.com', 'GetBucketAcl', { bucketName: 'app-assets', acl: [''] }],
  ['iam.amazonaws.com', 'GetRole', { roleName: 'app-runtime' }],
  ['sts.amazonaws.com', 'GetCallerIdentity', null],
  ['kms.amazonaws.com', 'ListKeys', null],
  ['s3.amazonaws.com', 'PutBucketAcl', { bucketName: 'team-share', acl: [''], 'x-amz-acl': ['public-read'] }],
];

function hex(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

/** One record as JSON: a few hundred principals, mostly reads, a public ACL now and then. */
function recordJson(random: () => number, n: number): string {
  const principal = Math.floor(random() * 300);
  const [eventSource, eventName, requestParameters] = CALLS[n % 997 === 0 ? 5 : Math.floor(random() * 5)] ??
    CALLS[0] ?? ['', '', null];
  return JSON.stringify({
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: `AIDA${principal.toString().padStart(16, '0')}`,
      arn: `arn:aws:iam::${ACCOUNT}:user/user-${principal}`,
      accountId: ACCOUNT,
      accessKeyId: `AKIA${hex(random, 16).toUpperCase()}`,
      userName: `user-${principal}`,
    },
    eventTime: new Date(Date.parse('2026-11-20T09:00:00Z') + n * 1000).toISOString().replace('.000', ''),
    eventSource,
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: `198.51.100.${principal % 250}`,
    userAgent: 'aws-cli/2.15.30 Python/3.11.8',
    requestParameters,
    responseElements: null,
    requestID: hex(random, 32),
    eventID: `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-a${hex(random, 3)}-${hex(random, 12)}`,
    readOnly: eventName !== 'PutBucketAcl',
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256' },
  });
}

/** Writes both files; resolves to their sizes and the record count. */
async function generate(dir: string, megabytes: number) {
  const random = createRandom(0x1096_11e5);
  const lines = await open(join(dir, 'records.jsonl'), 'w');
  const oneLine = await open(join(dir, 'one-line.json'), 'w');
  let records = 0;
  let bytes = 0;
  await oneLine.write('{"Records":[');
  while (bytes < megabytes * 1e6) {
    let linesChunk = '';
    let oneLineChunk = '';
    for (let i = 0; i < 1000; i++, records++) {
      const json = recordJson(random, records);
      linesChunk += `${json}\n`;
      oneLineChunk += records === 0 ? json : `,${json}`;
      bytes += json.length + 1;
    }
    await lines.write(linesChunk);
    await oneLine.write(oneLineChunk);
  }
  await oneLine.write(']}');
  await Promise.all([lines.close(), oneLine.close()]);
  return {
    records,
    linesPath: join(dir, 'records.jsonl'),
    oneLinePath: join(dir, 'one-line.json'),
    linesBytes: (await stat(join(dir, 'records.jsonl'))).size,
    oneLineBytes: (await stat(join(dir, 'one-line.json'))).size,
  };
}

const timeRun = (args: readonly string[]): Promise<RunResult> => timeNodeRun(args, ROOT);

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2), { mb: 100, runs: 3 });
  const dir = await mkdtemp(join(tmpdir(), 'aisaws-bench-long-lines-'));
  try {
    const input = await generate(dir, args.mb);
    console.log(
      `input: ${input.records.toLocaleString('en-US')} records; JSON Lines ${(input.linesBytes / 1e6).toFixed(1)} MB, ` +
        `one line ${(input.oneLineBytes / 1e6).toFixed(1)} MB`,
    );
    const useBundle = existsSync(BUNDLE);
    const command = useBundle ? [BUNDLE] : ['--import', 'tsx', CLI_SOURCE];
    console.log(
      `scan runs ${useBundle ? 'the tsup bundle' : 'src/bin.ts through tsx'}; node ${process.version}; ` +
        `${args.runs} runs each, interleaved; medians`,
    );
    const contestants = [
      {
        label: 'JSON Lines (the same records, one per line)',
        path: input.linesPath,
        runs: [] as RunResult[],
      },
      { label: 'one line {"Records":[…]}', path: input.oneLinePath, runs: [] as RunResult[] },
    ];
    for (let run = 0; run < args.runs; run++)
      for (const contestant of contestants)
        contestant.runs.push(
          await timeRun([...command, 'scan', '--format', 'json', '--no-progress', contestant.path]),
        );
    const medians = contestants.map((contestant) => {
      const seconds = median(contestant.runs.map((r) => r.seconds));
      const cpuSeconds = median(contestant.runs.map((r) => r.cpuSeconds));
      const maxRssMb = median(contestant.runs.map((r) => r.maxRssMb));
      console.log(
        `${contestant.label.padEnd(46)} ${seconds.toFixed(2)} s  CPU ${cpuSeconds.toFixed(2)} s  ` +
          `max RSS ${Math.round(maxRssMb)} MB  (runs: ${contestant.runs.map((r) => r.seconds.toFixed(2)).join(' ')})`,
      );
      return { seconds, cpuSeconds };
    });
    const [lines, oneLine] = medians;
    if (!lines || !oneLine) throw new Error('missing measurements');
    const ratio = oneLine.seconds / lines.seconds;
    console.log(
      `ratio one line / JSON Lines: ${ratio.toFixed(2)} wall, ${(oneLine.cpuSeconds / lines.cpuSeconds).toFixed(2)} CPU ` +
        `(criterion ≤ 2: ${ratio <= 2 ? 'met' : 'NOT met'})`,
    );
    const last = contestants[1]?.runs.at(-1);
    if (last) console.log(`one-line scan's summary:\n${last.stderr.trim().replace(/^/gm, '  ')}`);
    if (args.keep) console.log(`kept ${dir}`);
  } finally {
    if (!args.keep) await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
