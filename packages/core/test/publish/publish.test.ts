import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { toIngestedEvent } from '../../src/events/index.js';
import { parseFindingEvent, toIngestedEventFromFinding } from '../../src/findings/index.js';
import { decide, parsePolicy } from '../../src/policy/index.js';
import {
  findingIdOf,
  hasFindingToPublish,
  PublishFindingRequestSchema,
  productArnOf,
  severityLabel,
  toAsffFinding,
  toOcsfDetectionFinding,
  workflowStatusOf,
} from '../../src/publish/index.js';
import { CloudTrailRecordSchema, type DecidedEvent, type IngestedEvent } from '../../src/schemas/index.js';

const SECURITY_ACCOUNT = '999988887777';
const REGION = 'eu-west-1';
const NOW = '2026-12-05T03:00:00.000Z';
const context = { account: SECURITY_ACCOUNT, region: REGION, now: NOW };

const cloudTrail = (path: string) =>
  CloudTrailRecordSchema.parse(
    JSON.parse(readFileSync(new URL(`../fixtures/cloudtrail/${path}`, import.meta.url), 'utf8')),
  );

function decided(ingested: IngestedEvent, score: number): DecidedEvent {
  const scored = {
    ...ingested,
    risk: {
      score,
      model: { id: 'test', version: '1' },
      explanation: [
        { feature: 'detectionSeverity', value: 0.9, contribution: 1.2 },
        { feature: 'actorIsRoot', value: 0, contribution: -0.3 },
      ],
    },
  };
  return { ...scored, decision: decide(scored, parsePolicy({}), { now: new Date(NOW) }) };
}

const publicBucket = (score = 0.82) =>
  decided(toIngestedEvent(cloudTrail('s3/bucket-acl-public-canned.json'), { receivedAt: NOW }), score);

describe('ASFF: a decision as a Security Hub finding', () => {
  it('names the custom product of the account AISAWS runs in, and keeps one Id per event', () => {
    // Prepare
    const event = publicBucket();
    // Act
    const first = toAsffFinding({ schemaVersion: 1, outcome: 'ALERTED', event }, context);
    const later = toAsffFinding(
      { schemaVersion: 1, outcome: 'VERIFIED', event },
      { ...context, now: '2026-12-05T03:05:00.000Z' },
    );
    // Assess
    expect(first.ProductArn).toBe(
      `arn:aws:securityhub:${REGION}:${SECURITY_ACCOUNT}:product/${SECURITY_ACCOUNT}/default`,
    );
    expect(first.AwsAccountId).toBe(SECURITY_ACCOUNT);
    expect(first.Id).toBe(`aisaws/${event.eventId}`);
    expect(later.Id).toBe(first.Id);
    expect(later.CreatedAt).toBe(first.CreatedAt);
    expect(later.UpdatedAt > first.UpdatedAt).toBe(true);
    expect(first.GeneratorId).toBe('s3.bucket-acl-public');
    expect(first.ProductName).toBe('AISAWS');
  });

  it('carries the score, its explanation, the decision and the playbook', () => {
    const event = publicBucket(0.82);
    const finding = toAsffFinding({ schemaVersion: 1, outcome: 'AWAITING_APPROVAL', event }, context);
    expect(finding.Severity).toEqual({ Label: 'HIGH', Normalized: 82, Original: '0.820' });
    expect(finding.FindingProviderFields.Severity.Label).toBe('HIGH');
    expect(finding.ProductFields['aisaws/decision']).toBe(event.decision.action);
    expect(finding.ProductFields['aisaws/decisionReason']).toBe(event.decision.reason);
    expect(finding.ProductFields['aisaws/playbook']).toBe(event.decision.playbook);
    expect(finding.ProductFields['aisaws/explanation']).toBe('detectionSeverity +1.200; actorIsRoot -0.300');
    expect(finding.Remediation.Recommendation.Text).toContain(String(event.decision.playbook));
    expect(finding.Resources).toEqual([
      expect.objectContaining({
        Type: 'AwsS3Bucket',
        Id: 'arn:aws:s3:::quarterly-reports-eu',
        Partition: 'aws',
      }),
    ]);
  });

  it.each([
    ['VERIFIED', 'RESOLVED', 'PASSED'],
    ['AWAITING_APPROVAL', 'NOTIFIED', 'FAILED'],
    ['ALERTED', 'NEW', 'FAILED'],
    ['REJECTED', 'NEW', 'FAILED'],
    ['FAILED', 'NEW', 'FAILED'],
    ['LOGGED', 'NEW', 'FAILED'],
  ] as const)('%s → Workflow.Status %s, Compliance.Status %s', (outcome, workflow, compliance) => {
    const finding = toAsffFinding({ schemaVersion: 1, outcome, event: publicBucket() }, context);
    expect(finding.Workflow.Status).toBe(workflow);
    expect(workflowStatusOf(outcome)).toBe(workflow);
    expect(finding.Compliance.Status).toBe(compliance);
  });

  it.each([
    [0, 'INFORMATIONAL'],
    [1, 'LOW'],
    [39, 'LOW'],
    [40, 'MEDIUM'],
    [69, 'MEDIUM'],
    [70, 'HIGH'],
    [89, 'HIGH'],
    [90, 'CRITICAL'],
    [100, 'CRITICAL'],
  ] as const)('Normalized %i is %s', (normalized, label) => {
    expect(severityLabel(normalized)).toBe(label);
  });

  it('hashes an eventId that would make the Id longer than ASFF allows, keeping it stable', () => {
    const long = 'x'.repeat(600);
    expect(findingIdOf(long)).toMatch(/^aisaws\/sha256\/[0-9a-f]{64}$/);
    expect(findingIdOf(long)).toBe(findingIdOf(long));
    expect(findingIdOf(`${long}y`)).not.toBe(findingIdOf(long));
  });

  it('clips text to the ASFF limits', () => {
    const event = publicBucket();
    const reason = 'r'.repeat(5000);
    const finding = toAsffFinding(
      { schemaVersion: 1, outcome: 'ALERTED', event: { ...event, decision: { ...event.decision, reason } } },
      context,
    );
    expect(finding.Description.length).toBeLessThanOrEqual(1024);
    expect(finding.ProductFields['aisaws/decisionReason']?.length).toBeLessThanOrEqual(2048);
  });

  it('has nothing to publish for an event without detection, and refuses to invent one', () => {
    const event = { ...publicBucket(0.1), detections: [] };
    expect(hasFindingToPublish(event)).toBe(false);
    expect(() => toAsffFinding({ schemaVersion: 1, outcome: 'LOGGED', event }, context)).toThrow(
      /no detection/,
    );
  });

  it('round trip: AISAWS’s own finding, imported back from Security Hub, is never acted on', () => {
    // Prepare: the finding AISAWS publishes, as Security Hub sends it back to EventBridge
    const finding = toAsffFinding(
      { schemaVersion: 1, outcome: 'AWAITING_APPROVAL', event: publicBucket() },
      context,
    );
    const imported = {
      version: '0',
      id: 'c0ffee00-0000-4000-8000-000000000001',
      'detail-type': 'Security Hub Findings - Imported',
      source: 'aws.securityhub',
      account: SECURITY_ACCOUNT,
      time: NOW,
      region: REGION,
      resources: [finding.ProductArn],
      detail: { findings: [finding] },
    };
    // Act
    const parsed = parseFindingEvent(imported);
    // Assess
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    expect(parsed.signal.ignoredBecause).toMatch(/published by AISAWS itself/);
    expect(toIngestedEventFromFinding(parsed.signal, { receivedAt: NOW }).detections).toEqual([]);
  });

  it('the request schema refuses an unknown outcome', () => {
    const parsed = PublishFindingRequestSchema.safeParse({
      schemaVersion: 1,
      outcome: 'DONE',
      event: publicBucket(),
    });
    expect(parsed.success).toBe(false);
    expect(productArnOf('us-east-1', '111122223333')).toBe(
      'arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default',
    );
  });
});

describe('OCSF: a decision as a Detection Finding (class 2004)', () => {
  it('fills the class, the severity from the score, the detection as analytic and the decision in unmapped', () => {
    const event = publicBucket(0.82);
    const ocsf = toOcsfDetectionFinding(
      {
        eventId: event.eventId,
        eventName: event.summary.eventName,
        eventTime: event.summary.eventTime,
        account: event.summary.account,
        region: event.summary.region,
        actor: event.summary.actor,
        detections: event.detections,
        risk: { ...event.risk, level: event.decision.level },
        decision: event.decision,
      },
      { productVersion: '0.1.0', nowMs: Date.parse(NOW) },
    );
    expect(ocsf).toMatchObject({
      class_uid: 2004,
      category_uid: 2,
      activity_id: 1,
      type_uid: 200401,
      severity_id: 4,
      risk_score: 82,
      time: Date.parse(String(event.summary.eventTime)),
      metadata: { version: '1.8.0', product: { name: 'AISAWS', version: '0.1.0' } },
      finding_info: { uid: `aisaws/${event.eventId}`, analytic: { uid: 's3.bucket-acl-public', type_id: 1 } },
      unmapped: {
        aisaws: { decision: { action: event.decision.action, playbook: event.decision.playbook } },
      },
    });
    expect(ocsf.resources).toEqual([expect.objectContaining({ uid: 'arn:aws:s3:::quarterly-reports-eu' })]);
  });
});
