import { readdirSync, readFileSync } from 'node:fs';
import { toIngestedEvent } from '@aisaws/core/events';
import { parseFindingEvent, toIngestedEventFromFinding } from '@aisaws/core/findings';
import { decide, parsePolicy } from '@aisaws/core/policy';
import { type PublishedOutcome, toAsffFinding, toOcsfDetectionFinding } from '@aisaws/core/publish';
import type { DecidedEvent, IngestedEvent } from '@aisaws/core/schemas';
import { describe, expect, it } from '@jest/globals';
import {
  bucketMadePublicByAcl,
  instanceCredentialExfiltration,
  securityGroupOpenToWorldOnSsh,
} from '../src/fixtures/index.js';
import {
  ASFF_SCHEMA_PATH,
  asffSchemaErrors,
  ocsfDetectionFindingSchemaErrors,
} from '../src/schemas/index.js';

const NOW = '2026-12-05T03:00:00.000Z';
const FINDING_FIXTURES = new URL('../../core/test/fixtures/findings/', import.meta.url);

function decided(ingested: IngestedEvent, score: number): DecidedEvent {
  const scored = {
    ...ingested,
    risk: {
      score,
      model: { id: 'test', version: '1' },
      explanation: [{ feature: 'detectionSeverity', value: 0.9, contribution: 1.1 }],
    },
  };
  return { ...scored, decision: decide(scored, parsePolicy({}), { now: new Date(NOW) }) };
}

function events(): DecidedEvent[] {
  const guardDuty = parseFindingEvent(instanceCredentialExfiltration('web-app-instance-role'));
  if (!guardDuty.success) throw new Error(guardDuty.reason);
  return [
    decided(toIngestedEvent(bucketMadePublicByAcl(), { receivedAt: NOW }), 0.82),
    decided(toIngestedEvent(securityGroupOpenToWorldOnSsh(), { receivedAt: NOW }), 0.55),
    decided(toIngestedEventFromFinding(guardDuty.signal, { receivedAt: NOW }), 0.93),
  ];
}

const OUTCOMES: readonly PublishedOutcome[] = [
  'LOGGED',
  'ALERTED',
  'AWAITING_APPROVAL',
  'VERIFIED',
  'REJECTED',
  'FAILED',
];

describe('ASFF schema (generated from the Security Hub model in @aws-sdk/client-securityhub)', () => {
  it('was generated from the Security Hub client the workspace installs (else: tsx scripts/gen-asff-schema.ts)', () => {
    const installed = JSON.parse(
      readFileSync(
        new URL('../../../node_modules/@aws-sdk/client-securityhub/package.json', import.meta.url),
        'utf8',
      ),
    ) as { version: string };
    const schema = JSON.parse(readFileSync(ASFF_SCHEMA_PATH, 'utf8')) as { $comment: string };
    expect(schema.$comment).toContain(`@aws-sdk/client-securityhub ${installed.version}`);
  });

  const samples = readdirSync(FINDING_FIXTURES).filter((name) => name.startsWith('securityhub-'));

  it.each(samples)('accepts the ASFF finding of %s', (name) => {
    const event = JSON.parse(readFileSync(new URL(name, FINDING_FIXTURES), 'utf8')) as {
      detail: { findings: unknown[] };
    };
    expect(asffSchemaErrors(event.detail.findings[0])).toEqual([]);
  });

  it('accepts every finding AISAWS publishes, for every outcome', () => {
    for (const event of events())
      for (const outcome of OUTCOMES) {
        const finding = toAsffFinding(
          { schemaVersion: 1, outcome, event, error: { error: 'AccessDenied', cause: 'denied' } },
          { account: '999988887777', region: 'eu-west-1', now: NOW },
        );
        expect({ outcome, eventId: event.eventId, errors: asffSchemaErrors(finding) }).toEqual({
          outcome,
          eventId: event.eventId,
          errors: [],
        });
      }
  });

  it('rejects a misspelt attribute, an unknown workflow status and a finding without Resources', () => {
    const finding = toAsffFinding(
      { schemaVersion: 1, outcome: 'ALERTED', event: events()[0] as DecidedEvent },
      { account: '999988887777', region: 'eu-west-1', now: NOW },
    );
    const { Resources: _dropped, ...withoutResources } = finding;
    expect(asffSchemaErrors({ ...finding, Severty: finding.Severity })).toEqual([
      '(root): must NOT have additional properties (Severty)',
    ]);
    expect(asffSchemaErrors({ ...finding, Workflow: { Status: 'DONE' } })).toEqual([
      '/Workflow/Status: must be equal to one of the allowed values (["NEW","NOTIFIED","RESOLVED","SUPPRESSED"])',
    ]);
    expect(asffSchemaErrors(withoutResources)).toEqual(["(root): must have required property 'Resources'"]);
    expect(asffSchemaErrors({ ...finding, Severity: { ...finding.Severity, Normalized: '82' } })).toEqual([
      '/Severity/Normalized: must be number',
    ]);
  });
});

describe('OCSF 1.8.0 Detection Finding schema (generated from ocsf/ocsf-schema)', () => {
  const ocsfOf = (event: DecidedEvent) =>
    toOcsfDetectionFinding(
      {
        eventId: event.eventId,
        eventName: event.summary.eventName,
        eventSource: event.summary.eventSource,
        eventTime: event.summary.eventTime,
        account: event.summary.account,
        region: event.summary.region,
        actor: event.summary.actor,
        ...(event.summary.sourceIp ? { sourceIp: event.summary.sourceIp } : {}),
        detections: event.detections,
        risk: { ...event.risk, level: event.decision.level },
        decision: event.decision,
        source: { file: 'trail.json', index: 0 },
      },
      { productVersion: '0.1.0', nowMs: Date.parse(NOW) },
    );

  it('accepts what AISAWS writes', () => {
    for (const event of events()) expect(ocsfDetectionFindingSchemaErrors(ocsfOf(event))).toEqual([]);
  });

  it('rejects another class, a severity outside the enumeration, an undefined attribute and a missing uid', () => {
    const ocsf = ocsfOf(events()[0] as DecidedEvent);
    expect(ocsfDetectionFindingSchemaErrors({ ...ocsf, class_uid: 2003 })).toEqual([
      '/class_uid: must be equal to constant',
    ]);
    expect(ocsfDetectionFindingSchemaErrors({ ...ocsf, severity_id: 7 })).toEqual([
      '/severity_id: must be equal to one of the allowed values ([0,1,2,3,4,5,6,99])',
    ]);
    expect(ocsfDetectionFindingSchemaErrors({ ...ocsf, decision: 'ALERT' })).toEqual([
      '(root): must NOT have additional properties (decision)',
    ]);
    const { uid: _uid, ...info } = ocsf.finding_info as Record<string, unknown>;
    expect(ocsfDetectionFindingSchemaErrors({ ...ocsf, finding_info: info })).toEqual([
      "/finding_info: must have required property 'uid'",
    ]);
  });
});
