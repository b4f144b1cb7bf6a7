import type { RemediationRequest } from '@aisaws/core/schemas';
import { createTables, type RunningDynalite, startDynalite } from '@aisaws/testing/harness';
import { type DecidedEventOptions, publicBucketDecidedEvent } from '@aisaws/testing/workflow';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRemediationHandler, sameClientsForEveryAccount } from '../src/create-remediation-handler.js';
import { fakeBucketPlaybook } from './fake-playbook.js';

const TABLE = 'test-events';
const NOW = new Date('2026-03-01T12:00:00Z');
let dynalite: RunningDynalite;
let counter = 0;

beforeAll(async () => {
  dynalite = await startDynalite();
  await createTables(dynalite.client, { events: TABLE });
});
afterAll(async () => {
  await dynalite.stop();
});

/** A decided event with its events item in the given status. */
async function seededEvent(status: string, decision: DecidedEventOptions['decision'] = {}) {
  counter += 1;
  const event = publicBucketDecidedEvent({ eventId: `evt-${counter}`, decision });
  await dynalite.client.send(
    new PutItemCommand({
      TableName: TABLE,
      Item: { eventId: { S: event.eventId }, status: { S: status }, timeline: { M: {} } },
    }),
  );
  return event;
}

async function item(eventId: string) {
  const { Item } = await DynamoDBDocumentClient.from(dynalite.client).send(
    new GetCommand({ TableName: TABLE, Key: { eventId } }),
  );
  return Item;
}

function handlerWith(playbook: ReturnType<typeof fakeBucketPlaybook>['playbook']) {
  return createRemediationHandler({
    dynamo: dynalite.client,
    eventsTable: TABLE,
    clientsFor: sameClientsForEveryAccount(() => {
      throw new Error('the fake playbook builds no client');
    }),
    playbookFor: (id) => {
      if (id !== playbook.id) throw new Error(`unexpected playbook ${id}`);
      return playbook;
    },
    clock: { now: () => NOW },
  });
}

describe('createRemediationHandler', () => {
  it('snapshot: reads the prior state, stores it on the item and moves DECIDED → REMEDIATING', async () => {
    // Prepare
    const fake = fakeBucketPlaybook({ public: true });
    const event = await seededEvent('DECIDED');
    // Act
    const result = await handlerWith(fake.playbook)({ schemaVersion: 1, action: 'snapshot', event });
    // Assess
    const expectedSnapshot = {
      playbook: 's3.make-bucket-private',
      resource: event.detections[0]?.resource,
      takenAt: NOW.toISOString(),
      state: { public: true },
    };
    expect(result).toEqual({
      schemaVersion: 1,
      eventId: event.eventId,
      action: 'snapshot',
      playbook: 's3.make-bucket-private',
      status: 'snapshot-taken',
      snapshot: expectedSnapshot,
      changes: [],
      at: NOW.toISOString(),
    });
    expect(await item(event.eventId)).toMatchObject({
      status: 'REMEDIATING',
      snapshot: expectedSnapshot,
      timeline: { snapshot: NOW.toISOString() },
    });
    expect(fake.calls.map((c) => c.operation)).toEqual(['snapshot']);
  });

  it('snapshot replayed on a REMEDIATING item returns the stored snapshot; on a finished item it refuses', async () => {
    const fake = fakeBucketPlaybook({ public: true });
    const event = await seededEvent('DECIDED');
    const handler = handlerWith(fake.playbook);
    const first = await handler({ schemaVersion: 1, action: 'snapshot', event });
    fake.resource.public = false; // the world changed meanwhile: the stored snapshot must win
    const replay = await handler({ schemaVersion: 1, action: 'snapshot', event });
    expect(replay.snapshot).toEqual(first.snapshot);

    const finished = await seededEvent('VERIFIED');
    await expect(handler({ schemaVersion: 1, action: 'snapshot', event: finished })).rejects.toThrow(
      expect.objectContaining({
        name: 'EventStateConflictError',
        message: expect.stringContaining('is VERIFIED'),
      }),
    );
  });

  it('apply: runs the playbook with the snapshot state and records the remediation on the item', async () => {
    const fake = fakeBucketPlaybook({ public: true });
    const event = await seededEvent('DECIDED');
    const handler = handlerWith(fake.playbook);
    const { snapshot } = await handler({ schemaVersion: 1, action: 'snapshot', event });
    const result = await handler({ schemaVersion: 1, action: 'apply', event, snapshot });
    expect(result).toMatchObject({
      action: 'apply',
      status: 'applied',
      changes: ['PutBucketAcl demo-bucket: private'],
    });
    expect(fake.calls.at(-1)).toMatchObject({ operation: 'apply', state: { public: true } });
    expect(fake.resource.public).toBe(false);
    expect(await item(event.eventId)).toMatchObject({
      status: 'REMEDIATING',
      remediation: { status: 'applied', changes: ['PutBucketAcl demo-bucket: private'] },
      timeline: { applied: NOW.toISOString() },
    });
  });

  it('apply in dry run: describes the fix, changes nothing', async () => {
    const fake = fakeBucketPlaybook({ public: true });
    const event = await seededEvent('DECIDED', { dryRun: true });
    const handler = handlerWith(fake.playbook);
    const { snapshot } = await handler({ schemaVersion: 1, action: 'snapshot', event });
    const result = await handler({ schemaVersion: 1, action: 'apply', event, snapshot });
    expect(result.status).toBe('dry-run');
    expect(result.changes[0]).toContain('would apply s3.make-bucket-private to AWS::S3::Bucket demo-bucket');
    expect(fake.calls.map((c) => c.operation)).toEqual(['snapshot']);
    expect(fake.resource.public).toBe(true);
  });

  it('rollback without a snapshot in the request restores the one stored on the item', async () => {
    const fake = fakeBucketPlaybook({ public: true });
    const event = await seededEvent('DECIDED');
    const handler = handlerWith(fake.playbook);
    const { snapshot } = await handler({ schemaVersion: 1, action: 'snapshot', event });
    await handler({ schemaVersion: 1, action: 'apply', event, snapshot });
    const result = await handler({ schemaVersion: 1, action: 'rollback', event });
    expect(result).toMatchObject({
      action: 'rollback',
      status: 'rolled-back',
      changes: ['PutBucketAcl demo-bucket: restored public=true'],
    });
    expect(fake.resource.public).toBe(true);
    expect(await item(event.eventId)).toMatchObject({
      rollback: { changes: ['PutBucketAcl demo-bucket: restored public=true'] },
    });
  });

  it('rollback with no snapshot anywhere fails with SnapshotNotFoundError', async () => {
    const fake = fakeBucketPlaybook({ public: true });
    const event = await seededEvent('DECIDED');
    await expect(handlerWith(fake.playbook)({ schemaVersion: 1, action: 'rollback', event })).rejects.toThrow(
      expect.objectContaining({ name: 'SnapshotNotFoundError' }),
    );
    expect(fake.calls).toEqual([]);
  });

  it('turns a throttled SDK error into AwsThrottledError (retried by the workflow) and leaves other errors as they are', async () => {
    const fake = fakeBucketPlaybook({ public: true });
    const event = await seededEvent('DECIDED');
    const handler = handlerWith(fake.playbook);
    fake.failNext(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(handler({ schemaVersion: 1, action: 'snapshot', event })).rejects.toThrow(
      expect.objectContaining({
        name: 'AwsThrottledError',
        message: expect.stringContaining('ThrottlingException: Rate exceeded'),
      }),
    );
    fake.failNext(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    await expect(handler({ schemaVersion: 1, action: 'snapshot', event })).rejects.toThrow(
      expect.objectContaining({ name: 'AccessDenied' }),
    );
  });

  it('refuses a decision without a playbook (NothingToRemediateError) and input that is not a RemediationRequest', async () => {
    const fake = fakeBucketPlaybook({ public: true });
    const event = await seededEvent('DECIDED', { playbook: null });
    const handler = handlerWith(fake.playbook);
    await expect(
      handler({ schemaVersion: 1, action: 'snapshot', event } satisfies RemediationRequest),
    ).rejects.toThrow(
      expect.objectContaining({
        name: 'NothingToRemediateError',
        message: expect.stringContaining('decision.playbook is null'),
      }),
    );
    await expect(handler({ schemaVersion: 1, action: 'delete-everything', event })).rejects.toThrow(/action/);
  });
});
