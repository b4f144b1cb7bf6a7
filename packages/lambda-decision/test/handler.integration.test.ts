import { bucketMadePublicByAcl } from '@aisaws/testing/fixtures';
import {
  createTables,
  emulatedLambdaEnvironment,
  fakeLambdaContext,
  type RunningDynalite,
  startDynalite,
} from '@aisaws/testing/harness';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { scoredEvent } from './scored-events.js';

// The deployed entry point against dynalite, with the policy from POLICY_JSON. The Tagging API endpoint points at a
// closed port: the tag lookup fails and the decision goes on without tags, as it must.
const TABLES = { events: 'aisaws-h-events', state: 'aisaws-h-state', idempotency: 'aisaws-h-idempotency' };
let dynamo: RunningDynalite;
let handler: (event: unknown, context: Context) => Promise<{ decision: { action: string; dryRun: boolean } }>;
const saved = { ...process.env };
const context = fakeLambdaContext('aisaws-test-decision');

beforeAll(async () => {
  dynamo = await startDynalite();
  await createTables(dynamo.client, TABLES);
  Object.assign(process.env, {
    EVENTS_TABLE: TABLES.events,
    STATE_TABLE: TABLES.state,
    IDEMPOTENCY_TABLE: TABLES.idempotency,
    OWN_ACCOUNT_ID: '111111111111',
    TAG_READER_ROLE_NAME: 'aisaws-h-member-tag-reader',
    MEMBER_ROLE_EXTERNAL_ID: 'aisaws-h-external',
    POLICY_JSON: JSON.stringify({ dryRun: true, rateLimit: { maxAutoRemediations: 1 } }),
    ...emulatedLambdaEnvironment({ dynamodb: dynamo.endpoint }),
    AWS_MAX_ATTEMPTS: '1',
    AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API: 'http://127.0.0.1:9',
  });
  ({ handler } = (await import('../src/handler.js')) as unknown as { handler: typeof handler });
});

afterAll(async () => {
  process.env = saved;
  await dynamo?.stop();
});

describe('Decision handler (Powertools middleware) against dynalite', () => {
  it('decides with the POLICY_JSON policy, records DECIDED, and answers a redelivery identically', async () => {
    // Prepare
    const event = scoredEvent(bucketMadePublicByAcl('handler-bucket'), 0.9);
    await dynamo.client.send(
      new PutItemCommand({
        TableName: TABLES.events,
        Item: { eventId: { S: event.eventId }, status: { S: 'SCORED' }, timeline: { M: {} } },
      }),
    );
    // Act
    const first = await handler(event, context);
    const again = await handler(structuredClone(event), context);
    // Assess
    expect(first.decision).toMatchObject({ action: 'AUTO_REMEDIATE', dryRun: true });
    expect(again).toEqual(first);
    const { Item } = await dynamo.client.send(
      new GetItemCommand({ TableName: TABLES.events, Key: { eventId: { S: event.eventId } } }),
    );
    expect(Item?.status?.S).toBe('DECIDED');
  });
});
