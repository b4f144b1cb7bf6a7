import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import {
  FINDING_LIMITS,
  FINDING_RESPONSES,
  isFindingEvent,
  parseFinding,
  parseFindingEvent,
  toIngestedEventFromFinding,
} from '../../src/findings/index.js';
import { decide, parsePolicy } from '../../src/policy/index.js';
import type { SecuritySignal } from '../../src/schemas/index.js';
import { IngestedEventSchema, type ScoredEvent } from '../../src/schemas/index.js';

/**
 * Fixtures: EventBridge events written for these tests in the shapes the GuardDuty finding format and the ASFF pages
 * of the AWS docs document (field names, nesting, severity scales, sample/archived flags); values are invented.
 */
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../fixtures/findings/${name}.json`, import.meta.url), 'utf8'));

function signalOf(name: string): SecuritySignal {
  const parsed = parseFindingEvent(fixture(name));
  if (!parsed.success) throw new Error(`${name}: ${parsed.reason}`);
  return parsed.signal;
}

const RECEIVED_AT = '2026-11-24T12:00:00.000Z';
const policy = parsePolicy({});

/** Decides with a neutral model score (LOW), so the level comes from the finding's own severity. */
function decisionFor(signal: SecuritySignal, score = 0.1) {
  const ingested = toIngestedEventFromFinding(signal, { receivedAt: RECEIVED_AT });
  const scored: ScoredEvent = {
    ...ingested,
    risk: { score, model: { id: 'test', version: '0' }, explanation: [] },
  };
  return { ingested, decision: decide(scored, policy) };
}

describe('GuardDuty Finding events → security signal', () => {
  it('reads stolen instance-role credentials as the role, keyed by finding id + updatedAt', () => {
    // Act
    const signal = signalOf('guardduty-instance-credential-exfiltration');
    // Assess
    expect(signal).toMatchObject({
      source: 'guardduty',
      productName: 'GuardDuty',
      findingId: '6ac4b2f1e0d94c3a8f7b1e2d3c4b5a69',
      updatedAt: '2026-11-24T11:47:02.314Z',
      idempotencyKey: 'finding:6ac4b2f1e0d94c3a8f7b1e2d3c4b5a69@2026-11-24T11:47:02.314Z',
      type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
      severity: { label: 'HIGH', normalized: 0.8, original: '8' },
      account: '111122223333',
      region: 'us-east-1',
      resource: {
        type: 'AWS::IAM::Role',
        id: 'web-app-instance-role',
        details: { roleName: 'web-app-instance-role', accessKeyId: 'ASIAIOSFODNN7EXAMPLE' },
      },
      actor: { type: 'AssumedRole', userName: 'web-app-instance-role' },
      remoteIp: '198.51.100.23',
      api: 'ListBuckets',
      ignoredBecause: null,
    });
  });

  it('reads a compromised instance with its security groups and VPC', () => {
    const signal = signalOf('guardduty-bitcoin-tool-dns');
    expect(signal.resource).toEqual({
      type: 'AWS::EC2::Instance',
      id: 'i-0abcd1234ef567890',
      arn: 'arn:aws:ec2:us-east-1:111122223333:instance/i-0abcd1234ef567890',
      account: '111122223333',
      region: 'us-east-1',
      details: {
        instanceId: 'i-0abcd1234ef567890',
        securityGroupIds: ['sg-0a1b2c3d4e5f67890', 'sg-0123456789abcdef0'],
        vpcId: 'vpc-0a1b2c3d',
        instanceProfileArn: 'arn:aws:iam::111122223333:instance-profile/web-app',
      },
    });
  });

  it('never acts on sample and archived findings, and says why', () => {
    const sample = signalOf('guardduty-sample-backdoor');
    const archived = signalOf('guardduty-archived-recon');
    expect(sample.ignoredBecause).toMatch(/sample finding \(service\.additionalInfo\.sample = true\)/);
    expect(archived.ignoredBecause).toMatch(/archived finding \(service\.archived = true\)/);
    for (const signal of [sample, archived]) {
      const { ingested, decision } = decisionFor(signal, 0.95);
      expect(ingested.detections).toEqual([]);
      expect(decision.action).toBe('LOG_ONLY');
      expect(decision.reason).toContain(`the finding is ${signal.ignoredBecause}`);
    }
  });
});

describe('Security Hub Findings - Imported (ASFF) → security signal', () => {
  it('reads a failed S3.8 control on a bucket', () => {
    const signal = signalOf('securityhub-s3-8-block-public-access');
    expect(signal).toMatchObject({
      source: 'securityhub',
      productName: 'Security Hub',
      controlId: 'S3.8',
      severity: { label: 'HIGH', normalized: 0.7 },
      resource: {
        type: 'AWS::S3::Bucket',
        id: 'customer-exports-2026',
        details: { bucket: 'customer-exports-2026' },
      },
      remediation: { url: 'https://docs.aws.amazon.com/console/securityhub/S3.8/remediation' },
    });
  });

  it('reads the world-open rules of an EC2.19 security group, and only those', () => {
    const signal = signalOf('securityhub-ec2-19-open-ssh');
    expect(signal.resource).toMatchObject({
      type: 'AWS::EC2::SecurityGroup',
      id: 'sg-0123456789abcdef0',
      details: {
        groupId: 'sg-0123456789abcdef0',
        openRules: [{ cidr: '0.0.0.0/0', ipProtocol: 'tcp', fromPort: 22, toPort: 22 }],
      },
    });
  });

  it('gives a GuardDuty finding imported into Security Hub the same key and type as the GuardDuty event', () => {
    const direct = signalOf('guardduty-instance-credential-exfiltration');
    const imported = signalOf('securityhub-guardduty-credential-exfiltration');
    expect(imported.idempotencyKey).toBe(direct.idempotencyKey);
    expect(imported.type).toBe(direct.type);
    expect(imported.resource).toMatchObject({ type: 'AWS::IAM::Role', id: 'web-app-instance-role' });
  });

  it("never acts on AISAWS's own published findings", () => {
    const signal = signalOf('securityhub-aisaws-own-finding');
    expect(signal.ignoredBecause).toMatch(/^published by AISAWS itself \(ProductName AISAWS/);
    expect(decisionFor(signal, 0.99).decision.action).toBe('LOG_ONLY');
  });

  it('never acts on a passed control check or a resolved / suppressed finding', () => {
    const event = fixture('securityhub-s3-8-block-public-access') as {
      detail: { findings: Record<string, unknown>[] };
    };
    const finding = event.detail.findings[0] as Record<string, unknown>;
    const passed = parseFinding({ ...finding, Compliance: { Status: 'PASSED', SecurityControlId: 'S3.8' } });
    const resolved = parseFinding({ ...finding, Workflow: { Status: 'RESOLVED' } });
    expect(passed.success && passed.signal.ignoredBecause).toMatch(/Compliance\.Status = PASSED/);
    expect(resolved.success && resolved.signal.ignoredBecause).toMatch(/set to RESOLVED/);
  });

  it('reads one finding from an `aws guardduty get-findings` / `aws securityhub get-findings` export', () => {
    const gd = parseFinding(fixture('guardduty-bitcoin-tool-dns').detail);
    const asff = parseFinding(
      (fixture('securityhub-inspector-cve').detail as { findings: unknown[] }).findings[0],
    );
    expect(gd.success && gd.signal.type).toBe('CryptoCurrency:EC2/BitcoinTool.B!DNS');
    expect(asff.success && asff.signal.productName).toBe('Inspector');
  });
});

describe('finding → response through the decision policy', () => {
  it.each([
    [
      'guardduty-instance-credential-exfiltration',
      'finding.role-credentials-compromised',
      'iam.revoke-role-sessions',
      'HUMAN_APPROVAL',
    ],
    [
      'guardduty-iam-user-tor-recon',
      'finding.access-key-compromised',
      'iam.deactivate-access-key',
      'HUMAN_APPROVAL',
    ],
    ['guardduty-bitcoin-tool-dns', 'finding.instance-compromised', 'ec2.isolate-instance', 'HUMAN_APPROVAL'],
    [
      'securityhub-s3-8-block-public-access',
      'finding.s3-bucket-public-access-block-off',
      's3.restore-bucket-public-access-block',
      'AUTO_REMEDIATE',
    ],
    [
      'securityhub-ec2-19-open-ssh',
      'finding.security-group-open',
      'ec2.revoke-world-open-ingress',
      'AUTO_REMEDIATE',
    ],
    [
      'securityhub-guardduty-credential-exfiltration',
      'finding.role-credentials-compromised',
      'iam.revoke-role-sessions',
      'HUMAN_APPROVAL',
    ],
  ])('%s → %s (%s): %s', (name, detectionId, playbook, action) => {
    const { ingested, decision } = decisionFor(signalOf(name));
    expect(IngestedEventSchema.parse(ingested)).toEqual(ingested);
    expect(ingested.eventId).toBe(ingested.finding?.idempotencyKey);
    expect(ingested.summary.eventSource).toMatch(/^(guardduty|securityhub)\.amazonaws\.com$/);
    expect(decision).toMatchObject({ detectionId, playbook, action });
  });

  it('raises the level to the finding severity and says so (the model cannot talk a HIGH finding down)', () => {
    const { decision } = decisionFor(signalOf('guardduty-bitcoin-tool-dns'), 0.1);
    expect(decision.level).toBe('HIGH');
    expect(decision.reason).toMatch(/raised to HIGH by the GuardDuty finding's own severity HIGH \(8\)/);
  });

  it('files a finding with no fix as alert-only and keeps its remediation advice for the alert', () => {
    const { ingested, decision } = decisionFor(signalOf('securityhub-inspector-cve'));
    expect(ingested.detections[0]).toMatchObject({
      id: 'finding.alert-only',
      playbook: null,
      evidence: { remediation: { text: 'Upgrade openssl to 3.0.99 or later.' } },
    });
    expect(decision).toMatchObject({
      action: 'ALERT',
      level: 'HIGH',
      detectionId: 'finding.alert-only',
      playbook: null,
    });
    expect(decision.reason).toMatch(/^alert: no automatic fix exists for finding\.alert-only/);
  });

  it('alerts on a MEDIUM GuardDuty finding with no fix, whatever the model says', () => {
    const { decision } = decisionFor(signalOf('guardduty-iam-user-tor-recon'), 0.05);
    expect(decision).toMatchObject({ level: 'MEDIUM' });
    const exfiltration = decisionFor(signalOf('guardduty-s3-exfiltration'), 0.05).decision;
    expect(exfiltration).toMatchObject({ action: 'ALERT', level: 'HIGH', detectionId: 'finding.alert-only' });
    expect(exfiltration.reason).toMatch(
      /score 0\.05 is LOW \(< 0\.40\), raised to HIGH by the GuardDuty finding's own severity HIGH \(8\)/,
    );
  });

  it('keeps a LOW finding with no fix at LOW', () => {
    const { decision } = decisionFor(signalOf('guardduty-port-probe'));
    expect(decision).toMatchObject({ action: 'LOG_ONLY', level: 'LOW' });
  });

  it('names the trail of a CloudTrailLoggingDisabled finding for cloudtrail.start-logging', () => {
    const { ingested } = decisionFor(signalOf('guardduty-cloudtrail-logging-disabled'));
    expect(ingested.detections[0]).toMatchObject({
      id: 'finding.cloudtrail-logging-disabled',
      playbook: 'cloudtrail.start-logging',
      resource: {
        details: { trailArn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events' },
      },
    });
  });
});

describe('hostile findings: a clear error naming the field, nothing acted on', () => {
  const gdEvent = () => fixture('guardduty-bitcoin-tool-dns') as { detail: Record<string, unknown> };
  const shEvent = () =>
    fixture('securityhub-s3-8-block-public-access') as { detail: { findings: Record<string, unknown>[] } };
  const reasonOf = (input: unknown): string => {
    const parsed = parseFindingEvent(input);
    if (parsed.success) throw new Error('expected the finding to be refused');
    return parsed.reason;
  };

  it('refuses a GuardDuty finding without a resource', () => {
    const event = gdEvent();
    delete event.detail.resource;
    expect(reasonOf(event)).toMatch(/^not a GuardDuty Finding event AISAWS can read: detail\.resource: /);
  });

  it('refuses a GuardDuty finding of a malformed type', () => {
    const event = gdEvent();
    event.detail.type = 'rm -rf /; CryptoCurrency';
    expect(reasonOf(event)).toMatch(/detail\.type: is not a GuardDuty finding type/);
  });

  it('refuses a resource kind AISAWS does not read, naming the ones it does', () => {
    const event = gdEvent();
    event.detail.resource = { resourceType: 'QuantumComputer' };
    expect(reasonOf(event)).toMatch(
      /detail\.resource\.resourceType: "QuantumComputer" is not a resource kind AISAWS reads \(AccessKey, Instance/,
    );
  });

  it('refuses an access-key finding without its key details', () => {
    const event = gdEvent();
    event.detail.resource = { resourceType: 'AccessKey' };
    expect(reasonOf(event)).toMatch(/detail\.resource\.accessKeyDetails: missing for resourceType AccessKey/);
  });

  it('refuses huge arrays instead of walking them', () => {
    const event = gdEvent();
    const instance = (event.detail.resource as { instanceDetails: Record<string, unknown> }).instanceDetails;
    instance.networkInterfaces = Array.from({ length: 100_000 }, () => ({ securityGroups: [] }));
    expect(reasonOf(event)).toMatch(/detail\.resource\.instanceDetails\.networkInterfaces: Too big/i);

    const asff = shEvent();
    const finding = asff.detail.findings[0] as Record<string, unknown>;
    asff.detail.findings = Array.from({ length: 5000 }, () => finding);
    expect(reasonOf(asff)).toMatch(/detail\.findings: Security Hub sends exactly one finding per event/);

    const resources = shEvent();
    const one = resources.detail.findings[0] as { Resources: unknown[] };
    one.Resources = Array.from({ length: FINDING_LIMITS.asffResources + 1 }, () => one.Resources[0]);
    expect(reasonOf(resources)).toMatch(/detail\.findings\.0\.Resources: Too big/i);
  });

  it('refuses an ASFF finding with no resource or an unknown type namespace', () => {
    const empty = shEvent();
    (empty.detail.findings[0] as { Resources: unknown[] }).Resources = [];
    expect(reasonOf(empty)).toMatch(/Resources: Resources is empty: the finding names no resource/);

    const unknown = shEvent();
    (unknown.detail.findings[0] as { Types: string[] }).Types = ['Made Up/Category'];
    expect(reasonOf(unknown)).toMatch(
      /Types\.0: finding type "Made Up\/Category" is not in an ASFF namespace/,
    );
  });

  it('only routes finding detail-types to the finding parser', () => {
    expect(isFindingEvent(fixture('guardduty-port-probe'))).toBe(true);
    expect(isFindingEvent({ 'detail-type': 'AWS API Call via CloudTrail' })).toBe(false);
    expect(isFindingEvent(null)).toBe(false);
  });
});

describe('FINDING_RESPONSES', () => {
  it('names only playbooks core describes, with the resource type the playbook acts on', async () => {
    const { getPlaybook } = await import('../../src/playbooks/index.js');
    for (const response of FINDING_RESPONSES) {
      if (response.playbook === null) continue;
      expect({ id: response.id, known: getPlaybook(response.playbook) !== undefined }).toEqual({
        id: response.id,
        known: true,
      });
    }
    expect(getPlaybook('iam.revoke-role-sessions')?.resourceType).toBe('AWS::IAM::Role');
    expect(getPlaybook('ec2.isolate-instance')?.resourceType).toBe('AWS::EC2::Instance');
  });
});
