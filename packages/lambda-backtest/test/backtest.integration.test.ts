import { gzipSync } from 'node:zlib';
import { DEFAULT_POLICY } from '@aisaws/core/policy';
import {
  benignDescribeInstances,
  bucketMadePublicByAcl,
  cloudTrailLogKey,
  putCloudTrailLogObject,
  type RunningS3rver,
  startS3rver,
} from '@aisaws/testing';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BacktestBatchResultSchema, createBacktestHandler, type FindingRow } from '../src/index.js';

const TRAIL = 'org-trail-logs';
const FINDINGS = 'backtest-findings';
const ACCOUNT = '111122223333';
const NOW = new Date('2026-12-01T00:00:00Z');

describe('backtest batch over s3rver', () => {
  let s3: RunningS3rver;
  let keys: { publicAcl: string; benign: string; corrupt: string; invalid: string; digest: string };

  const handlerWith = (client: S3Client = s3.client) =>
    createBacktestHandler({
      s3: client,
      findingsBucket: FINDINGS,
      findingsPrefix: 'backtest/',
      policy: DEFAULT_POLICY,
      clock: { now: () => NOW },
    });

  const readLines = async (url: string): Promise<Record<string, unknown>[]> => {
    const key = url.replace(`s3://${FINDINGS}/`, '');
    const object = await s3.client.send(new GetObjectCommand({ Bucket: FINDINGS, Key: key }));
    const text = (await object.Body?.transformToString('utf8')) ?? '';
    return text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  };

  beforeAll(async () => {
    s3 = await startS3rver();
    await s3.createBucket(TRAIL);
    await s3.createBucket(FINDINGS);
    const log = (suffix: string, records: unknown[]) =>
      putCloudTrailLogObject(s3.client, TRAIL, {
        account: ACCOUNT,
        region: 'eu-west-1',
        deliveredAt: new Date('2026-11-24T10:05:00Z'),
        suffix,
        records,
      });
    const corrupt = cloudTrailLogKey({
      account: ACCOUNT,
      region: 'eu-west-1',
      deliveredAt: new Date('2026-11-24T10:10:00Z'),
      suffix: 'corrupt',
    });
    await s3.client.send(
      new PutObjectCommand({
        Bucket: TRAIL,
        Key: corrupt,
        Body: Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4]),
      }),
    );
    const digest = `AWSLogs/${ACCOUNT}/CloudTrail-Digest/eu-west-1/2026/11/24/digest.json.gz`;
    await s3.client.send(new PutObjectCommand({ Bucket: TRAIL, Key: digest, Body: gzipSync('{}') }));
    const { eventName: _dropped, ...nameless } = benignDescribeInstances({ eventID: 'nameless-1' });
    keys = {
      publicAcl: await log('public', [benignDescribeInstances(), bucketMadePublicByAcl('payroll-exports')]),
      benign: await log('benign', [benignDescribeInstances(), benignDescribeInstances()]),
      corrupt,
      invalid: await log('invalid', [nameless, benignDescribeInstances()]),
      digest,
    };
  });
  afterAll(async () => {
    await s3?.stop();
  });

  const item = (key: string, size = 100) => ({ Key: key, Size: size, Etag: '"x"', StorageClass: 'STANDARD' });

  it('scans every object of the batch, writes findings and error rows as JSON Lines, and reports counts', async () => {
    // Act
    const result = await handlerWith()({
      Items: [
        item(keys.publicAcl),
        item(keys.benign),
        item(keys.corrupt),
        item(keys.invalid),
        item(keys.digest),
      ],
      BatchInput: { bucket: TRAIL, runId: 'run-1' },
    });

    // Assess: the counts
    expect(BacktestBatchResultSchema.parse(result)).toEqual({
      objects: 5,
      skippedObjects: 1,
      unreadableObjects: 1,
      events: 5,
      findings: 1,
      errors: 2,
      decisions: expect.any(Object),
      findingsObject: expect.stringMatching(
        /^s3:\/\/backtest-findings\/backtest\/run-1\/findings\/[0-9a-f]{24}\.jsonl$/,
      ),
    });
    expect(Object.values(result.decisions).reduce((a, b) => a + b, 0)).toBe(5);

    // Assess: the findings object, in input order
    const lines = await readLines(result.findingsObject as string);
    expect(lines).toHaveLength(3);
    const finding = lines[0] as unknown as FindingRow;
    expect(finding.eventName).toBe('PutBucketAcl');
    expect(finding.detections.map((d) => d.id)).toContain('s3.bucket-acl-public');
    expect(finding.decision.action).not.toBe('LOG_ONLY');
    expect(finding.source).toEqual({ file: `s3://${TRAIL}/${keys.publicAcl}`, index: 1 });
    expect(lines[1]).toEqual({
      error: expect.stringMatching(/^unreadable object: gzip data does not decompress/),
      file: `s3://${TRAIL}/${keys.corrupt}`,
    });
    expect(lines[2]).toMatchObject({
      error: expect.stringMatching(/^invalid CloudTrail record: .*eventName/),
      file: `s3://${TRAIL}/${keys.invalid}`,
      index: 0,
      eventId: 'nameless-1',
    });
  });

  it('fetches a few objects ahead of the scan, never more than objectsInFlight, and keeps their order', async () => {
    // Prepare: a client that counts the GetObject calls in flight (until the body has been read).
    let inFlight = 0;
    let peak = 0;
    const counting = {
      send: async (command: { constructor: { name: string } }, options?: unknown) => {
        if (command.constructor.name !== 'GetObjectCommand')
          return s3.client.send(command as never, options as never);
        inFlight++;
        peak = Math.max(peak, inFlight);
        const response = (await s3.client.send(command as never, options as never)) as {
          Body: NodeJS.ReadableStream;
        };
        response.Body.on('end', () => inFlight--);
        return response;
      },
    } as unknown as S3Client;
    const keysInOrder = [keys.publicAcl, keys.benign, keys.invalid, keys.benign, keys.publicAcl];

    // Act
    const result = await createBacktestHandler({
      s3: counting,
      findingsBucket: FINDINGS,
      findingsPrefix: 'backtest/',
      policy: DEFAULT_POLICY,
      clock: { now: () => NOW },
      objectsInFlight: 2,
    })({ Items: keysInOrder.map((key) => item(key)), BatchInput: { bucket: TRAIL, runId: 'run-ahead' } });

    // Assess
    expect(peak).toBe(2);
    const lines = await readLines(result.findingsObject as string);
    expect(lines.map((line) => (line.source as { file: string } | undefined)?.file ?? line.file)).toEqual([
      `s3://${TRAIL}/${keys.publicAcl}`,
      `s3://${TRAIL}/${keys.invalid}`,
      `s3://${TRAIL}/${keys.publicAcl}`,
    ]);
  });

  it('writes a retried batch to the same findings object (no second copy)', async () => {
    const batch = { Items: [item(keys.publicAcl)], BatchInput: { bucket: TRAIL, runId: 'run-2' } };
    const first = await handlerWith()(batch);
    const second = await handlerWith()(batch);
    expect(second.findingsObject).toBe(first.findingsObject);
    expect(await s3.listKeys(FINDINGS, 'backtest/run-2/')).toHaveLength(1);
  });

  it('writes nothing for a batch without findings or errors', async () => {
    const result = await handlerWith()({
      Items: [item(keys.benign)],
      BatchInput: { bucket: TRAIL, runId: 'run-3' },
    });
    expect(result).toMatchObject({ events: 2, findings: 0, errors: 0, findingsObject: null });
    expect(await s3.listKeys(FINDINGS, 'backtest/run-3/')).toEqual([]);
  });

  it('keeps an object that is gone as an error row', async () => {
    const result = await handlerWith()({
      Items: [item('AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/24/gone.json.gz')],
      BatchInput: { bucket: TRAIL, runId: 'run-4' },
    });
    expect(result).toMatchObject({ unreadableObjects: 1, errors: 1 });
    expect(await readLines(result.findingsObject as string)).toEqual([
      expect.objectContaining({ error: expect.stringMatching(/^unreadable object: NoSuchKey/) }),
    ]);
  });

  it('throws a failure a retry may fix, so the Map retries the batch', async () => {
    const serverFault = Object.assign(new Error('We encountered an internal error'), {
      name: 'InternalError',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
    });
    const failing = { send: async () => Promise.reject(serverFault) } as unknown as S3Client;
    await expect(
      handlerWith(failing)({ Items: [item(keys.benign)], BatchInput: { bucket: TRAIL, runId: 'run-5' } }),
    ).rejects.toBe(serverFault);
  });

  it('rejects what is not an ItemBatcher batch, saying which field', async () => {
    await expect(handlerWith()({ Items: [], BatchInput: { bucket: TRAIL, runId: 'r' } })).rejects.toThrow(
      /a batch has at least one item/,
    );
    await expect(
      handlerWith()({ Items: [item(keys.benign)], BatchInput: { bucket: TRAIL, runId: '../escape' } }),
    ).rejects.toThrow(/runId must be/);
  });
});
