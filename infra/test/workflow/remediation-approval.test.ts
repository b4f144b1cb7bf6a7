import { publicBucketDecidedEvent, publicBucketEventBridgeEvent } from '@aisaws/testing/workflow';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutBucketAclCommand } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { eventIdSequence, linkClick, startWorld, type World } from './world.js';

// Real emulators and real handlers on a shared 2-core machine: generous per-test time.
jest.setTimeout(60_000);

let world: World;

beforeEach(async () => {
  world = await startWorld({ policy: { detections: { 's3.bucket-acl-public': { mode: 'approve' } } } });
});
afterEach(async () => {
  await world.stop();
});

const freshEventId = eventIdSequence('a9900000');

/** The approve/reject URLs of the approval-request e-mail (the first published message). */
function linksOfApprovalEmail(): { approve: string; reject: string } {
  const message = world.publishedInputs()[0]?.Message ?? '';
  const approve = /Approve: (\S+)/.exec(message)?.[1];
  const reject = /Reject: {2}(\S+)/.exec(message)?.[1];
  if (!approve || !reject) throw new Error(`no approval links in the e-mail:\n${message}`);
  return { approve, reject };
}

describe('HUMAN_APPROVAL on the real remediation ASL: signed links through the real Approval handler (tables in dynalite)', () => {
  it('approval-request alert with links → approve → remediated and VERIFIED', async () => {
    // Prepare
    const eventId = freshEventId();
    const { remediation } = await world.workflows.runTriage(publicBucketEventBridgeEvent({ eventId }));
    const pending = await world.workflows.nextPendingTask();
    const request = world.publishedInputs()[0];
    // Act
    const response = await world.approve(linkClick(linksOfApprovalEmail().approve));
    const result = await remediation;
    // Assess
    expect(pending.state).toBe('Request Approval');
    expect(pending.invocationResult).toMatchObject({ kind: 'approval-request', eventId });
    expect(request?.Subject).toContain('— approval needed');
    expect(request?.MessageAttributes?.action).toEqual({ DataType: 'String', StringValue: 'HUMAN_APPROVAL' });
    expect(response.statusCode).toBe(200);
    expect(result?.status).toBe('SUCCEEDED');
    expect(result?.states.map((s) => s.name)).toEqual([
      'Wrap Event',
      'Snapshot',
      'Route By Decision',
      'Publish Approval Finding',
      'Request Approval',
      'Check Approval',
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
    expect(world.publishedInputs().map((p) => p.MessageAttributes?.outcome?.StringValue)).toEqual([
      'pending-approval',
      'verified',
    ]);
    expect((await world.eventsItem(eventId))?.status).toBe('VERIFIED');
    // the link is single-use
    expect((await world.approve(linkClick(linksOfApprovalEmail().approve))).statusCode).toBe(409);
  });

  it('reject → REJECTED + alert, and nothing is changed on the bucket', async () => {
    // Prepare
    const eventId = freshEventId();
    const { remediation } = await world.workflows.runTriage(publicBucketEventBridgeEvent({ eventId }));
    await world.workflows.nextPendingTask();
    // Act
    const response = await world.approve(linkClick(linksOfApprovalEmail().reject));
    const result = await remediation;
    // Assess
    expect(response.statusCode).toBe(200);
    expect(result?.status).toBe('SUCCEEDED');
    expect(result?.states.map((s) => s.name).slice(-7)).toEqual([
      'Check Approval',
      'Approval Rejected',
      'Alert Rejected',
      'Record Rejected',
      'Publish Rejected Finding',
      'Check Rejected Alert Delivery',
      'Rejected',
    ]);
    expect(world.memberS3.commandCalls(PutBucketAclCommand)).toHaveLength(0);
    const rejected = world.publishedInputs()[1];
    expect(rejected?.Subject).toContain('not fixed (rejected)');
    expect(rejected?.Message).toContain(
      'Not applied because: ApprovalRejected: Rejected by approval confirmed from 198.51.100.20',
    );
    const item = await world.eventsItem(eventId);
    expect(item?.status).toBe('REJECTED');
    expect(item?.rejection).toMatchObject({ error: 'ApprovalRejected' });
    expect(item?.alert).toMatchObject({ kind: 'rejected' });
  });

  it('no answer within approvalTimeoutSeconds → States.Timeout → REJECTED + alert; a late click gets 410', async () => {
    // Prepare: a decided event whose approval times out after one second, its events item DECIDED
    const eventId = freshEventId();
    const decided = publicBucketDecidedEvent({
      eventId,
      decision: { action: 'HUMAN_APPROVAL', approvalTimeoutSeconds: 1 },
    });
    await world.dynalite.client.send(
      new PutItemCommand({
        TableName: world.tables.events,
        // As Decide stores it: the remediation workflow checks its input against this decision.
        Item: marshall(
          {
            eventId,
            status: 'DECIDED',
            timeline: { decided: decided.decision.decidedAt },
            decision: decided.decision,
            detections: decided.detections,
          },
          { removeUndefinedValues: true },
        ),
      }),
    );
    // Act
    const execution = world.workflows.startRemediation(decided, eventId);
    await world.workflows.nextPendingTask();
    const result = await execution.result;
    const late = await world.approve(linkClick(linksOfApprovalEmail().approve));
    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(result.states.find((s) => s.name === 'Request Approval')).toMatchObject({
      status: 'caught',
      failures: [{ error: 'States.Timeout' }],
    });
    expect(result.states.map((s) => s.name).slice(-5)).toEqual([
      'Alert Rejected',
      'Record Rejected',
      'Publish Rejected Finding',
      'Check Rejected Alert Delivery',
      'Rejected',
    ]);
    const timedOut = world.publishedInputs()[1];
    expect(timedOut?.Subject).toContain('not fixed (approval timed out)');
    expect(timedOut?.MessageAttributes?.outcome).toEqual({ DataType: 'String', StringValue: 'timed-out' });
    expect((await world.eventsItem(eventId))?.status).toBe('REJECTED');
    expect(late.statusCode).toBe(410);
    expect(world.memberS3.commandCalls(PutBucketAclCommand)).toHaveLength(0);
  });
});
