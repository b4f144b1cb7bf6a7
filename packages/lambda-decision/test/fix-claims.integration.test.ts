import { parseFindingEvent, toIngestedEventFromFinding } from '@aisaws/core/findings';
import { parsePolicy } from '@aisaws/core/policy';
import type { ScoredEvent } from '@aisaws/core/schemas';
import { bucketAnonymousAccessGranted, bucketMadePublicByAcl } from '@aisaws/testing/fixtures';
import { createTables, type RunningDynalite, startDynalite } from '@aisaws/testing/harness';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { createDecisionHandler, type DecisionDeps } from '../src/index.js';
import { scoredEvent } from './scored-events.js';

// Real dynalite: the claim `fix#<playbook>#<resource>` is a conditional write in the state table.
const TABLES = { events: 'aisaws-claims-events', state: 'aisaws-claims-state' };
let dynamo: RunningDynalite;
let now = new Date('2026-11-25T10:30:00.000Z');
let deps: DecisionDeps;

beforeAll(async () => {
  dynamo = await startDynalite();
  await createTables(dynamo.client, TABLES);
  const tagging = new ResourceGroupsTaggingAPIClient({ region: 'eu-west-1' });
  mockClient(tagging).on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
  deps = {
    dynamo: dynamo.client,
    tagging,
    eventsTable: TABLES.events,
    stateTable: TABLES.state,
    policy: parsePolicy({ deduplication: { windowMinutes: 60 } }),
    clock: { now: () => now },
  };
});

afterAll(async () => {
  await dynamo?.stop();
});

async function scored(event: ScoredEvent): Promise<ScoredEvent> {
  await dynamo.client.send(
    new PutItemCommand({
      TableName: TABLES.events,
      Item: { eventId: { S: event.eventId }, status: { S: 'SCORED' }, timeline: { M: {} } },
    }),
  );
  return event;
}

function findingOnBucket(bucket: string, id: string): ScoredEvent {
  const parsed = parseFindingEvent(
    bucketAnonymousAccessGranted(bucket, { id, updatedAt: '2026-11-25T10:25:00.000Z' }),
  );
  if (!parsed.success) throw new Error(parsed.reason);
  return {
    ...toIngestedEventFromFinding(parsed.signal, { receivedAt: '2026-11-25T10:26:00.000Z' }),
    risk: { score: 0.9, model: { id: 'test-fixed', version: '1' }, explanation: [] },
  };
}

const callOnBucket = (bucket: string, eventID: string, eventTime: string) =>
  scoredEvent(bucketMadePublicByAcl(bucket, { eventID, eventTime }), 0.9);

describe('one fix per resource + playbook for one change (state table claims)', () => {
  it('a CloudTrail call made AFTER a finding claimed the fix is a new change: fixed again', async () => {
    // Prepare
    const handler = createDecisionHandler(deps);
    now = new Date('2026-11-25T10:30:00.000Z');
    const finding = await scored(findingOnBucket('claims-a', 'c1a1000000000000000000000000000a'));
    // Act
    const first = await handler(finding);
    const before = await handler(
      await scored(callOnBucket('claims-a', 'c1a1-before', '2026-11-25T10:20:00Z')),
    );
    now = new Date('2026-11-25T10:45:00.000Z');
    const after = await handler(await scored(callOnBucket('claims-a', 'c1a1-after', '2026-11-25T10:40:00Z')));
    // Assess
    expect(first.decision.action).toBe('AUTO_REMEDIATE');
    expect(before.decision.action).toBe('LOG_ONLY');
    expect(before.decision.reason).toContain(
      'is already handled by event finding:c1a1000000000000000000000000000a@',
    );
    expect(after.decision.action).toBe('AUTO_REMEDIATE');
  });

  it('two CloudTrail calls are two changes: both fixed; a finding after them is logged only', async () => {
    const handler = createDecisionHandler(deps);
    now = new Date('2026-11-25T11:00:00.000Z');
    const one = await handler(await scored(callOnBucket('claims-b', 'c1b1-one', '2026-11-25T10:58:00Z')));
    const two = await handler(await scored(callOnBucket('claims-b', 'c1b1-two', '2026-11-25T10:59:00Z')));
    const finding = await handler(
      await scored(findingOnBucket('claims-b', 'c1b1000000000000000000000000000b')),
    );
    expect([one.decision.action, two.decision.action]).toEqual(['AUTO_REMEDIATE', 'AUTO_REMEDIATE']);
    expect(finding.decision.action).toBe('LOG_ONLY');
    expect(finding.decision.reason).toContain('is already handled by event c1b1-two');
  });

  it('after the window, a finding claims the fix again', async () => {
    const handler = createDecisionHandler(deps);
    now = new Date('2026-11-25T12:00:00.000Z');
    await handler(await scored(callOnBucket('claims-c', 'c1c1-call', '2026-11-25T11:59:00Z')));
    now = new Date('2026-11-25T13:01:00.000Z');
    const late = await handler(await scored(findingOnBucket('claims-c', 'c1c1000000000000000000000000000c')));
    expect(late.decision.action).toBe('AUTO_REMEDIATE');
  });
});
