import { signRollbackApproval } from '@aisaws/core/approval';
import type { DecidedEvent } from '@aisaws/core/schemas';
import { publicBucketEventBridgeEvent } from '@aisaws/testing/workflow';
import { PutBucketAclCommand, PutPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { DEPLOYED_ROLE_ARNS, eventIdSequence, SIGNING_KEY, startWorld, type World } from './world.js';

/**
 * The attack suite: an attacker who can start executions, invoke functions or craft requests tries to turn the
 * fixer into a weapon. Each attempt runs on the real ASL files with the real handlers (dynalite, s3rver), and must be
 * refused with a clear error, change nothing, and be told to a person.
 */

jest.setTimeout(60_000);

let world: World;

beforeEach(async () => {
  // Decide asks a human before fixing a public bucket ACL: the approval the attacker wants to skip.
  world = await startWorld({ policy: { detections: { 's3.bucket-acl-public': { mode: 'approve' } } } });
});
afterEach(async () => {
  await world.stop();
});

/** A session of a role in the member account 111122223333, as CloudTrail writes its userIdentity. */
function roleSession(roleArn: string) {
  const name = roleArn.split('/').pop() as string;
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLE${name.length}ROLE:session`,
    arn: `arn:aws:sts::111122223333:assumed-role/${name}/session`,
    accountId: '111122223333',
    accessKeyId: 'ASIAEXAMPLESESSION01',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: `AROAEXAMPLE${name.length}ROLE`,
        arn: roleArn,
        accountId: '111122223333',
        userName: name,
      },
      attributes: { creationDate: '2026-03-01T11:50:00Z', mfaAuthenticated: 'false' },
    },
  };
}

/** The public-bucket event, made by this identity. */
function publicBucketBy(eventId: string, userIdentity: Record<string, unknown>) {
  const event = publicBucketEventBridgeEvent({ eventId });
  return { ...event, detail: { ...event.detail, userIdentity } };
}

const freshEventId = eventIdSequence('a77ac000');

const bucketWrites = () =>
  world.memberS3.commandCalls(PutBucketAclCommand).length +
  world.memberS3.commandCalls(PutPublicAccessBlockCommand).length;

describe('attack: a crafted remediation input with AUTO_REMEDIATE', () => {
  it('is refused at Snapshot (the stored decision asks for approval), alerted, and leaves the events item to its owner', async () => {
    // Prepare: the real pipeline decided HUMAN_APPROVAL; its execution waits for the approver
    const eventId = freshEventId();
    await world.workflows.runTriage(publicBucketEventBridgeEvent({ eventId }));
    const pending = await world.workflows.nextPendingTask();
    const legit = world.workflows.listExecutions().find((e) => e.machine === 'remediation');
    const decided = legit?.input as DecidedEvent;
    const crafted = { ...decided, decision: { ...decided.decision, action: 'AUTO_REMEDIATE' } };
    const alertsBefore = world.publishedInputs().length;
    // Act: the attacker starts the remediation workflow itself, with the decision edited
    const result = await world.workflows.startRemediation(crafted, 'attacker-run').result;
    const statusWhileLegitWaits = (await world.eventsItem(eventId))?.status;
    // The approver then rejects the legitimate request, so its execution ends too.
    world.workflows.sendTaskSuccess(pending.taskToken, {
      approved: false,
      by: 'approver',
      at: new Date().toISOString(),
    });
    await legit?.result;
    // Assess
    expect(decided.decision.action).toBe('HUMAN_APPROVAL');
    expect(result.status).toBe('FAILED');
    expect(result.states.map((s) => s.name)).toEqual([
      'Wrap Event',
      'Snapshot',
      'Alert Refused Input',
      'Input Refused',
    ]);
    expect(result.error).toMatchObject({ error: 'StoredDecisionMismatchError' });
    expect(String(result.error?.cause)).toContain('differs from the stored decision (HUMAN_APPROVAL');
    expect(bucketWrites()).toBe(0);
    const [alert] = world.publishedInputs().slice(alertsBefore);
    expect(alert?.Message).toContain('StoredDecisionMismatchError');
    expect(alert?.MessageAttributes?.outcome?.StringValue).toBe('failed');
    // The legitimate execution still owns the item: still waiting, status REMEDIATING (its snapshot), not FAILED.
    expect(statusWhileLegitWaits).toBe('REMEDIATING');
  });
});

describe('attack: a role merely named like AISAWS (aisaws-x) in a member account', () => {
  it('makes a bucket public: detected, held for approval (alerted), fixed once approved; never skipped as ours', async () => {
    // Prepare: anyone allowed to create roles in the member account made `aisaws-x`
    const eventId = freshEventId();
    const event = publicBucketBy(eventId, roleSession('arn:aws:iam::111122223333:role/aisaws-x'));
    // Act
    const { triage, remediation } = await world.workflows.runTriage(event);
    const pending = await world.workflows.nextPendingTask();
    const [request] = world.publishedInputs();
    world.workflows.sendTaskSuccess(pending.taskToken, {
      approved: true,
      by: 'approver',
      at: new Date().toISOString(),
    });
    const fixed = await remediation;
    // Assess
    expect(triage.status).toBe('SUCCEEDED');
    const item = await world.eventsItem(eventId);
    expect(item?.decision).toMatchObject({ action: 'HUMAN_APPROVAL', detectionId: 's3.bucket-acl-public' });
    expect(request?.Message).toContain('aisaws-x');
    expect(request?.Message).toContain('YOUR DECISION IS NEEDED');
    expect(fixed?.status).toBe('SUCCEEDED');
    expect(world.bucket.grants.map((g) => g.Grantee.Type)).toEqual(['CanonicalUser']);
  });

  it("while the same call by a deployed role's session is AISAWS's own: no detection, nobody told", async () => {
    // Prepare
    const eventId = freshEventId();
    const event = publicBucketBy(eventId, roleSession(DEPLOYED_ROLE_ARNS[0]));
    // Act
    const { triage, remediation } = await world.workflows.runTriage(event);
    // Assess
    expect(triage.status).toBe('SUCCEEDED');
    expect(remediation).toBeUndefined();
    expect(await world.eventsItem(eventId)).toMatchObject({
      detections: [],
      decision: { action: 'LOG_ONLY' },
    });
    expect(world.publishedInputs()).toEqual([]);
  });
});

describe('attack: a self-tagged exempt bucket made public', () => {
  const SELF_SET_TAGS = { 'aisaws:exempt': '2099-12-31', 'aisaws:exempt-reason': 'do not touch' };

  it('the exemption is refused (no guardrail guards who set the tag): fixed, and the alert says why', async () => {
    // Prepare: the bucket owner tagged the bucket exempt, then made it public; the policy fixes automatically
    await world.stop();
    world = await startWorld({ resourceTags: SELF_SET_TAGS });
    const eventId = freshEventId();
    // Act
    const { remediation } = await world.workflows.runTriage(publicBucketEventBridgeEvent({ eventId }));
    const fixed = await remediation;
    // Assess
    expect(fixed?.status).toBe('SUCCEEDED');
    expect(world.bucket.grants.map((g) => g.Grantee.Type)).toEqual(['CanonicalUser']);
    const item = await world.eventsItem(eventId);
    expect(item?.decision).toMatchObject({ action: 'AUTO_REMEDIATE', exempt: false });
    expect(item?.decision).not.toHaveProperty('exemption');
    const [alert] = world.publishedInputs();
    expect(alert?.Message).toContain(
      'exemption refused: the resource is tagged aisaws:exempt=2099-12-31, but the tag is not trusted',
    );
    expect(alert?.MessageAttributes?.outcome?.StringValue).toBe('verified');
  });

  it('even when the policy trusts the tag (guardrail deployed), a bucket tag exempts nothing: fixed, alert says why', async () => {
    // Prepare: the SCP cannot reserve a key on s3:PutBucketTagging, so the bucket owner could still have set it
    await world.stop();
    world = await startWorld({
      resourceTags: SELF_SET_TAGS,
      policy: { exemptions: { tag: { trusted: true } } },
    });
    const eventId = freshEventId();
    // Act
    const { remediation } = await world.workflows.runTriage(publicBucketEventBridgeEvent({ eventId }));
    // Assess
    expect((await remediation)?.status).toBe('SUCCEEDED');
    expect(world.bucket.grants.map((g) => g.Grantee.Type)).toEqual(['CanonicalUser']);
    const [alert] = world.publishedInputs();
    expect(alert?.Message).toContain('a bucket tag is never trusted');
  });

  it('a policy exemption of the bucket holds: nothing changed, its use audited in the decision and the alert', async () => {
    // Prepare
    await world.stop();
    const exemption = { match: 'demo-*', reason: 'public demo site (ticket WEB-7)', expires: '2099-12-31' };
    world = await startWorld({ policy: { exemptions: { buckets: [exemption] } } });
    const eventId = freshEventId();
    // Act
    const { remediation } = await world.workflows.runTriage(publicBucketEventBridgeEvent({ eventId }));
    // Assess
    expect(remediation).toBeUndefined();
    expect(world.bucket.grants.map((g) => g.Grantee.Type)).toEqual(['CanonicalUser', 'Group']);
    expect((await world.eventsItem(eventId))?.decision).toMatchObject({
      action: 'ALERT',
      exempt: true,
      exemption: { kind: 'bucket', match: 'demo-*', matched: 'demo-bucket', expires: '2099-12-31' },
    });
    const [alert] = world.publishedInputs();
    expect(alert?.Message).toContain(
      'Exemption used: policy exemptions.buckets demo-*, matched demo-bucket; reason: public demo site (ticket WEB-7); expires 2099-12-31',
    );
  });
});

describe('attack: a crafted rollback request', () => {
  /** A bucket fix that was approved, applied and verified. */
  async function verifiedFix(): Promise<string> {
    const eventId = freshEventId();
    const { remediation } = await world.workflows.runTriage(publicBucketEventBridgeEvent({ eventId }));
    const pending = await world.workflows.nextPendingTask();
    world.workflows.sendTaskSuccess(pending.taskToken, {
      approved: true,
      by: 'approver',
      at: new Date().toISOString(),
    });
    expect((await remediation)?.status).toBe('SUCCEEDED');
    return eventId;
  }

  it('is refused without a signed approval for this event, and the fixed bucket stays private', async () => {
    // Prepare
    const eventId = await verifiedFix();
    const writes = bucketWrites();
    const forged = signRollbackApproval(
      { eventId, approvedBy: 'attacker', approvedAt: new Date().toISOString(), expiresAt: 4_102_444_800 },
      'a-key-the-attacker-made-up',
    );
    const otherEvent = signRollbackApproval(
      {
        eventId: 'another-event',
        approvedBy: 'secops',
        approvedAt: new Date().toISOString(),
        expiresAt: 4_102_444_800,
      },
      SIGNING_KEY,
    );
    // Act
    const attempts = await Promise.all(
      [forged, otherEvent].map((approval) =>
        world.rollback({ schemaVersion: 1, action: 'rollback', eventId, approval }).catch((e: unknown) => e),
      ),
    );
    const withSnapshot = await world
      .rollback({
        schemaVersion: 1,
        action: 'rollback',
        eventId,
        approval: otherEvent,
        snapshot: { playbook: 's3.make-bucket-private', state: { acl: 'public-read' } },
      })
      .catch((e: unknown) => e);
    // Assess
    expect(attempts).toEqual([
      expect.objectContaining({
        name: 'RollbackRefusedError',
        message: expect.stringContaining('not signed by AISAWS'),
      }),
      expect.objectContaining({
        name: 'RollbackRefusedError',
        message: expect.stringContaining('is for event another-event'),
      }),
    ]);
    expect(String(withSnapshot)).toMatch(/snapshot/);
    expect(bucketWrites()).toBe(writes);
    expect(world.bucket.grants.map((g) => g.Grantee.Type)).toEqual(['CanonicalUser']);
    expect((await world.eventsItem(eventId))?.rollback).toBeUndefined();
  });

  it('is refused by the apply function even with a valid approval (it holds no un-fix authority)', async () => {
    const eventId = await verifiedFix();
    const approval = signRollbackApproval(
      { eventId, approvedBy: 'secops', approvedAt: new Date().toISOString(), expiresAt: 4_102_444_800 },
      SIGNING_KEY,
    );
    const error = await world.tasks
      .remediation({ schemaVersion: 1, action: 'rollback', eventId, approval })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'WrongAuthorityError' });
    expect(world.bucket.grants.map((g) => g.Grantee.Type)).toEqual(['CanonicalUser']);
  });

  it('shows the diff and writes nothing when the bucket changed after the verified fix', async () => {
    // Prepare: after the fix, the owner adds a logging grant; rolling back would erase it
    const eventId = await verifiedFix();
    world.bucket.grants.push({
      Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/s3/LogDelivery' },
      Permission: 'WRITE',
    });
    const writes = bucketWrites();
    const approval = signRollbackApproval(
      { eventId, approvedBy: 'secops', approvedAt: new Date().toISOString(), expiresAt: 4_102_444_800 },
      SIGNING_KEY,
    );
    // Act
    const error = await world
      .rollback({ schemaVersion: 1, action: 'rollback', eventId, approval })
      .catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ name: 'RollbackDriftError' });
    expect(String((error as Error).message)).toContain('LogDelivery');
    expect(bucketWrites()).toBe(writes);
  });
});
