import { toIngestedEvent } from '@aisaws/core/events';
import { securityGroupOpenToWorldOnSsh } from '@aisaws/testing/fixtures';
import { createTables, type RunningDynalite, startDynalite } from '@aisaws/testing/harness';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDefaultScoringHandler, type ScoringDeps } from '../src/index.js';

const TABLES = { events: 'aisaws-it-events', baseline: 'aisaws-it-baseline' };
let dynamo: RunningDynalite;
let deps: ScoringDeps;

beforeAll(async () => {
  dynamo = await startDynalite();
  await createTables(dynamo.client, TABLES);
  deps = {
    dynamo: dynamo.client,
    eventsTable: TABLES.events,
    baselineTable: TABLES.baseline,
    clock: { now: () => new Date('2026-11-25T08:00:05.000Z') },
  };
});

afterAll(async () => {
  await dynamo?.stop();
});

describe('default scoring against dynalite', () => {
  it('scores a RECEIVED event, records SCORED with the risk, and answers a redelivery identically', async () => {
    // Prepare: the item as Ingest leaves it
    const event = toIngestedEvent(securityGroupOpenToWorldOnSsh(), {
      receivedAt: '2026-11-25T08:00:00.000Z',
    });
    await dynamo.client.send(
      new PutItemCommand({
        TableName: TABLES.events,
        Item: {
          eventId: { S: event.eventId },
          status: { S: 'RECEIVED' },
          timeline: { M: { received: { S: event.receivedAt } } },
        },
      }),
    );
    const handler = createDefaultScoringHandler(deps);
    // Act
    const first = await handler(event);
    const again = await createDefaultScoringHandler(deps)(structuredClone(event));
    // Assess
    expect(again).toEqual(first);
    const { Item } = await dynamo.client.send(
      new GetItemCommand({ TableName: TABLES.events, Key: { eventId: { S: event.eventId } } }),
    );
    expect(Item?.status?.S).toBe('SCORED');
    expect(Number(Item?.risk?.M?.score?.N)).toBe(first.risk.score);
    expect(Item?.timeline?.M?.received?.S).toBe(event.receivedAt);
    expect(Item?.timeline?.M?.scored?.S).toBe('2026-11-25T08:00:05.000Z');
  });
});
