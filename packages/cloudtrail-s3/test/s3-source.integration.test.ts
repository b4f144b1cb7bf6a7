import { gzipSync } from 'node:zlib';
import {
  benignDescribeInstances,
  bucketMadePublicByAcl,
  cloudTrailLogKey,
  putCloudTrailLogObject,
  type RunningS3rver,
  startS3rver,
} from '@aisaws/testing';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type ListedObject,
  LogObjectError,
  listS3Objects,
  openS3Object,
  readLogObject,
} from '../src/index.js';

const BUCKET = 'org-cloudtrail';
const ACCOUNT = '111122223333';
const at = (iso: string) => new Date(iso);

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}

describe('CloudTrail objects in S3 (s3rver)', () => {
  let s3: RunningS3rver;
  const put = (key: string, body: Buffer | string) =>
    s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));

  beforeAll(async () => {
    s3 = await startS3rver();
    await s3.createBucket(BUCKET);
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it('lists every object under the prefix across ListObjectsV2 pages, in key order', async () => {
    // Prepare: five log files over two days and two regions.
    const keys: string[] = [];
    for (const [region, day, suffix] of [
      ['eu-west-1', '2026-11-24T10:05:00Z', 'a'],
      ['eu-west-1', '2026-11-24T10:10:00Z', 'b'],
      ['eu-west-1', '2026-11-25T09:00:00Z', 'c'],
      ['us-east-1', '2026-11-24T23:55:00Z', 'd'],
      ['us-east-1', '2026-11-25T00:05:00Z', 'e'],
    ] as const) {
      keys.push(
        await putCloudTrailLogObject(s3.client, BUCKET, {
          account: ACCOUNT,
          region,
          deliveredAt: at(day),
          suffix,
          records: [benignDescribeInstances()],
        }),
      );
    }
    // Act: two keys per page, so the listing needs three continuation tokens.
    const listed = await collect(
      listS3Objects(s3.client, { bucket: BUCKET, prefix: 'AWSLogs/' }, { pageSize: 2 }),
    );

    // Assess
    const read = listed.filter((o): o is Extract<ListedObject, { kind: 'object' }> => o.kind === 'object');
    expect(read.map((o) => o.key)).toEqual([...keys].sort());
    expect(read[0]?.name).toBe(`s3://${BUCKET}/${[...keys].sort()[0]}`);
    expect(read.every((o) => o.size > 0)).toBe(true);
  });

  it('lists CloudTrail digest files as skipped, never as logs to read', async () => {
    // Own account and one page: s3rver orders `CloudTrail-Digest/` after `CloudTrail/` (S3 orders it before) and
    // drops keys across pages when the two orders differ, so this case stays on one page.
    const account = '444455556666';
    const digest = `AWSLogs/${account}/CloudTrail-Digest/eu-west-1/2026/11/24/${account}_CloudTrail-Digest_x.json.gz`;
    await put(digest, gzipSync('{}'));
    const log = await putCloudTrailLogObject(s3.client, BUCKET, {
      account,
      region: 'eu-west-1',
      deliveredAt: at('2026-11-24T10:05:00Z'),
      suffix: 'a',
      records: [benignDescribeInstances()],
    });

    const listed = await collect(listS3Objects(s3.client, { bucket: BUCKET, prefix: `AWSLogs/${account}/` }));

    expect(listed.map((o) => [o.key, o.kind === 'skipped' ? o.reason : 'read'])).toEqual(
      expect.arrayContaining([
        [log, 'read'],
        [digest, 'CloudTrail digest'],
      ]),
    );
    expect(listed).toHaveLength(2);
  });

  it('narrows to a prefix: one region of one account', async () => {
    const listed = await collect(
      listS3Objects(s3.client, { bucket: BUCKET, prefix: `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/` }),
    );
    expect(listed.map((o) => o.key.split('/')[3])).toEqual(['us-east-1', 'us-east-1']);
  });

  it('streams a gzip log file and reads its records in order, counting the stored bytes', async () => {
    // Prepare
    const records = [benignDescribeInstances(), bucketMadePublicByAcl('reports'), benignDescribeInstances()];
    const key = await putCloudTrailLogObject(s3.client, BUCKET, {
      account: ACCOUNT,
      region: 'eu-central-1',
      deliveredAt: at('2026-11-26T12:00:00Z'),
      suffix: 'records',
      records,
    });
    let bytes = 0;

    // Act
    const entries = await readLogObject(await openS3Object(s3.client, { bucket: BUCKET, key }), {
      onBytes: (n) => {
        bytes += n;
      },
    });

    // Assess
    expect(entries.map((e) => e.kind === 'record' && (e.value as { eventID: string }).eventID)).toEqual(
      records.map((r) => r.eventID),
    );
    const [listed] = await collect(listS3Objects(s3.client, { bucket: BUCKET, prefix: key }));
    expect(bytes).toBe(listed?.size);
  });

  it('rejects a corrupt gzip object with a LogObjectError that says so', async () => {
    const good = gzipSync(JSON.stringify({ Records: [benignDescribeInstances()] }));
    const corrupt = Buffer.concat([
      good.subarray(0, 10),
      Buffer.from('not deflate data at all'),
      good.subarray(10),
    ]);
    const key = cloudTrailLogKey({
      account: ACCOUNT,
      region: 'eu-north-1',
      deliveredAt: at('2026-11-26T00:00:00Z'),
      suffix: 'bad',
    });
    await put(key, corrupt);

    const reading = readLogObject(await openS3Object(s3.client, { bucket: BUCKET, key }));

    await expect(reading).rejects.toThrow(LogObjectError);
    await expect(readLogObject(await openS3Object(s3.client, { bucket: BUCKET, key }))).rejects.toThrow(
      /gzip data does not decompress/,
    );
  });

  it('rejects a truncated gzip object (a delivery cut short)', async () => {
    const whole = gzipSync(
      JSON.stringify({ Records: [benignDescribeInstances(), benignDescribeInstances()] }),
    );
    const key = 'truncated/log.json.gz';
    await put(key, whole.subarray(0, Math.floor(whole.length / 2)));

    await expect(readLogObject(await openS3Object(s3.client, { bucket: BUCKET, key }))).rejects.toThrow(
      /gzip data does not decompress|invalid JSON/,
    );
  });

  it('fails an object over the size limit instead of holding it', async () => {
    const key = 'large/log.json.gz';
    await put(
      key,
      gzipSync(JSON.stringify({ Records: Array.from({ length: 50 }, () => benignDescribeInstances()) })),
    );

    await expect(
      readLogObject(await openS3Object(s3.client, { bucket: BUCKET, key }), { maxBytes: 4096 }),
    ).rejects.toThrow('larger than 4096 bytes once decompressed');
  });

  it('reads JSON Lines of records and EventBridge events, keeping a bad line as an error with its number', async () => {
    const record = benignDescribeInstances();
    const wrapped = { 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.ec2', detail: record };
    const key = 'lines/events.jsonl.gz';
    await put(
      key,
      gzipSync([JSON.stringify(record), '{"broken":', JSON.stringify(wrapped), '42', ''].join('\n')),
    );

    const entries = await readLogObject(await openS3Object(s3.client, { bucket: BUCKET, key }));

    expect(entries.map((e) => (e.kind === 'record' ? 'record' : `error@${e.line}`))).toEqual([
      'record',
      'error@2',
      'record',
      'error@4',
    ]);
    expect(entries[1]).toMatchObject({ kind: 'error', error: expect.stringMatching(/^invalid JSON/) });
  });

  it('says when a key does not exist', async () => {
    await expect(openS3Object(s3.client, { bucket: BUCKET, key: 'no/such/key.json.gz' })).rejects.toThrow(
      expect.objectContaining({ name: 'NoSuchKey' }),
    );
  });
});
