import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import {
  benignDescribeInstances,
  bucketMadePublicByAcl,
  cloudTrailLogBytes,
  cloudTrailLogKey,
  type RunningS3rver,
  rootConsoleLoginWithoutMfa,
  startS3rver,
} from '@aisaws/testing';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { runScan, type ScanOptionsInput } from '../../src/scan/index.js';

jest.setTimeout(30_000);

class MemoryStream extends Writable {
  private readonly chunks: string[] = [];
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(chunk.toString());
    callback();
  }
  text(): string {
    return this.chunks.join('');
  }
}

const BUCKET = 'org-trail-logs';
type Line = Record<string, unknown>;

describe('aisaws scan s3://bucket/prefix (s3rver, gzip CloudTrail log files)', () => {
  let s3: RunningS3rver;
  let local: string;
  /** key → the bytes put at that key (written to `local` too, for the same scan from disk). */
  const objects = new Map<string, Buffer>();

  const scan = async (options: ScanOptionsInput, tty = false) => {
    const stdout = new MemoryStream();
    const stderr = new MemoryStream(tty);
    const exitCode = await runScan(
      options,
      { stdout, stderr, cwd: process.cwd() },
      { now: () => new Date('2026-11-25T00:00:00Z'), s3: s3.client },
    );
    const lines = stdout
      .text()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Line);
    return { exitCode, lines, stderr: stderr.text() };
  };
  const put = async (key: string, body: Buffer) => {
    objects.set(key, body);
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    await mkdir(dirname(join(local, key)), { recursive: true });
    await writeFile(join(local, key), body);
  };
  const logKey = (account: string, region: string, iso: string, suffix: string) =>
    cloudTrailLogKey({ account, region, deliveredAt: new Date(iso), suffix });

  beforeAll(async () => {
    s3 = await startS3rver();
    await s3.createBucket(BUCKET);
    local = await mkdtemp(join(tmpdir(), 'aisaws-s3-scan-local-'));
    await put(
      logKey('111122223333', 'eu-west-1', '2026-11-24T10:05:00Z', 'a'),
      cloudTrailLogBytes([
        benignDescribeInstances({ eventID: 'a-1' }),
        bucketMadePublicByAcl('payroll', { eventID: 'a-2' }),
      ]),
    );
    await put(
      logKey('111122223333', 'eu-west-1', '2026-11-24T10:10:00Z', 'b'),
      Buffer.from([0x1f, 0x8b, 8, 0, 9, 9, 9]),
    );
    await put(
      logKey('111122223333', 'us-east-1', '2026-11-24T10:05:00Z', 'c'),
      cloudTrailLogBytes([rootConsoleLoginWithoutMfa({ eventID: 'c-1' }), { eventName: 'NoIdentity' }]),
    );
    await put(
      'AWSLogs/444455556666/CloudTrail/eu-west-1/2026/11/24/events.jsonl.gz',
      gzipSync(`${JSON.stringify(benignDescribeInstances({ eventID: 'd-1' }))}\n{"broken":\n`),
    );
  });
  afterAll(async () => {
    await s3?.stop();
    if (local) await rm(local, { recursive: true, force: true });
  });

  it('gives a local scan of the same files’ outputs, each named by its s3:// URL, in key order', async () => {
    // Act
    const fromS3 = await scan({ paths: [`s3://${BUCKET}/AWSLogs/`], format: 'json' });
    const fromDisk = await scan({ paths: [join(local, 'AWSLogs')], format: 'json' });

    // Assess: the same lines once the local path is replaced by the s3:// URL
    expect(fromS3.exitCode).toBe(0);
    const asS3 = JSON.parse(
      JSON.stringify(fromDisk.lines).replaceAll(`${local}/`, `s3://${BUCKET}/`),
    ) as Line[];
    expect(fromS3.lines).toEqual(asS3);
    expect(fromS3.lines.map((line) => line.eventId ?? `error@${String(line.file).split('/').pop()}`)).toEqual(
      [
        'a-1',
        'a-2',
        'error@111122223333_CloudTrail_eu-west-1_20261124T1010Z_b.json.gz',
        'c-1',
        'error@111122223333_CloudTrail_us-east-1_20261124T1005Z_c.json.gz',
        'd-1',
        'error@events.jsonl.gz',
      ],
    );
    expect(fromS3.lines.find((line) => line.eventId === 'a-2')).toMatchObject({
      detections: expect.arrayContaining([expect.objectContaining({ id: 's3.bucket-acl-public' })]),
      source: { file: `s3://${BUCKET}/${[...objects.keys()][0]}`, index: 1 },
    });
  });

  it('reports a corrupt object as an error row and goes on with the next', async () => {
    const run = await scan({ paths: [`s3://${BUCKET}/AWSLogs/111122223333/`], format: 'json' });
    const corrupt = [...objects.keys()][1] as string;
    expect(run.exitCode).toBe(0);
    expect(run.lines[2]).toEqual({
      // The file reader's own message, as for a local file.
      error: expect.stringMatching(/unexpected end of file/),
      file: `s3://${BUCKET}/${corrupt}`,
      line: 1,
    });
    expect(run.lines.slice(3).map((line) => line.eventId ?? 'error')).toEqual(['c-1', 'error']);
    expect(run.stderr).toMatch(/3 files?/);
  });

  it('names S3 objects by their s3:// URI in SARIF', async () => {
    const stdout = new MemoryStream();
    await runScan(
      { paths: [`s3://${BUCKET}/AWSLogs/111122223333/`], format: 'sarif' },
      { stdout, stderr: new MemoryStream(), cwd: process.cwd() },
      { now: () => new Date('2026-11-25T00:00:00Z'), s3: s3.client },
    );
    const log = JSON.parse(stdout.text()) as {
      runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    const uris = log.runs[0]?.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri);
    expect(uris).toContain(`s3://${BUCKET}/${[...objects.keys()][0]}`);
  });

  it('shows objects and bytes on a terminal only', async () => {
    const onTerminal = await scan({ paths: [`s3://${BUCKET}/AWSLogs/`], format: 'json' }, true);
    const inPipe = await scan({ paths: [`s3://${BUCKET}/AWSLogs/`], format: 'json' }, false);
    expect(onTerminal.stderr).toMatch(/scan \[.*\] \d+% \| \d\/4 objects \| \d+ events/);
    expect(inPipe.stderr).not.toContain('objects |');
  });

  it('skips CloudTrail digest files with a note, and scans a prefix with nothing in it', async () => {
    const digest = 'digests/AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/11/24/d.json.gz';
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: digest, Body: gzipSync('{}') }));
    const run = await scan({ paths: [`s3://${BUCKET}/digests/`], format: 'json' });
    expect(run.exitCode).toBe(0);
    expect(run.lines).toEqual([]);
    expect(run.stderr).toContain(`skipped s3://${BUCKET}/${digest}: CloudTrail digest`);
  });

  it('is a usage error (exit 2) for a bad URL or a bucket that cannot be listed', async () => {
    const bad = await scan({ paths: ['s3://Not_A_Bucket/x'], format: 'json' });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('"Not_A_Bucket" is not a valid S3 bucket name');
    const missing = await scan({ paths: ['s3://no-such-bucket-here/AWSLogs/'], format: 'json' });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/cannot list s3:\/\/no-such-bucket-here\/AWSLogs\/: NoSuchBucket/);
    expect(missing.lines).toEqual([]);
  });
});
