import { signRollbackApproval } from '@aisaws/core/approval';
import { publicBucketEventBridgeEvent } from '@aisaws/testing/workflow';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutBucketAclCommand, PutPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { eventIdSequence, SIGNING_KEY, startWorld, type World } from './world.js';

// Real emulators and real handlers on a shared 2-core machine: generous per-test time.
jest.setTimeout(60_000);

let world: World;
const freshEventId = eventIdSequence('7d3c9a10');

beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.stop();
});

/** A fresh CloudTrail eventID per test. */
function freshEvent(overrides: { bucket?: string } = {}) {
  const eventId = freshEventId();
  return {
    eventId,
    event: publicBucketEventBridgeEvent({ eventId, bucket: overrides.bucket ?? 'demo-bucket' }),
  };
}

describe('triage + remediation on the real ASL files with the real handlers (dynalite, s3rver; S3 control plane, SNS and tagging by aws-sdk-client-mock)', () => {
  it('bucket made public → AUTO: snapshot, apply, verify converged, alert published, Record VERIFIED', async () => {
    // Prepare
    const { eventId, event } = freshEvent();
    // Act
    const { triage, remediation } = await world.workflows.runTriage(event);
    const result = await remediation;
    // Assess
    expect(triage.status).toBe('SUCCEEDED');
    expect(triage.states.map((s) => s.name)).toEqual([
      'Ingest',
      'Score',
      'Decide',
      'Route By Action',
      'Start Remediation',
    ]);
    expect(result?.status).toBe('SUCCEEDED');
    expect(result?.states.map((s) => s.name)).toEqual([
      'Wrap Event',
      'Snapshot',
      'Route By Decision',
      'Remediate',
      'Check Dry Run',
      'Verify',
      'Alert Remediated',
      'Record Verified',
      'Publish Resolved Finding',
      'Start Rollback Offer',
      'Check Remediated Alert Delivery',
      'Remediated',
    ]);
    expect(world.bucket.grants.map((g) => g.Grantee.Type)).toEqual(['CanonicalUser']);
    expect(world.bucket.publicAccessBlock).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    const [published] = world.publishedInputs();
    expect(world.publishedInputs()).toHaveLength(1);
    expect(published?.Subject).toBe(
      '[AISAWS HIGH] S3 bucket or object made public by its ACL: demo-bucket — fixed and verified',
    );
    expect(published?.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'HIGH' },
      detection: { DataType: 'String', StringValue: 's3.bucket-acl-public' },
      account: { DataType: 'String', StringValue: '111122223333' },
      action: { DataType: 'String', StringValue: 'AUTO_REMEDIATE' },
      outcome: { DataType: 'String', StringValue: 'verified' },
    });
    expect(published?.Message).toContain(`aisaws rollback ${eventId}`);
    const item = await world.eventsItem(eventId);
    expect(item?.status).toBe('VERIFIED');
    expect(item?.snapshot).toMatchObject({
      playbook: 's3.make-bucket-private',
      state: { bucket: 'demo-bucket', publicAccessBlock: null },
    });
    expect(item?.verification).toMatchObject({ status: 'converged' });
    expect(item?.alert).toEqual({ kind: 'remediated', messageId: 'message-1', subject: published?.Subject });
    expect(Object.keys(item?.timeline as object).sort()).toEqual([
      'applied',
      'decided',
      'received',
      'scored',
      'snapshot',
      'verified',
    ]);
  });

  it('the same event delivered three times → one events item, one remediation execution, one apply', async () => {
    // Prepare
    const { eventId, event } = freshEvent();
    // Act: two deliveries at once, a third after the remediation has finished
    const concurrent = await Promise.all([1, 2].map(() => world.workflows.runTriage(structuredClone(event))));
    await Promise.all(concurrent.map((run) => run.remediation));
    const late = await world.workflows.runTriage(structuredClone(event));
    // Assess
    const remediations = world.workflows.listExecutions().filter((e) => e.machine === 'remediation');
    expect(remediations).toHaveLength(1);
    expect(world.memberS3.commandCalls(PutBucketAclCommand)).toHaveLength(1);
    expect(world.memberS3.commandCalls(PutPublicAccessBlockCommand)).toHaveLength(1);
    expect(world.publishedInputs()).toHaveLength(1);
    expect([...concurrent, late].map((run) => run.triage.status)).toEqual([
      'SUCCEEDED',
      'SUCCEEDED',
      'SUCCEEDED',
    ]);
    expect(late.triage.states.at(-1)?.name).toBe('Duplicate Ignored');
    const { Count } = await world.dynalite.client.send(
      new ScanCommand({ TableName: world.tables.events, Select: 'COUNT' }),
    );
    expect(Count).toBe(1);
    expect((await world.eventsItem(eventId))?.status).toBe('VERIFIED');
  });

  it('after a verified fix, an approved rollback (rollback function, everything read from the item) restores the bucket', async () => {
    // Prepare
    const { eventId, event } = freshEvent();
    await (await world.workflows.runTriage(event)).remediation;
    const approval = signRollbackApproval(
      {
        eventId,
        approvedBy: 'secops@example.com',
        approvedAt: new Date().toISOString(),
        expiresAt: Math.floor(Date.now() / 1000) + 600,
      },
      SIGNING_KEY,
    );
    // Act
    const result = await world.rollback({ schemaVersion: 1, action: 'rollback', eventId, approval });
    // Assess
    expect(result).toMatchObject({
      action: 'rollback',
      status: 'rolled-back',
      playbook: 's3.make-bucket-private',
    });
    expect(
      world.bucket.grants.some(
        (grant) => grant.Grantee.URI === 'http://acs.amazonaws.com/groups/global/AllUsers',
      ),
    ).toBe(true);
    expect(world.bucket.publicAccessBlock).toBeNull();
    expect((await world.eventsItem(eventId))?.rollback).toMatchObject({
      changes: expect.arrayContaining([expect.stringContaining('PutBucketAcl demo-bucket')]),
    });
  });
});
