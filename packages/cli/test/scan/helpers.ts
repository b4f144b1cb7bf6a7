import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { runScan, type ScanOptionsInput } from '../../src/scan/index.js';

/** A writable that keeps what was written; `isTTY` can be set to act as a terminal. */
class MemoryStream extends Writable {
  private readonly chunks: string[] = [];
  isTTY?: boolean;

  constructor(options: { isTTY?: boolean } = {}) {
    super();
    if (options.isTTY !== undefined) this.isTTY = options.isTTY;
  }

  override _write(
    chunk: Buffer | string,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    this.chunks.push(chunk.toString());
    callback();
  }

  text(): string {
    return this.chunks.join('');
  }
}

const ACCOUNT = '111122223333';

/** A small, valid CloudTrail record (our own data), with overrides. */
function record(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLETESTUSER1',
      arn: `arn:aws:iam::${ACCOUNT}:user/tester`,
      accountId: ACCOUNT,
      userName: 'tester',
    },
    eventTime: '2026-11-24T09:00:00Z',
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeInstances',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.30',
    requestParameters: { instancesSet: {} },
    responseElements: null,
    eventID: 'evt-0001',
    readOnly: true,
    eventType: 'AwsApiCall',
    recipientAccountId: ACCOUNT,
    ...overrides,
  };
}

/** A PutBucketAcl that makes `bucket` public (s3.bucket-acl-public). */
function publicAclRecord(eventID: string, bucket = 'team-share'): Record<string, unknown> {
  return record({
    eventID,
    eventSource: 's3.amazonaws.com',
    eventName: 'PutBucketAcl',
    readOnly: false,
    requestParameters: { bucketName: bucket, acl: [''], 'x-amz-acl': ['public-read'] },
  });
}

/** The EventBridge envelope CloudTrail events arrive in. */
function envelope(
  detail: Record<string, unknown>,
  detailType = 'AWS API Call via CloudTrail',
): Record<string, unknown> {
  return {
    version: '0',
    id: `eb-${String(detail.eventID)}`,
    'detail-type': detailType,
    source: 'aws.s3',
    account: ACCOUNT,
    time: '2026-11-24T09:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

const jsonLines = (values: readonly unknown[]): string =>
  `${values.map((v) => JSON.stringify(v)).join('\n')}\n`;

/** A temp folder for one test; `write` creates files (gzip when `gzip` is set, whatever the name). */
async function tempFolder(): Promise<{
  dir: string;
  write: (name: string, content: string, options?: { gzip?: boolean }) => Promise<string>;
  remove: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'aisaws-scan-test-'));
  return {
    dir,
    async write(name, content, options = {}) {
      const path = join(dir, name);
      await writeFile(path, options.gzip ? gzipSync(content) : content);
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

interface ScanRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout's JSON lines, parsed. */
  readonly lines: Record<string, unknown>[];
}

/** Runs the scan in-process with memory streams. */
async function scan(options: ScanOptionsInput, stderrIsTTY = false): Promise<ScanRun> {
  const stdout = new MemoryStream();
  const stderr = new MemoryStream({ isTTY: stderrIsTTY });
  const exitCode = await runScan(
    options,
    { stdout, stderr, cwd: process.cwd() },
    { now: () => new Date('2026-11-25T00:00:00Z') },
  );
  const text = stdout.text();
  const lines =
    options.format === 'json' || options.format === 'ocsf'
      ? text
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as Record<string, unknown>)
      : [];
  return { exitCode, stdout: text, stderr: stderr.text(), lines };
}

export type { ScanRun };
export { ACCOUNT, envelope, jsonLines, MemoryStream, publicAclRecord, record, scan, tempFolder };
