import { IngestedEventSchema } from '@aisaws/core/schemas';
import { bucketMadePublicByAcl, eventBridgeEvent } from '@aisaws/testing/fixtures';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { createIngestHandler, InvalidEventError } from '../src/index.js';

/**
 * Property-based fuzzing of the Ingest handler's input (the EventBridge envelope around a CloudTrail record, or
 * anything else EventBridge or a person could hand it): whatever arrives, the handler either returns a valid
 * IngestedEvent or throws InvalidEventError with a message naming what is wrong — never another error — and a
 * refused input is kept: written whole to the quarantine prefix of the archive and announced on the queue.
 */

const NOW = new Date('2026-11-25T08:00:00.000Z');
const s3Mock = mockClient(S3Client);
const sqsMock = mockClient(SQSClient);
const documentsMock = mockClient(DynamoDBDocumentClient);

const handler = createIngestHandler({
  s3: new S3Client({ region: 'eu-west-1' }),
  dynamo: new DynamoDBClient({ region: 'eu-west-1' }),
  sqs: new SQSClient({ region: 'eu-west-1' }),
  archiveBucket: 'archive-bucket',
  eventsTable: 'events-table',
  quarantineQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/aisaws-fuzz-quarantine',
  ttlDays: 30,
  clock: { now: () => NOW },
});

beforeEach(() => {
  s3Mock.reset();
  sqsMock.reset();
  documentsMock.reset();
  s3Mock.on(PutObjectCommand).resolves({});
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  documentsMock.on(PutCommand).resolves({});
});

const validEnvelope = () =>
  JSON.parse(JSON.stringify(eventBridgeEvent(bucketMadePublicByAcl('fuzzed')))) as Record<string, unknown>;

/** A valid envelope with one field of the envelope or of its record replaced by any JSON value, or removed. */
const mutatedEnvelope = fc
  .record({
    where: fc.constantFrom('envelope', 'detail'),
    field: fc.constantFrom(
      'version',
      'id',
      'detail-type',
      'source',
      'account',
      'time',
      'region',
      'detail',
      'eventID',
      'eventName',
      'eventSource',
      'eventTime',
      'userIdentity',
      'requestParameters',
      'awsRegion',
      'recipientAccountId',
      'errorCode',
    ),
    value: fc.oneof(fc.jsonValue(), fc.constant(undefined)),
  })
  .map(({ where, field, value }) => {
    const envelope = validEnvelope();
    const target = where === 'envelope' ? envelope : (envelope.detail as Record<string, unknown>);
    if (value === undefined) delete target[field];
    else target[field] = value;
    return envelope as unknown;
  });

const anyInput = fc.oneof(fc.anything(), fc.jsonValue(), mutatedEnvelope);

/** Runs the handler on one input and checks the contract; resolves with what happened. */
async function ingestOnce(input: unknown): Promise<'ingested' | 'quarantined'> {
  s3Mock.resetHistory();
  sqsMock.resetHistory();
  try {
    const output = await handler(input);
    expect(IngestedEventSchema.safeParse(output).success).toBe(true);
    return 'ingested';
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as Error).message.length).toBeGreaterThan(10);
    const [kept] = s3Mock.commandCalls(PutObjectCommand);
    expect(kept?.args[0].input.Key).toMatch(/^quarantine\//);
    const body = JSON.parse(String(kept?.args[0].input.Body));
    expect((error as Error).message).toContain(body.reason);
    expect((error as Error).message).toContain(String(kept?.args[0].input.Key));
    expect(body.input).toEqual(JSON.parse(JSON.stringify(input ?? null) ?? 'null'));
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(1);
    return 'quarantined';
  }
}

describe('fuzzing the Ingest handler input (fast-check)', () => {
  it('never crashes: a valid IngestedEvent, or InvalidEventError with the input kept in quarantine', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(anyInput, async (input) => {
        seen.add(await ingestOnce(input));
      }),
      { numRuns: 300, seed: 20261125 },
    );
    // The generator reaches both sides of the contract.
    expect(seen).toEqual(new Set(['ingested', 'quarantined']));
  });
});
