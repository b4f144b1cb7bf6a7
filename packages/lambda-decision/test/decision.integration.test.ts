import { parsePolicy } from '@aisaws/core/policy';
import type { ScoredEvent } from '@aisaws/core/schemas';
import { benignDescribeInstances, bucketMadePublicByAcl } from '@aisaws/testing/fixtures';
import { createTables, type RunningDynalite, startDynalite } from '@aisaws/testing/harness';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { createDecisionHandler, type DecisionDeps } from '../src/index.js';
import { scoredEvent } from './scored-events.js';

const TABLES = { events: 'aisaws-it-events', state: 'aisaws-it-state' };
const MAX_AUTO = 2;
const taggingMock = mockClient(ResourceGroupsTaggingAPIClient);
let dynamo: RunningDynalite;
let deps: DecisionDeps;

beforeAll(async () => {
  dynamo = await startDynalite();
  await createTables(dynamo.client, TABLES);
  deps = {
    dynamo: dynamo.client,
    tagging: new ResourceGroupsTaggingAPIClient({ region: 'eu-west-1' }),
    eventsTable: TABLES.events,
    stateTable: TABLES.state,
    policy: parsePolicy({ rateLimit: { maxAutoRemediations: MAX_AUTO, windowMinutes: 60 } }),
    clock: { now: () => new Date('2026-11-25T10:30:00.000Z') },
  };
});

beforeEach(() => {
  taggingMock.reset();
  taggingMock.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
});

afterAll(async () => {
  await dynamo?.stop();
});

/** Scores the event's item as the Scoring stage leaves it (status SCORED). */
async function scoredItem(score: number, record = bucketMadePublicByAcl()): Promise<ScoredEvent> {
  const event = scoredEvent(record, score);
  await dynamo.client.send(
    new PutItemCommand({
      TableName: TABLES.events,
      Item: {
        eventId: { S: event.eventId },
        status: { S: 'SCORED' },
        timeline: { M: { received: { S: event.receivedAt } } },
      },
    }),
  );
  return event;
}

async function counter(): Promise<number | undefined> {
  const { Item } = await dynamo.client.send(
    new GetItemCommand({ TableName: TABLES.state, Key: { pk: { S: 'ratelimit#2026-11-25T10:00:00.000Z' } } }),
  );
  return Item?.count?.N === undefined ? undefined : Number(Item.count.N);
}

describe('decision against dynalite', () => {
  it('trips the circuit breaker after N automatic remediations in the window; redeliveries and LOG_ONLY take no slot', async () => {
    // Prepare
    const handler = createDecisionHandler(deps);
    const autoCandidates = [await scoredItem(0.9), await scoredItem(0.9), await scoredItem(0.9)];
    const benign = await scoredItem(0.05, benignDescribeInstances());
    // Act
    const first = await handler(autoCandidates[0]);
    const firstAgain = await handler(autoCandidates[0]);
    const logged = await handler(benign);
    const second = await handler(autoCandidates[1]);
    const third = await handler(autoCandidates[2]);
    // Assess
    expect(first.decision.action).toBe('AUTO_REMEDIATE');
    expect(firstAgain).toEqual(first);
    expect(logged.decision.action).toBe('LOG_ONLY');
    expect(second.decision.action).toBe('AUTO_REMEDIATE');
    expect(third.decision.action).toBe('HUMAN_APPROVAL');
    expect(third.decision.reason).toContain(`limit of ${MAX_AUTO}`);
    expect(await counter()).toBe(MAX_AUTO);
  });

  it('stops fixing a resource that keeps coming back (loop breaker → ALERT) while other resources are still fixed', async () => {
    // Prepare: the default policy (3 fixes per resource per hour, 50 in all), another hour than the test above.
    const handler = createDecisionHandler({
      ...deps,
      policy: parsePolicy({}),
      clock: { now: () => new Date('2026-11-25T12:30:00.000Z') },
    });
    const looping = [];
    for (let index = 0; index < 5; index += 1)
      looping.push(await scoredItem(0.9, bucketMadePublicByAcl('looping')));
    const other = await scoredItem(0.9, bucketMadePublicByAcl('other'));
    // Act
    const actions = [];
    for (const event of looping) actions.push((await handler(event)).decision);
    const otherDecision = (await handler(other)).decision;
    // Assess
    expect(actions.map((decision) => decision.action)).toEqual([
      'AUTO_REMEDIATE',
      'AUTO_REMEDIATE',
      'AUTO_REMEDIATE',
      'ALERT',
      'ALERT',
    ]);
    expect(actions[3]?.reason).toContain(
      'loop breaker: arn:aws:s3:::looping was already fixed automatically 3 times in the last 60 min (limit 3)',
    );
    expect(otherDecision.action).toBe('AUTO_REMEDIATE');
    const { Item } = await dynamo.client.send(
      new GetItemCommand({
        TableName: TABLES.state,
        Key: { pk: { S: 'fixes#arn:aws:s3:::looping#2026-11-25T12:00:00.000Z' } },
      }),
    );
    expect(Item?.count?.N).toBe('3');
  });

  it('records status DECIDED, the decision and timeline.decided on the events item', async () => {
    // Prepare
    const event = await scoredItem(0.5, benignDescribeInstances());
    // Act
    const decided = await createDecisionHandler(deps)(event);
    // Assess
    const { Item } = await dynamo.client.send(
      new GetItemCommand({ TableName: TABLES.events, Key: { eventId: { S: event.eventId } } }),
    );
    expect(Item?.status?.S).toBe('DECIDED');
    expect(Item?.decision?.M?.action?.S).toBe(decided.decision.action);
    expect(Item?.decision?.M?.reason?.S).toBe(decided.decision.reason);
    expect(Item?.timeline?.M?.decided?.S).toBe('2026-11-25T10:30:00.000Z');
    expect(Item?.timeline?.M?.received?.S).toBe(event.receivedAt);
  });
});
