import { createHash } from 'node:crypto';
import { createFindingsHandler } from '@aisaws/lambda-findings';
import { SimulatedSecurityHub } from '@aisaws/simulated-account';
import type { ExecutionResult, ExecutionSummary } from '@aisaws/testing/workflow';
import { publicBucketEventBridgeEvent } from '@aisaws/testing/workflow';
import { PutBucketAclCommand } from '@aws-sdk/client-s3';
import { describe, expect, it, jest } from '@jest/globals';
import { eventIdSequence, linkClick, startWorldPerTest, type World } from './world.js';

// Real emulators and real handlers on a shared 2-core machine: generous per-test time.
jest.setTimeout(60_000);

const startTestWorld = startWorldPerTest();
const freshEventId = eventIdSequence('b7700000');
let world: World | undefined;

const executionName = (eventId: string) => createHash('sha256').update(eventId).digest('hex');

/** Runs triage + remediation (AUTO: the bucket is made private, VERIFIED) and returns the rollback execution. */
async function verifiedFixWithOffer(w: World): Promise<{ eventId: string; rollback: ExecutionSummary }> {
  const eventId = freshEventId();
  const { remediation } = await w.workflows.runTriage(publicBucketEventBridgeEvent({ eventId }));
  const fixed = await remediation;
  expect(fixed?.status).toBe('SUCCEEDED');
  const rollback = w.workflows.listExecutions().find((execution) => execution.machine === 'rollback');
  if (!rollback) throw new Error('the remediation workflow started no rollback workflow');
  return { eventId, rollback };
}

/** The e-mail the Alert Lambda published with the given outcome attribute. */
function emailWithOutcome(w: World, outcome: string) {
  return w.publishedInputs().find((input) => input.MessageAttributes?.outcome?.StringValue === outcome);
}

/** The roll-back / keep-the-fix links of the rollback offer e-mail. */
function offerLinks(w: World): { rollBack: string; keep: string } {
  const message = emailWithOutcome(w, 'rollback-offered')?.Message ?? '';
  const rollBack = /Roll back: +(\S+)/.exec(message)?.[1];
  const keep = /Keep the fix: +(\S+)/.exec(message)?.[1];
  if (!rollBack || !keep) throw new Error(`no rollback links in the offer e-mail:\n${message}`);
  return { rollBack, keep };
}

const grantTypes = (w: World) => w.bucket.grants.map((grant) => grant.Grantee.URI ?? grant.Grantee.Type);
const aclWrites = (w: World) => w.memberS3.commandCalls(PutBucketAclCommand).length;
const stateNames = (result: ExecutionResult) => result.states.map((state) => state.name);

describe('rollback workflow on the real rollback.asl.json: offer e-mail, real Approval handler, real rollback function', () => {
  it('VERIFIED → offer with signed links → click → rollback function restores the bucket → ROLLED_BACK recorded and alerted', async () => {
    // Prepare
    world = await startTestWorld({ rollbackWorkflow: true });
    const { eventId, rollback } = await verifiedFixWithOffer(world);
    const pending = await world.workflows.nextPendingTask();
    const fixedGrants = grantTypes(world);
    // Act: open the link (GET: a confirmation page, nothing decided), then confirm (POST)
    const { rollBack } = offerLinks(world);
    const page = await world.approve({
      ...linkClick(rollBack),
      body: undefined,
      rawQueryString: new URL(rollBack).search.slice(1),
      queryStringParameters: Object.fromEntries(new URL(rollBack).searchParams),
      requestContext: { http: { method: 'GET', sourceIp: '198.51.100.20' } },
    });
    const confirmed = await world.approve(linkClick(rollBack));
    const result = await rollback.result;
    const replay = await world.approve(linkClick(rollBack));
    // Assess
    expect(rollback.name).toBe(executionName(eventId));
    expect(rollback.input).toEqual({ eventId });
    expect(pending).toMatchObject({ state: 'Offer Rollback', invocationResult: { kind: 'rollback-offer' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Approve this rollback?');
    expect(confirmed.statusCode).toBe(200);
    expect(replay.statusCode).toBe(409);
    expect(fixedGrants).toEqual(['CanonicalUser']);
    expect(grantTypes(world)).toEqual(['CanonicalUser', 'http://acs.amazonaws.com/groups/global/AllUsers']);
    expect(result.status).toBe('SUCCEEDED');
    expect(stateNames(result)).toEqual([
      'Rollback Window',
      'Read Stored Event',
      'Check Stored Event',
      'Check Rollbackable',
      'Offer Rollback',
      'Check Rollback Approval',
      'Roll Back',
      'Alert Rolled Back',
      'Publish Rolled Back Finding',
      'Rolled Back Outcome',
      'Record Outcome',
      'Route Outcome',
      'Rolled Back',
    ]);
    // Security Hub no longer says resolved: the same finding is reopened, with who rolled it back.
    const [finding, ...otherFindings] = world.securityHub.findings();
    expect(otherFindings).toEqual([]);
    expect(finding).toMatchObject({ Id: `aisaws/${eventId}`, Workflow: { Status: 'NOTIFIED' } });
    expect(finding?.Note?.Text).toContain('on the approval of approval confirmed from 198.51.100.20');
    expect(finding?.Note?.Text).toContain('restored');
    const item = await world.eventsItem(eventId);
    expect(item?.status).toBe('ROLLED_BACK');
    expect(item?.rollback).toMatchObject({
      status: 'rolled-back',
      approvedBy: 'approval confirmed from 198.51.100.20',
    });
    expect(item?.timeline).toHaveProperty('rolledBack');
    expect(item?.rollbackOffer).toMatchObject({ outcome: 'ROLLED_BACK' });
    const offer = emailWithOutcome(world, 'rollback-offered');
    expect(offer?.Subject).toBe(
      '[AISAWS HIGH] s3.make-bucket-private: demo-bucket — fixed; rollback available',
    );
    expect(offer?.Message).toContain('Actor [untrusted]: arn:aws:iam::111122223333:user/mallory');
    const done = emailWithOutcome(world, 'rolled-back');
    expect(done?.MessageAttributes?.action).toEqual({ DataType: 'String', StringValue: 'ROLLBACK' });
    expect(done?.Message).toContain('ROLLED BACK');
  });

  it('Security Hub refusing to reopen the finding: retried, kept on the quarantine queue to replay, the rollback stands', async () => {
    // Prepare: a simulated Security Hub that imports findings but refuses every update carrying a note
    const securityHub = new SimulatedSecurityHub({ account: '999999999999', region: 'eu-west-1' });
    const refusingNotes = {
      batchImportFindings: securityHub.batchImportFindings.bind(securityHub),
      batchUpdateFindings: async (input: Parameters<SimulatedSecurityHub['batchUpdateFindings']>[0]) =>
        input.Note
          ? {
              ProcessedFindings: [],
              UnprocessedFindings: (input.FindingIdentifiers ?? []).map((identifier) => ({
                FindingIdentifier: identifier,
                ErrorCode: 'AccessDenied',
                ErrorMessage: 'simulated refusal of the note',
              })),
              $metadata: {},
            }
          : securityHub.batchUpdateFindings(input),
    };
    world = await startTestWorld({
      rollbackWorkflow: true,
      tasks: {
        findings: createFindingsHandler({
          securityHub: refusingNotes,
          account: '999999999999',
          region: 'eu-west-1',
          clock: { now: () => new Date() },
        }),
      },
    });
    const { eventId, rollback } = await verifiedFixWithOffer(world);
    await world.workflows.nextPendingTask();
    // Act
    await world.approve(linkClick(offerLinks(world).rollBack));
    const result = await rollback.result;
    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(stateNames(result).slice(-6)).toEqual([
      'Publish Rolled Back Finding',
      'Keep Unpublished Rolled Back Finding',
      'Rolled Back Outcome',
      'Record Outcome',
      'Route Outcome',
      'Rolled Back',
    ]);
    const kept = world.workflows.quarantined.map((message) => message.body as Record<string, unknown>);
    expect(kept).toEqual([
      expect.objectContaining({
        reason: 'finding-not-published',
        error: 'FindingNotImportedError',
        cause: expect.stringContaining('AccessDenied'),
        request: expect.objectContaining({
          outcome: 'ROLLED_BACK',
          eventId,
          approvedBy: 'approval confirmed from 198.51.100.20',
        }),
      }),
    ]);
    expect(securityHub.findings()[0]?.Workflow).toEqual({ Status: 'RESOLVED' });
    expect((await world.eventsItem(eventId))?.status).toBe('ROLLED_BACK');
    expect(grantTypes(world)).toEqual(['CanonicalUser', 'http://acs.amazonaws.com/groups/global/AllUsers']);
  });

  it('a forged link (edited event, bad signature) and a fix-approval link are refused: no rollback, the offer still waits', async () => {
    // Prepare
    world = await startTestWorld({ rollbackWorkflow: true });
    const { rollback } = await verifiedFixWithOffer(world);
    await world.workflows.nextPendingTask();
    const { rollBack } = offerLinks(world);
    const otherEvent = new URL(rollBack);
    otherEvent.searchParams.set('rollback', 'another-event');
    const badSignature = new URL(rollBack);
    badSignature.searchParams.set('sig', '0'.repeat(64));
    const asFixLink = new URL(rollBack);
    asFixLink.searchParams.delete('rollback');
    const writes = aclWrites(world);
    // Act
    const answers = await Promise.all(
      [otherEvent, badSignature, asFixLink].map((url) => world?.approve(linkClick(url.toString()))),
    );
    // Assess
    expect(answers.map((answer) => answer?.statusCode)).toEqual([403, 403, 403]);
    expect(answers.every((answer) => answer?.body.includes('Nothing was changed'))).toBe(true);
    expect(aclWrites(world)).toBe(writes);
    expect(grantTypes(world)).toEqual(['CanonicalUser']);
    expect(rollback.status).toBe('RUNNING');
  });

  it('the window closes with no click → Rollback Window Closed (not a failure), nothing changed; the late link is expired', async () => {
    // Prepare
    world = await startTestWorld({ rollbackWorkflow: true, rollbackWindowSeconds: 1 });
    const { eventId, rollback } = await verifiedFixWithOffer(world);
    await world.workflows.nextPendingTask();
    const writes = aclWrites(world);
    // Act
    const result = await rollback.result;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const late = await world.approve(linkClick(offerLinks(world).rollBack));
    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(result.states.find((state) => state.name === 'Offer Rollback')).toMatchObject({
      status: 'caught',
      failures: [{ error: 'States.Timeout' }],
    });
    expect(stateNames(result).slice(-4)).toEqual([
      'Offer Expired',
      'Record Outcome',
      'Route Outcome',
      'Rollback Window Closed',
    ]);
    expect(late.statusCode).toBe(403);
    expect(late.body).toContain('expired');
    expect(aclWrites(world)).toBe(writes);
    expect(grantTypes(world)).toEqual(['CanonicalUser']);
    const item = await world.eventsItem(eventId);
    expect(item?.rollback).toBeUndefined();
    expect(item?.rollbackOffer).toMatchObject({ outcome: 'WINDOW_CLOSED' });
  });

  it('the bucket changed after verify → the click is refused with the diff, alerted, nothing written', async () => {
    // Prepare: after the fix the owner adds a log-delivery grant; a rollback would erase it
    world = await startTestWorld({ rollbackWorkflow: true });
    const { eventId, rollback } = await verifiedFixWithOffer(world);
    await world.workflows.nextPendingTask();
    world.bucket.grants.push({
      Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/s3/LogDelivery' },
      Permission: 'WRITE',
    });
    const writes = aclWrites(world);
    // Act
    const confirmed = await world.approve(linkClick(offerLinks(world).rollBack));
    const result = await rollback.result;
    // Assess
    expect(confirmed.statusCode).toBe(200);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.states.find((state) => state.name === 'Roll Back')).toMatchObject({
      status: 'caught',
      failures: [{ error: 'RollbackDriftError' }],
    });
    expect(stateNames(result).slice(-5)).toEqual([
      'Alert Rollback Refused',
      'Refused Outcome',
      'Record Outcome',
      'Route Outcome',
      'Rollback Refused',
    ]);
    const refused = emailWithOutcome(world, 'rollback-refused');
    expect(refused?.Subject).toContain('— rollback refused');
    expect(refused?.Message).toContain('ROLLBACK REFUSED: NOTHING WAS CHANGED');
    expect(refused?.Message).toContain('LogDelivery');
    expect(refused?.Message).toContain('verified (absent)');
    expect(aclWrites(world)).toBe(writes);
    const item = await world.eventsItem(eventId);
    expect(item?.rollback).toBeUndefined();
    expect(item?.rollbackOffer).toMatchObject({ outcome: 'REFUSED' });
  });

  it('keep-the-fix link → Fix Kept: no rollback, and the rollback workflow cannot be started again for the event', async () => {
    // Prepare
    world = await startTestWorld({ rollbackWorkflow: true });
    const { eventId, rollback } = await verifiedFixWithOffer(world);
    await world.workflows.nextPendingTask();
    const writes = aclWrites(world);
    // Act
    const kept = await world.approve(linkClick(offerLinks(world).keep));
    const result = await rollback.result;
    let again: unknown;
    try {
      world.workflows.startRollback({ eventId }, executionName(eventId));
    } catch (error) {
      again = error;
    }
    // Assess
    expect(kept.statusCode).toBe(200);
    expect(stateNames(result).slice(-4)).toEqual([
      'Fix Kept By Approver',
      'Record Outcome',
      'Route Outcome',
      'Fix Kept',
    ]);
    expect(aclWrites(world)).toBe(writes);
    expect(again).toMatchObject({ name: 'StepFunctions.ExecutionAlreadyExistsException' });
    expect((await world.eventsItem(eventId))?.rollbackOffer).toMatchObject({ outcome: 'DECLINED' });
  });

  it('started twice for one event (same name, same input) → one execution, one offer e-mail', async () => {
    // Prepare
    world = await startTestWorld({ rollbackWorkflow: true });
    const { eventId, rollback } = await verifiedFixWithOffer(world);
    await world.workflows.nextPendingTask();
    // Act
    const second = world.workflows.startRollback({ eventId }, executionName(eventId));
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Assess
    expect(second.executionArn).toBe(rollback.executionArn);
    expect(
      world.workflows.listExecutions().filter((execution) => execution.machine === 'rollback'),
    ).toHaveLength(1);
    expect(
      world
        .publishedInputs()
        .filter((input) => input.MessageAttributes?.outcome?.StringValue === 'rollback-offered'),
    ).toHaveLength(1);
  });

  it('an event that is not VERIFIED (or unknown) gets no offer: Not Rollbackable, nothing sent', async () => {
    // Prepare
    world = await startTestWorld({ rollbackWorkflow: true });
    // Act
    const result = await world.workflows.startRollback({ eventId: 'no-such-event' }).result;
    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.error?.error).toBe('NotRollbackable');
    expect(world.publishedInputs()).toHaveLength(0);
  });
});
