import { toIngestedEvent } from '@aisaws/core/events';
import { trailLoggingStopped } from '@aisaws/testing/fixtures';
import {
  createTables,
  emulatedLambdaEnvironment,
  fakeLambdaContext,
  type RunningDynalite,
  startDynalite,
} from '@aisaws/testing/harness';
import { GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Context } from 'aws-lambda';

// The deployed entry point (Parser, Logger, Metrics, Idempotency via middy) against dynalite, found through
// AWS_ENDPOINT_URL_DYNAMODB by the client deps.ts builds.
const TABLES = {
  events: 'aisaws-h-events',
  baseline: 'aisaws-h-baseline',
  idempotency: 'aisaws-h-idempotency',
};
let dynamo: RunningDynalite;
let handler: (event: unknown, context: Context) => Promise<unknown>;
const saved = { ...process.env };
const context = fakeLambdaContext('aisaws-test-scoring');

beforeAll(async () => {
  dynamo = await startDynalite();
  await createTables(dynamo.client, TABLES);
  Object.assign(process.env, {
    EVENTS_TABLE: TABLES.events,
    BASELINE_TABLE: TABLES.baseline,
    IDEMPOTENCY_TABLE: TABLES.idempotency,
    ...emulatedLambdaEnvironment({ dynamodb: dynamo.endpoint }),
  });
  ({ handler } = (await import('../src/handler.js')) as unknown as { handler: typeof handler });
});

afterAll(async () => {
  process.env = saved;
  await dynamo?.stop();
});

describe('Scoring handler (Powertools middleware) against dynalite', () => {
  it('scores once: a redelivery returns the stored result, the item is SCORED', async () => {
    // Prepare
    const event = toIngestedEvent(trailLoggingStopped(), { receivedAt: '2026-11-25T08:00:00.000Z' });
    await dynamo.client.send(
      new PutItemCommand({
        TableName: TABLES.events,
        Item: { eventId: { S: event.eventId }, status: { S: 'RECEIVED' }, timeline: { M: {} } },
      }),
    );
    // Act
    const first = (await handler(event, context)) as { risk: { score: number } };
    const second = await handler(structuredClone(event), context);
    // Assess
    expect(second).toEqual(first);
    const { Item } = await dynamo.client.send(
      new GetItemCommand({ TableName: TABLES.events, Key: { eventId: { S: event.eventId } } }),
    );
    expect(Item?.status?.S).toBe('SCORED');
    const idempotency = await dynamo.client.send(new ScanCommand({ TableName: TABLES.idempotency }));
    expect(idempotency.Items?.map((item) => item.status?.S)).toEqual(['COMPLETED']);
  });

  it('rejects an input that is not an Ingest output before scoring', async () => {
    await expect(handler({ eventId: 'not-an-ingest-output' }, context)).rejects.toThrow();
    const idempotency = await dynamo.client.send(new ScanCommand({ TableName: TABLES.idempotency }));
    expect(idempotency.Items).toHaveLength(1);
  });
});
