import { DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createTables,
  type RunningDynalite,
  type RunningS3rver,
  startDynalite,
  startS3rver,
  tableNamesWithPrefix,
} from '../src/harness/index.js';

describe('startDynalite + createTables', () => {
  let dynamo: RunningDynalite;
  const names = tableNamesWithPrefix('harness');

  beforeAll(async () => {
    dynamo = await startDynalite();
    await createTables(dynamo.client, names);
  });
  afterAll(async () => {
    await dynamo.stop();
  });

  it('listens on a loopback ephemeral port', () => {
    expect(dynamo.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(dynamo.endpoint).not.toBe('http://127.0.0.1:4567');
  });

  it('creates the baseline table with the contract key schema (pk HASH, sk RANGE)', async () => {
    // Act
    const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: names.baseline }));
    // Assess
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
  });

  it('stores and reads back an events item keyed on eventId', async () => {
    // Prepare
    const item = { eventId: { S: 'e-1' }, status: { S: 'RECEIVED' } };
    // Act
    await dynamo.client.send(new PutItemCommand({ TableName: names.events, Item: item }));
    const { Item } = await dynamo.client.send(
      new GetItemCommand({ TableName: names.events, Key: { eventId: { S: 'e-1' } } }),
    );
    // Assess
    expect(Item).toEqual(item);
  });

  it('refuses an item without the partition key', async () => {
    await expect(
      dynamo.client.send(new PutItemCommand({ TableName: names.state, Item: { other: { S: 'x' } } })),
    ).rejects.toThrow(/key/i);
  });
});

describe('startS3rver', () => {
  let s3: RunningS3rver;

  beforeAll(async () => {
    s3 = await startS3rver();
    await s3.createBucket('harness-bucket');
  });
  afterAll(async () => {
    await s3.stop();
  });

  it('writes objects that listKeys and readJson read back', async () => {
    // Act
    await s3.client.send(
      new PutObjectCommand({ Bucket: 'harness-bucket', Key: 'raw/a/b.json', Body: '{"ok":true}' }),
    );
    await s3.client.send(new PutObjectCommand({ Bucket: 'harness-bucket', Key: 'other.json', Body: '{}' }));
    // Assess
    expect(await s3.listKeys('harness-bucket', 'raw/')).toEqual(['raw/a/b.json']);
    expect(await s3.readJson('harness-bucket', 'raw/a/b.json')).toEqual({ ok: true });
  });

  it('fails on a bucket that does not exist', async () => {
    await expect(s3.readJson('missing-bucket', 'x.json')).rejects.toThrow();
  });
});
