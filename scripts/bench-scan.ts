/**
 * Benchmark of `aisaws scan --format json` against the floor of reading the same JSON Lines.
 *
 *   pnpm exec tsx scripts/bench-scan.ts [--records N] [--runs R] [--keep] [--no-build]
 *
 * 0. Builds the CLI's bundle (`pnpm --filter @aisaws/cli build`: what users run, never a stale one), unless
 *    --no-build.
 * 1. Generates N (default 200,000) CloudTrail records as JSON Lines in a temp dir, deterministically (fixed seed):
 *    mostly benign Describe/List/Get calls from a few hundred principals, some failed calls, a small share of
 *    security-relevant changes of several detection families, and a few bad lines; writes them also as CloudTrail's
 *    gzip objects (see below), and flushes both to disk before timing anything.
 * 2. Measures, R times each (default 3, interleaved), the median wall and CPU time of
 *    (a) the floor: a Node process that only reads the file line by line (readline) and JSON.parses each line;
 *    (b) a reference: the floor plus core's CloudTrailRecordSchema.safeParse of each record (through tsx);
 *    (c) `aisaws scan --format json FILE > /dev/null`, with the bundle built by tsup (packages/cli/dist/bin.js)
 *        when it exists (with --no-build, it may not), else through tsx (slower start, same code).
 *    (d) the same scan with `--workers 1` (everything on the main thread);
 *    (e) the same scan with `--workers 2` (the main thread and one worker thread; (c) uses the default, the number
 *        of CPUs, so on a 2-CPU machine (c) and (e) are the same).
 *    Then the same records as CloudTrail writes them to S3 — gzip objects of `{"Records":[…]}`, 2,000 records each —
 *    (f) their floor (gunzip and JSON.parse of each object, in one process) and (g, h) `aisaws scan` of the folder with
 *    the default `--workers` and with `--workers 1`.
 * 3. Prints records, seconds, records/s and CPU seconds for each, the ratios scan/floor (the goal, on the JSON Lines
 *    file, is ≥ 0.5) and the load average (the machine may be shared: wall times then measure the load as much as the
 *    code).
 * All are whole processes, so all include Node's start-up.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parseBenchArgs } from './bench-args.js';
import { createRandom } from './seeded-random.js';
import { type RunResult, timeNodeRun } from './timed-node-run.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLE = join(ROOT, 'packages/cli/dist/bin.js');
const TSX_LOADER = 'tsx';
const CLI_SOURCE = join(ROOT, 'packages/cli/src/bin.ts');

const ACCOUNT = '210987654321';
const REGIONS = ['us-east-1', 'us-east-1', 'us-east-1', 'eu-west-1', 'us-west-2'];
const BENIGN_CALLS: readonly [string, string, () => Record<string, unknown> | null][] = [
  ['ec2.amazonaws.com', 'DescribeInstances', () => ({ instancesSet: {}, filterSet: {} })],
  ['ec2.amazonaws.com', 'DescribeSecurityGroups', () => ({ securityGroupSet: {}, filterSet: {} })],
  ['ec2.amazonaws.com', 'DescribeVolumes', () => ({ volumeSet: {}, filterSet: {} })],
  ['s3.amazonaws.com', 'ListBuckets', () => ({ Host: 's3.amazonaws.com' })],
  ['s3.amazonaws.com', 'GetBucketLocation', () => ({ bucketName: 'app-assets', location: [''] })],
  ['s3.amazonaws.com', 'GetBucketAcl', () => ({ bucketName: 'app-assets', acl: [''] })],
  ['iam.amazonaws.com', 'ListRoles', () => null],
  ['iam.amazonaws.com', 'GetRole', () => ({ roleName: 'app-runtime' })],
  ['sts.amazonaws.com', 'GetCallerIdentity', () => null],
  ['lambda.amazonaws.com', 'ListFunctions20150331', () => null],
  ['cloudwatch.amazonaws.com', 'DescribeAlarms', () => ({ maxRecords: 100 })],
  ['logs.amazonaws.com', 'DescribeLogGroups', () => ({ limit: 50 })],
  ['kms.amazonaws.com', 'ListKeys', () => null],
  ['dynamodb.amazonaws.com', 'DescribeTable', () => ({ tableName: 'orders' })],
];

/** Security-relevant changes, one per detection family of the catalog. */
const RISKY_CALLS: readonly [string, string, (n: number) => Record<string, unknown>][] = [
  [
    's3.amazonaws.com',
    'PutBucketAcl',
    (n) => ({
      bucketName: `public-${n}`,
      acl: [''],
      'x-amz-acl': ['public-read'],
      Host: `public-${n}.s3.amazonaws.com`,
    }),
  ],
  [
    'ec2.amazonaws.com',
    'AuthorizeSecurityGroupIngress',
    (n) => ({
      groupId: `sg-0${n.toString(16).padStart(16, '0')}`,
      ipPermissions: {
        items: [
          { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } },
        ],
      },
    }),
  ],
  [
    'cloudtrail.amazonaws.com',
    'StopLogging',
    () => ({ name: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org` }),
  ],
  ['cloudtrail.amazonaws.com', 'DeleteTrail', () => ({ name: 'org' })],
  [
    'iam.amazonaws.com',
    'AttachUserPolicy',
    (n) => ({ userName: `temp-${n}`, policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
  ],
  ['iam.amazonaws.com', 'CreateAccessKey', (n) => ({ userName: `svc-${n}` })],
  ['guardduty.amazonaws.com', 'DeleteDetector', (n) => ({ detectorId: `d${n}` })],
  ['kms.amazonaws.com', 'ScheduleKeyDeletion', (n) => ({ keyId: `k-${n}`, pendingWindowInDays: 7 })],
];

function hex(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

const uuid = (random: () => number): string =>
  `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-a${hex(random, 3)}-${hex(random, 12)}`;

interface Principal {
  readonly identity: Record<string, unknown>;
  readonly ip: string;
  readonly agent: string;
}

function createPrincipals(random: () => number, count: number): Principal[] {
  const principals: Principal[] = [];
  for (let i = 0; i < count; i++) {
    const ip = `${[54, 18, 3, 35][i % 4]}.${(i * 7) % 250}.${(i * 13) % 250}.${(i * 31) % 250}`;
    const agent =
      [
        'aws-cli/2.15.30 Python/3.11.8',
        'Boto3/1.34.69 Botocore/1.34.69',
        'console.amazonaws.com',
        'Terraform/1.7.5',
      ][i % 4] ?? 'aws-cli';
    if (i % 3 === 0) {
      principals.push({
        identity: {
          type: 'IAMUser',
          principalId: `AIDA${hex(random, 16).toUpperCase()}`,
          arn: `arn:aws:iam::${ACCOUNT}:user/user-${i}`,
          accountId: ACCOUNT,
          accessKeyId: `AKIA${hex(random, 16).toUpperCase()}`,
          userName: `user-${i}`,
        },
        ip,
        agent,
      });
    } else {
      const role = `role-${i}`;
      const roleId = `AROA${hex(random, 16).toUpperCase()}`;
      principals.push({
        identity: {
          type: 'AssumedRole',
          principalId: `${roleId}:session-${i}`,
          arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/session-${i}`,
          accountId: ACCOUNT,
          accessKeyId: `ASIA${hex(random, 16).toUpperCase()}`,
          sessionContext: {
            sessionIssuer: {
              type: 'Role',
              principalId: roleId,
              arn: `arn:aws:iam::${ACCOUNT}:role/${role}`,
              accountId: ACCOUNT,
              userName: role,
            },
            webIdFederationData: {},
            attributes: { creationDate: '2026-11-20T08:00:00Z', mfaAuthenticated: 'false' },
          },
        },
        ip,
        agent,
      });
    }
  }
  return principals;
}

interface GeneratedFile {
  readonly path: string;
  readonly records: number;
  readonly risky: number;
  readonly failed: number;
  readonly badLines: number;
  readonly bytes: number;
}

/** Writes the benchmark input; returns what it contains. */
async function generate(path: string, count: number): Promise<GeneratedFile> {
  const random = createRandom(0x5ca1ab1e);
  const principals = createPrincipals(random, 300);
  const out = createWriteStream(path);
  const start = Date.parse('2026-11-20T09:00:00Z');
  let risky = 0;
  let failed = 0;
  let badLines = 0;
  let chunk = '';
  for (let n = 0; n < count; n++) {
    // About 1 bad line in 20,000: invalid JSON, a record without eventID, a non-object.
    if (n % 20_011 === 20_010) {
      badLines++;
      chunk += [
        `{"eventVersion":"1.09","eventSource":"s3.amazonaws.com","eventName":`,
        '{"eventName":"GetObject"}',
        '42',
      ][badLines % 3];
      chunk += '\n';
      continue;
    }
    // A Zipf-like choice: a few principals make most calls.
    const principal = principals[Math.floor(principals.length * random() ** 2)] ?? principals[0];
    if (principal === undefined) throw new Error('no principal');
    const roll = random();
    const isRisky = roll < 0.004;
    const call = isRisky
      ? RISKY_CALLS[Math.floor(random() * RISKY_CALLS.length)]
      : BENIGN_CALLS[Math.floor(random() * BENIGN_CALLS.length)];
    if (call === undefined) throw new Error('empty call table');
    const [eventSource, eventName, request] = call;
    const isFailed = !isRisky && roll > 0.98;
    if (isRisky) risky++;
    if (isFailed) failed++;
    const region = REGIONS[n % REGIONS.length] ?? 'us-east-1';
    const record: Record<string, unknown> = {
      eventVersion: '1.09',
      userIdentity: principal.identity,
      eventTime: new Date(start + n * 150).toISOString().replace('.000Z', 'Z'),
      eventSource,
      eventName,
      awsRegion: region,
      sourceIPAddress: principal.ip,
      userAgent: principal.agent,
      requestParameters: request(n),
      responseElements: null,
      requestID: uuid(random),
      eventID: uuid(random),
      readOnly: !isRisky,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ACCOUNT,
      eventCategory: 'Management',
      tlsDetails: {
        tlsVersion: 'TLSv1.3',
        cipherSuite: 'TLS_AES_128_GCM_SHA256',
        clientProvidedHostHeader: `${eventSource.split('.')[0]}.${region}.amazonaws.com`,
      },
    };
    if (isFailed) {
      record.errorCode = 'AccessDenied';
      record.errorMessage = `User: ${String(principal.identity.arn)} is not authorized to perform this operation`;
    }
    chunk += `${JSON.stringify(record)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((done) => out.once('drain', () => done()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())));
  return { path, records: count, risky, failed, badLines, bytes: (await stat(path)).size };
}

const RECORDS_PER_OBJECT = 2000;

/**
 * Flushes the generated input to disk before anything is timed: left to the kernel, its ~230 MB were written back
 * ~30 s after they were made, in the middle of the timed runs, and took CPU from whichever ran then.
 */
async function flushToDisk(paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

/** The JSON Lines file's records as CloudTrail log objects (gzip `{"Records":[…]}`); returns how many. */
async function writeObjects(jsonl: string, folder: string): Promise<{ objects: number; bytes: number }> {
  await mkdir(folder);
  const records: unknown[] = [];
  for (const line of (await readFile(jsonl, 'utf8')).split('\n')) {
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'eventID' in value)
        records.push(value);
    } catch {
      // The bad lines stay in the JSON Lines file only.
    }
  }
  let bytes = 0;
  let objects = 0;
  for (let start = 0; start < records.length; start += RECORDS_PER_OBJECT) {
    const body = gzipSync(JSON.stringify({ Records: records.slice(start, start + RECORDS_PER_OBJECT) }));
    await writeFile(join(folder, `${String(objects++).padStart(4, '0')}.json.gz`), body);
    bytes += body.length;
  }
  return { objects, bytes };
}

const OBJECTS_FLOOR_SCRIPT = `
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
let records = 0;
for (const name of readdirSync(process.argv[2]).sort())
  records += JSON.parse(gunzipSync(readFileSync(join(process.argv[2], name))).toString('utf8')).Records.length;
process.stderr.write(\`objects floor: \${records} records\\n\`);
`;

const FLOOR_SCRIPT = `
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
let parsed = 0;
let bad = 0;
const lines = createInterface({ input: createReadStream(process.argv[2], { highWaterMark: 1 << 16 }), crlfDelay: Infinity });
for await (const line of lines) {
  if (line === '') continue;
  try { JSON.parse(line); parsed++; } catch { bad++; }
}
process.stderr.write(\`floor: \${parsed} parsed, \${bad} bad\\n\`);
`;

/**
 * A reference between the two: the floor plus core's CloudTrailRecordSchema.safeParse of every record, the one
 * validation `scan` cannot skip. Shows how much of the gap is the record parse alone. Runs through tsx (core is
 * TypeScript source); tsx only adds start-up time.
 */
const PARSE_SCRIPT = `
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { CloudTrailRecordSchema } from ${JSON.stringify(join(ROOT, 'packages/core/src/schemas/index.ts'))};
let valid = 0;
let bad = 0;
const lines = createInterface({ input: createReadStream(process.argv[2], { highWaterMark: 1 << 16 }), crlfDelay: Infinity });
for await (const line of lines) {
  if (line === '') continue;
  try { if (CloudTrailRecordSchema.safeParse(JSON.parse(line)).success) valid++; else bad++; } catch { bad++; }
}
process.stderr.write(\`parse: \${valid} valid, \${bad} bad\\n\`);
`;

const timeRun = (args: readonly string[]): Promise<RunResult> => timeNodeRun(args, ROOT);

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const rate = (records: number, seconds: number): string =>
  Math.round(records / seconds).toLocaleString('en-US');

/** Builds the CLI's bundle, so that the scan measured is the code checked out (a clean clone has none). */
function buildBundle(): void {
  process.stderr.write('bench-scan: building the CLI bundle (pnpm --filter @aisaws/cli build)…\n');
  const build = spawnSync('pnpm', ['--filter', '@aisaws/cli', 'build'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) throw new Error(`pnpm --filter @aisaws/cli build failed (exit ${build.status})`);
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2), { records: 200_000, runs: 3 }, { builds: true });
  if (args.build) buildBundle();
  const dir = await mkdtemp(join(tmpdir(), 'aisaws-bench-scan-'));
  try {
    const generatedAt = performance.now();
    const file = await generate(join(dir, 'cloudtrail.jsonl'), args.records);
    console.log(
      `input: ${file.records.toLocaleString('en-US')} lines, ${(file.bytes / 1e6).toFixed(1)} MB ` +
        `(${file.risky} security-relevant changes, ${file.failed} failed calls, ${file.badLines} bad lines), ` +
        `generated in ${((performance.now() - generatedAt) / 1000).toFixed(1)} s`,
    );
    const floorScript = join(dir, 'floor.mjs');
    await writeFile(floorScript, FLOOR_SCRIPT);
    const objectsFolder = join(dir, 'objects');
    const objects = await writeObjects(file.path, objectsFolder);
    const objectsFloorScript = join(dir, 'objects-floor.mjs');
    await writeFile(objectsFloorScript, OBJECTS_FLOOR_SCRIPT);
    await flushToDisk([
      file.path,
      ...(await readdir(objectsFolder)).map((name) => join(objectsFolder, name)),
    ]);
    console.log(
      `objects: the same records in ${objects.objects} gzip objects of ${RECORDS_PER_OBJECT} records, ` +
        `${(objects.bytes / 1e6).toFixed(1)} MB`,
    );

    const useBundle = existsSync(BUNDLE);
    const scanArgs = [
      ...(useBundle ? [BUNDLE] : ['--import', TSX_LOADER, CLI_SOURCE]),
      ...['scan', '--format', 'json', '--no-progress', file.path],
    ];
    console.log(
      `scan runs ${useBundle ? 'the tsup bundle packages/cli/dist/bin.js' : 'packages/cli/src/bin.ts through tsx (no bundle: run `pnpm --filter @aisaws/cli build` first)'}; ` +
        `node ${process.version}; ${args.runs} runs each, interleaved; median`,
    );

    const parseScript = join(dir, 'floor-and-record-parse.mts');
    await writeFile(parseScript, PARSE_SCRIPT);
    const contestants = [
      { label: 'floor (readline + JSON.parse)', args: [floorScript, file.path], runs: [] as RunResult[] },
      {
        label: 'floor + CloudTrailRecordSchema (tsx)',
        args: ['--import', TSX_LOADER, parseScript, file.path],
        runs: [] as RunResult[],
      },
      { label: 'aisaws scan --format json', args: scanArgs, runs: [] as RunResult[] },
      {
        label: 'aisaws scan --format json --workers 1',
        args: [...scanArgs.slice(0, -1), '--workers', '1', file.path],
        runs: [] as RunResult[],
      },
      {
        label: 'aisaws scan --format json --workers 2',
        args: [...scanArgs.slice(0, -1), '--workers', '2', file.path],
        runs: [] as RunResult[],
      },
      {
        label: 'objects: floor (gunzip + JSON.parse)',
        args: [objectsFloorScript, objectsFolder],
        runs: [] as RunResult[],
      },
      {
        label: 'objects: aisaws scan --format json',
        args: [...scanArgs.slice(0, -1), objectsFolder],
        runs: [] as RunResult[],
      },
      {
        label: 'objects: aisaws scan … --workers 1',
        args: [...scanArgs.slice(0, -1), '--workers', '1', objectsFolder],
        runs: [] as RunResult[],
      },
    ];
    for (let run = 0; run < args.runs; run++) {
      for (const contestant of contestants) contestant.runs.push(await timeRun(contestant.args));
    }
    const rows = [['', 'records', 'seconds', 'records/s', 'CPU s', 'wall of each run (s)']];
    const medians = contestants.map((contestant) => {
      const seconds = median(contestant.runs.map((r) => r.seconds));
      const cpuSeconds = median(contestant.runs.map((r) => r.cpuSeconds));
      rows.push([
        contestant.label,
        String(file.records),
        seconds.toFixed(2),
        rate(file.records, seconds),
        cpuSeconds.toFixed(2),
        contestant.runs.map((r) => r.seconds.toFixed(2)).join(' '),
      ]);
      return { seconds, cpuSeconds };
    });
    const widths =
      rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
    for (const row of rows)
      console.log(row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  '));
    const [floor, parse, scan, single, pair, objectsFloor, objectsScan, objectsSingle] = medians;
    if (!floor || !parse || !scan || !single || !pair || !objectsFloor || !objectsScan || !objectsSingle)
      throw new Error('missing measurements');
    const ratio = floor.seconds / scan.seconds;
    const singleRatio = floor.seconds / single.seconds;
    const pairRatio = floor.seconds / pair.seconds;
    const cpus = availableParallelism();
    console.log(
      `ratio scan/floor (throughput, wall): ${ratio.toFixed(2)} with the default --workers (${Math.min(64, cpus)}), ` +
        `${singleRatio.toFixed(2)} with --workers 1, ${pairRatio.toFixed(2)} with --workers 2 ` +
        `(goal ≥ 0.50 with the default: ${ratio >= 0.5 ? 'met' : 'NOT met'}); ` +
        `on CPU time: ${(floor.cpuSeconds / scan.cpuSeconds).toFixed(2)}, ${(floor.cpuSeconds / single.cpuSeconds).toFixed(2)} and ${(floor.cpuSeconds / pair.cpuSeconds).toFixed(2)}; ` +
        `the record parse alone (CPU): ${(floor.cpuSeconds / parse.cpuSeconds).toFixed(2)}; ` +
        `load average ${loadavg()
          .map((n) => n.toFixed(1))
          .join(' ')}`,
    );
    console.log(
      `objects (CloudTrail's own gzip files): ratio scan/floor ${(objectsFloor.seconds / objectsScan.seconds).toFixed(2)} ` +
        `with the default --workers, ${(objectsFloor.seconds / objectsSingle.seconds).toFixed(2)} with --workers 1 ` +
        '(for information: the goal is set on the JSON Lines file)',
    );
    const scanRuns = contestants[2]?.runs ?? [];
    const lastScan = scanRuns.at(-1);
    if (lastScan) console.log(`last scan's summary:\n${lastScan.stderr.trim().replace(/^/gm, '  ')}`);
    if (args.keep) console.log(`kept ${dir}`);
  } finally {
    if (!args.keep) await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
