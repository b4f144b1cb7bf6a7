import { DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createTables,
  localSqsQueue,
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

describe('localSqsQueue', () => {
  it('starts fauxqs on the first request only; sends, inspects, receives and deletes through the real SQS API', async () => {
    // Prepare
    const queue = localSqsQueue('harness-outbox');
    try {
      const before = { started: queue.started, depth: await queue.depth() };
      // Act
      await queue.client.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: 'kept' }));
      const afterSend = { started: queue.started, bodies: await queue.bodies() };
      const { Messages } = await queue.client.send(
        new ReceiveMessageCommand({ QueueUrl: queue.queueUrl, MaxNumberOfMessages: 10 }),
      );
      const inFlight = await queue.depth();
      await queue.client.send(
        new DeleteMessageCommand({ QueueUrl: queue.queueUrl, ReceiptHandle: Messages?.[0]?.ReceiptHandle }),
      );
      // Assess
      expect(before).toEqual({ started: false, depth: 0 });
      expect(afterSend).toEqual({ started: true, bodies: ['kept'] });
      expect(Messages?.map((message) => message.Body)).toEqual(['kept']);
      expect(inFlight).toBe(1);
      expect(await queue.depth()).toBe(0);
    } finally {
      await queue.stop();
    }
  });

  it('refuses a queue URL it does not hold, as SQS does', async () => {
    const queue = localSqsQueue('harness-known');
    try {
      const error = await queue.client
        .send(new SendMessageCommand({ QueueUrl: `${queue.queueUrl}-other`, MessageBody: 'x' }))
        .catch((caught: unknown) => caught);
      expect((error as Error).name).toMatch(/QueueDoesNotExist|NonExistentQueue/);
    } finally {
      await queue.stop();
    }
  });
});
