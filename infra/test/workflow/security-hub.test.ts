import { createFindingsHandler } from '@aisaws/lambda-findings';
import { SimulatedSecurityHub } from '@aisaws/simulated-account';
import { asffSchemaErrors } from '@aisaws/testing/schemas';
import { publicBucketEventBridgeEvent } from '@aisaws/testing/workflow';
import { describe, expect, it, jest } from '@jest/globals';
import { buildFindingRules } from '../../src/events/finding-rules.js';
import { type Json, matchesPattern } from '../support/event-pattern-matcher.js';
import { eventIdSequence, linkClick, startWorldPerTest, type World } from './world.js';

// Real emulators and real handlers on a shared 2-core machine: generous per-test time.
jest.setTimeout(60_000);

const SECURITY_ACCOUNT = '999999999999';
const startTestWorld = startWorldPerTest();
const freshEventId = eventIdSequence('5ec00000');
let world: World | undefined;

function approveLink(started: World): string {
  const message = started.publishedInputs()[0]?.Message ?? '';
  const approve = /Approve: (\S+)/.exec(message)?.[1];
  if (!approve) throw new Error(`no approval link in the e-mail:\n${message}`);
  return approve;
}

describe('Security Hub output on the real ASL files (the Findings Lambda over the simulated Security Hub)', () => {
  it('HUMAN_APPROVAL: one finding per event, NOTIFIED while waiting, RESOLVED once verified', async () => {
    // Prepare
    world = await startTestWorld({ policy: { detections: { 's3.bucket-acl-public': { mode: 'approve' } } } });
    const eventId = freshEventId();
    // Act
    const { remediation } = await world.workflows.runTriage(publicBucketEventBridgeEvent({ eventId }));
    await world.workflows.nextPendingTask();
    const waiting = world.securityHub.findings();
    await world.approve(linkClick(approveLink(world)));
    const result = await remediation;
    // Assess
    expect(result?.status).toBe('SUCCEEDED');
    expect(waiting.map((finding) => [finding.Id, finding.Workflow?.Status])).toEqual([
      [`aisaws/${eventId}`, 'NOTIFIED'],
    ]);
    const [finding, ...others] = world.securityHub.findings();
    expect(others).toEqual([]);
    expect(asffSchemaErrors(finding)).toEqual([]);
    expect(finding).toMatchObject({
      Id: `aisaws/${eventId}`,
      AwsAccountId: SECURITY_ACCOUNT,
      GeneratorId: 's3.bucket-acl-public',
      Workflow: { Status: 'RESOLVED' },
      Compliance: { Status: 'PASSED' },
      ProductFields: { 'aisaws/decision': 'HUMAN_APPROVAL', 'aisaws/outcome': 'VERIFIED' },
    });
    expect(finding?.ProductFields?.['aisaws/changes']).toEqual(expect.any(String));
  });

  it("AISAWS's own finding, imported back, is dropped by the EventBridge rule and never acted on by triage", async () => {
    // Prepare: the finding of an approved fix, as Security Hub sends it back to EventBridge
    world = await startTestWorld({});
    const { remediation } = await world.workflows.runTriage(
      publicBucketEventBridgeEvent({ eventId: freshEventId() }),
    );
    await remediation;
    const [published] = world.securityHub.findings();
    const imported = {
      version: '0',
      id: '5ec00000-0000-4000-8000-ffffffffffff',
      'detail-type': 'Security Hub Findings - Imported',
      source: 'aws.securityhub',
      account: SECURITY_ACCOUNT,
      time: new Date().toISOString(),
      region: 'eu-west-1',
      resources: [String(published?.ProductArn)],
      detail: { findings: [published] },
    };
    // Act
    const routed = buildFindingRules().filter((rule) =>
      matchesPattern(
        rule.pattern as unknown as Record<string, Json>,
        JSON.parse(JSON.stringify(imported)) as Record<string, Json>,
      ),
    );
    const { triage, remediation: second } = await world.workflows.runTriage(imported);
    // Assess: no rule routes it; delivered anyway, triage records it and does nothing
    expect(routed).toEqual([]);
    expect(triage.status).toBe('SUCCEEDED');
    expect(triage.states.map((s) => s.name).slice(-2)).toEqual(['Route By Action', 'Logged Only']);
    expect(second).toBeUndefined();
    expect(world.securityHub.findings()).toHaveLength(1);
  });

  it('Security Hub refusing the finding: retried, kept on the quarantine queue, and the fix still ends VERIFIED', async () => {
    // Prepare: a Security Hub of another account answers InvalidAccess in FailedFindings (HTTP 200)
    const elsewhere = new SimulatedSecurityHub({ account: '123456789012', region: 'eu-west-1' });
    world = await startTestWorld({
      tasks: {
        findings: createFindingsHandler({
          securityHub: elsewhere,
          account: SECURITY_ACCOUNT,
          region: 'eu-west-1',
          clock: { now: () => new Date() },
        }),
      },
    });
    const eventId = freshEventId();
    // Act
    const { remediation } = await world.workflows.runTriage(publicBucketEventBridgeEvent({ eventId }));
    const result = await remediation;
    // Assess
    expect(result?.status).toBe('SUCCEEDED');
    expect(result?.states.map((s) => s.name).slice(-6)).toEqual([
      'Record Verified',
      'Publish Resolved Finding',
      'Keep Unpublished Resolved Finding',
      'Start Rollback Offer',
      'Check Remediated Alert Delivery',
      'Remediated',
    ]);
    const publish = result?.states.find((s) => s.name === 'Publish Resolved Finding');
    expect(publish?.failures.length).toBe(5);
    expect(new Set(publish?.failures.map((failure) => failure.error))).toEqual(
      new Set(['FindingNotImportedError']),
    );
    expect((await world.eventsItem(eventId))?.status).toBe('VERIFIED');
    const kept = world.workflows.quarantined.map((message) => message.body as Record<string, unknown>);
    expect(kept).toEqual([
      expect.objectContaining({
        reason: 'finding-not-published',
        error: 'FindingNotImportedError',
        cause: expect.stringContaining('InvalidAccess'),
        request: expect.objectContaining({
          outcome: 'VERIFIED',
          event: expect.objectContaining({ eventId }),
        }),
      }),
    ]);
    expect(elsewhere.findings()).toEqual([]);
  });
});
