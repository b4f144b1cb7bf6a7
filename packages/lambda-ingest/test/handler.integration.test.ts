import { bucketMadePublicByAcl, eventBridgeEvent } from '@aisaws/testing/fixtures';
import {
  createTables,
  emulatedLambdaEnvironment,
  fakeLambdaContext,
  type RunningDynalite,
  type RunningS3rver,
  startDynalite,
  startS3rver,
} from '@aisaws/testing/harness';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Context } from 'aws-lambda';

// The deployed entry point (Powertools Logger, Metrics, Idempotency via middy) against dynalite + s3rver: the SDK
// clients built by deps.ts find the emulators through the standard AWS_ENDPOINT_URL_* variables.
const TABLES = { events: 'aisaws-h-events', idempotency: 'aisaws-h-idempotency' };
const BUCKET = 'aisaws-h-archive';
let dynamo: RunningDynalite;
let s3: RunningS3rver;
let handler: (event: unknown, context: Context) => Promise<unknown>;
const saved = { ...process.env };

const context = fakeLambdaContext('aisaws-test-ingest');

beforeAll(async () => {
  [dynamo, s3] = await Promise.all([startDynalite(), startS3rver()]);
  await createTables(dynamo.client, TABLES);
  await s3.createBucket(BUCKET);
  Object.assign(process.env, {
    ARCHIVE_BUCKET: BUCKET,
    EVENTS_TABLE: TABLES.events,
    IDEMPOTENCY_TABLE: TABLES.idempotency,
    ...emulatedLambdaEnvironment({ dynamodb: dynamo.endpoint, s3: s3.endpoint }),
  });
  ({ handler } = (await import('../src/handler.js')) as unknown as { handler: typeof handler });
});

afterAll(async () => {
  process.env = saved;
  await Promise.all([dynamo?.stop(), s3?.stop()]);
});

describe('Ingest handler (Powertools middleware) against dynalite + s3rver', () => {
  it('handles three deliveries of one event once: one idempotency record, one item, one object, same output', async () => {
    // Prepare
    const record = bucketMadePublicByAcl('handler-bucket');
    const event = eventBridgeEvent(record);
    // Act
    const outputs = [];
    for (let delivery = 0; delivery < 3; delivery += 1)
      outputs.push(await handler(structuredClone(event), context));
    // Assess
    expect(outputs[1]).toEqual(outputs[0]);
    expect(outputs[2]).toEqual(outputs[0]);
    const idempotency = await dynamo.client.send(new ScanCommand({ TableName: TABLES.idempotency }));
    expect(idempotency.Items?.map((item) => item.status?.S)).toEqual(['COMPLETED']);
    expect(idempotency.Items?.[0]?.data?.M?.eventId?.S).toBe(record.eventID);
    expect(idempotency.Items?.[0]?.data?.M?.receivedAt?.S).toBe(
      (outputs[0] as { receivedAt: string }).receivedAt,
    );
    const events = await dynamo.client.send(new ScanCommand({ TableName: TABLES.events }));
    expect(events.Items?.filter((item) => item.eventId?.S === record.eventID)).toHaveLength(1);
    expect((await s3.listKeys(BUCKET, 'raw/')).filter((key) => key.includes(record.eventID))).toHaveLength(1);
  });

  it('quarantines an invalid input and throws InvalidEventError by name', async () => {
    // Prepare
    const invalid = { ...eventBridgeEvent(bucketMadePublicByAcl()), source: 'custom.app' };
    // Act
    const error = await handler(invalid, context).catch((e: unknown) => e);
    // Assess
    expect((error as Error).name).toBe('InvalidEventError');
    expect((await s3.listKeys(BUCKET, 'quarantine/')).length).toBe(1);
  });
});
