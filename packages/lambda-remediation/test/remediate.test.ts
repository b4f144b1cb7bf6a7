import { signRollbackApproval } from '@aisaws/core/approval';
import type { RemediationRequest } from '@aisaws/core/schemas';
import { createTables, type RunningDynalite, startDynalite } from '@aisaws/testing/harness';
import { type DecidedEventOptions, publicBucketDecidedEvent } from '@aisaws/testing/workflow';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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

const KEY = 'test-approval-key';

const documents = () =>
  DynamoDBDocumentClient.from(dynalite.client, { marshallOptions: { removeUndefinedValues: true } });

/** A decided event with its events item (decision and detections as Decide stored them) in the given status. */
async function seededEvent(status: string, decision: DecidedEventOptions['decision'] = {}) {
  counter += 1;
  const event = publicBucketDecidedEvent({ eventId: `evt-${counter}`, decision });
  await documents().send(
    new PutCommand({
      TableName: TABLE,
      Item: {
        eventId: event.eventId,
        status,
        timeline: {},
        decision: event.decision,
        detections: event.detections,
      },
    }),
  );
  return event;
}

/** What Record Verified writes at the end of the remediation workflow. */
async function markVerified(eventId: string, observed: Record<string, unknown>) {
  await documents().send(
    new UpdateCommand({
      TableName: TABLE,
      Key: { eventId },
      UpdateExpression: 'SET #status = :verified, verification = :verification',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':verified': 'VERIFIED',
        ':verification': {
          status: 'converged',
          observed: JSON.stringify(observed),
          checkedAt: NOW.toISOString(),
        },
      },
    }),
  );
}

function approvalFor(
  eventId: string,
  overrides: { expiresAt?: number; key?: string; approvedAt?: string } = {},
) {
  return signRollbackApproval(
    {
      eventId,
      approvedBy: 'secops@example.com',
      approvedAt: overrides.approvedAt ?? NOW.toISOString(),
      expiresAt: overrides.expiresAt ?? Math.floor(NOW.getTime() / 1000) + 3600,
    },
    overrides.key ?? KEY,
  );
}

function rollbackHandlerWith(playbook: ReturnType<typeof fakeBucketPlaybook>['playbook']) {
  return createRemediationHandler({
    dynamo: dynalite.client,
    eventsTable: TABLE,
    clientsFor: sameClientsForEveryAccount(() => {
      throw new Error('the fake playbook builds no client');
    }),
    playbookFor: () => playbook,
    clock: { now: () => NOW },
    authority: 'rollback',
    signingKey: async () => KEY,
  });
}

/** Snapshot, apply and the verified record: an event whose fix may be rolled back. */
async function verifiedFix(fake: ReturnType<typeof fakeBucketPlaybook>) {
  const event = await seededEvent('DECIDED');
  const handler = handlerWith(fake.playbook);
  await handler({ schemaVersion: 1, action: 'snapshot', event });
  await handler({ schemaVersion: 1, action: 'apply', event });
  await markVerified(
    event.eventId,
    (await fake.playbook.verify(event.detections[0]?.resource as never, never())).observed,
  );
  return event;
}

const never = () => ({
  clients: () => {
    throw new Error('no client');
  },
  now: () => NOW,
});

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
    await handler({ schemaVersion: 1, action: 'snapshot', event });
    const result = await handler({ schemaVersion: 1, action: 'apply', event });
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
    await handler({ schemaVersion: 1, action: 'snapshot', event });
    const result = await handler({ schemaVersion: 1, action: 'apply', event });
    expect(result.status).toBe('dry-run');
    expect(result.changes[0]).toContain('would apply s3.make-bucket-private to AWS::S3::Bucket demo-bucket');
    expect(fake.calls.map((c) => c.operation)).toEqual(['snapshot']);
    expect(fake.resource.public).toBe(true);
  });

  it('apply refuses a snapshot in its input: only the stored one is used', async () => {
    const fake = fakeBucketPlaybook({ public: true });
    const event = await seededEvent('DECIDED');
    const handler = handlerWith(fake.playbook);
    const { snapshot } = await handler({ schemaVersion: 1, action: 'snapshot', event });
    await expect(handler({ schemaVersion: 1, action: 'apply', event, snapshot })).rejects.toThrow(/snapshot/);
    expect(fake.calls.map((c) => c.operation)).toEqual(['snapshot']);
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

describe('the stored decision wins over the workflow input', () => {
  it('refuses a crafted AUTO_REMEDIATE when the stored decision asks for approval, before touching the resource', async () => {
    // Prepare: Decide stored HUMAN_APPROVAL; the execution is started with the same event edited to AUTO_REMEDIATE
    const fake = fakeBucketPlaybook({ public: true });
    const event = await seededEvent('DECIDED', { action: 'HUMAN_APPROVAL' });
    const crafted = { ...event, decision: { ...event.decision, action: 'AUTO_REMEDIATE' as const } };
    // Act
    const error = await handlerWith(fake.playbook)({
      schemaVersion: 1,
      action: 'snapshot',
      event: crafted,
    }).catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({
      name: 'StoredDecisionMismatchError',
      message: expect.stringContaining('differs from the stored decision (HUMAN_APPROVAL'),
    });
    expect(fake.calls).toEqual([]);
    expect((await item(event.eventId))?.status).toBe('DECIDED');
  });

  it('refuses an input aimed at another resource, an event never decided, and a stored decision that permits no fix', async () => {
    const fake = fakeBucketPlaybook({ public: true });
    const handler = handlerWith(fake.playbook);
    const event = await seededEvent('DECIDED');
    const [hit] = event.detections;
    const retargeted = {
      ...event,
      detections: [{ ...hit, resource: { ...hit?.resource, id: 'someone-elses-bucket' } }],
    };
    const logged = await seededEvent('DECIDED', { action: 'LOG_ONLY' });
    const unknown = publicBucketDecidedEvent({ eventId: 'never-ingested' });

    await expect(handler({ schemaVersion: 1, action: 'snapshot', event: retargeted })).rejects.toThrow(
      /detections differ from the stored ones/,
    );
    await expect(
      handler({
        schemaVersion: 1,
        action: 'snapshot',
        event: { ...logged, decision: { ...logged.decision, action: 'AUTO_REMEDIATE' } },
      }),
    ).rejects.toThrow(/stored decision is LOG_ONLY, which permits no remediation/);
    await expect(handler({ schemaVersion: 1, action: 'snapshot', event: unknown })).rejects.toThrow(
      /no events item/,
    );
    expect(fake.calls).toEqual([]);
  });
});

describe('rollback from stored state', () => {
  it('restores the stored snapshot with a signed approval, records who approved, and only once', async () => {
    // Prepare
    const fake = fakeBucketPlaybook({ public: true });
    const event = await verifiedFix(fake);
    const rollback = rollbackHandlerWith(fake.playbook);
    // Act
    const result = await rollback({
      schemaVersion: 1,
      action: 'rollback',
      eventId: event.eventId,
      approval: approvalFor(event.eventId),
    });
    // A second approval (a later click), not a retry of the first: refused
    const again = await rollback({
      schemaVersion: 1,
      action: 'rollback',
      eventId: event.eventId,
      approval: approvalFor(event.eventId, { approvedAt: new Date(NOW.getTime() + 60_000).toISOString() }),
    }).catch((e: unknown) => e);
    // Assess
    expect(result).toMatchObject({
      action: 'rollback',
      status: 'rolled-back',
      changes: ['PutBucketAcl demo-bucket: restored public=true'],
    });
    expect(fake.resource.public).toBe(true);
    expect(await item(event.eventId)).toMatchObject({
      status: 'ROLLED_BACK',
      rollback: { status: 'rolled-back', approvedBy: 'secops@example.com', changes: result.changes },
    });
    expect(again).toMatchObject({
      name: 'RollbackRefusedError',
      message: expect.stringContaining('already rolled back'),
    });
    expect(fake.calls.filter((c) => c.operation === 'rollback')).toHaveLength(1);
  });

  it('is refused by the forward (apply) function whatever the request', async () => {
    const fake = fakeBucketPlaybook({ public: true });
    const event = await verifiedFix(fake);
    await expect(
      handlerWith(fake.playbook)({
        schemaVersion: 1,
        action: 'rollback',
        eventId: event.eventId,
        approval: approvalFor(event.eventId),
      }),
    ).rejects.toThrow(expect.objectContaining({ name: 'WrongAuthorityError' }));
    await expect(
      rollbackHandlerWith(fake.playbook)({ schemaVersion: 1, action: 'apply', event }),
    ).rejects.toThrow(expect.objectContaining({ name: 'WrongAuthorityError' }));
    expect(fake.resource.public).toBe(false);
  });

  it.each([
    [
      'signed with another key',
      (id: string) => approvalFor(id, { key: 'attacker-key' }),
      'not signed by AISAWS',
    ],
    ['signed for another event', () => approvalFor('some-other-event'), 'is for event some-other-event'],
    [
      'expired',
      (id: string) => approvalFor(id, { expiresAt: Math.floor(NOW.getTime() / 1000) - 1 }),
      'expired at',
    ],
    [
      'with an edited approver',
      (id: string) => ({ ...approvalFor(id), approvedBy: 'attacker' }),
      'not signed by AISAWS',
    ],
  ])('refuses an approval %s and changes nothing', async (_case, approval, message) => {
    const fake = fakeBucketPlaybook({ public: true });
    const event = await verifiedFix(fake);
    const calls = fake.calls.length;
    const error = await rollbackHandlerWith(fake.playbook)({
      schemaVersion: 1,
      action: 'rollback',
      eventId: event.eventId,
      approval: approval(event.eventId),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'RollbackRefusedError', message: expect.stringContaining(message) });
    expect(fake.calls).toHaveLength(calls);
    expect(fake.resource.public).toBe(false);
    expect((await item(event.eventId))?.rollback).toBeUndefined();
  });

  it('refuses a rollback request carrying its own snapshot or target (strict request)', async () => {
    const fake = fakeBucketPlaybook({ public: true });
    const event = await verifiedFix(fake);
    const error = await rollbackHandlerWith(fake.playbook)({
      schemaVersion: 1,
      action: 'rollback',
      eventId: event.eventId,
      approval: approvalFor(event.eventId),
      snapshot: {
        playbook: 's3.make-bucket-private',
        resource: event.detections[0]?.resource,
        takenAt: NOW.toISOString(),
        state: { public: true },
      },
    }).catch((e: unknown) => e);
    expect(String(error)).toMatch(/snapshot/);
    expect(fake.resource.public).toBe(false);
  });

  it('refuses an event whose fix is not verified (no terminal VERIFIED status)', async () => {
    const fake = fakeBucketPlaybook({ public: true });
    const event = await seededEvent('DECIDED');
    const handler = handlerWith(fake.playbook);
    await handler({ schemaVersion: 1, action: 'snapshot', event });
    await handler({ schemaVersion: 1, action: 'apply', event });
    await expect(
      rollbackHandlerWith(fake.playbook)({
        schemaVersion: 1,
        action: 'rollback',
        eventId: event.eventId,
        approval: approvalFor(event.eventId),
      }),
    ).rejects.toThrow(/its status is REMEDIATING; only a verified fix/);
    expect(fake.resource.public).toBe(false);
  });

  it('refuses with the diff when the live state is no longer what verify recorded, and writes nothing', async () => {
    // Prepare: after the verified fix, someone changes the resource again
    const fake = fakeBucketPlaybook({ public: true });
    const event = await verifiedFix(fake);
    fake.resource.public = true;
    // Act
    const error = await rollbackHandlerWith(fake.playbook)({
      schemaVersion: 1,
      action: 'rollback',
      eventId: event.eventId,
      approval: approvalFor(event.eventId),
    }).catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ name: 'RollbackDriftError', diff: ['public: verified false, live true'] });
    expect(String((error as Error).message)).toContain('public: verified false, live true');
    expect(fake.calls.filter((c) => c.operation === 'rollback')).toEqual([]);
    expect((await item(event.eventId))?.rollback).toBeUndefined();
  });
});
