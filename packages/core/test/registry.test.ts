import { describe, expect, it } from '@jest/globals';
import type { DetectionDefinition } from '../src/detections/index.js';
import {
  catalog,
  createDetectionRegistry,
  DETECTIONS,
  defineDetection,
  INFORMATIONAL_SEVERITY,
  isInformational,
} from '../src/detections/index.js';
import { FINDING_RESPONSES } from '../src/findings/index.js';
import { PLAYBOOKS } from '../src/playbooks/index.js';
import { CloudTrailRecordSchema } from '../src/schemas/index.js';
import type { DetectionHit } from '../src/schemas/stages.js';

const record = (overrides: Record<string, unknown>) =>
  CloudTrailRecordSchema.parse({
    eventID: 'e-1',
    eventSource: 's3.amazonaws.com',
    eventName: 'PutBucketAcl',
    awsRegion: 'eu-west-1',
    recipientAccountId: '111122223333',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333' },
    requestParameters: { bucketName: 'b1', 'x-amz-acl': ['public-read'] },
    ...overrides,
  });

/** Ids of the hits that carry a signal (informational change monitors left out). */
const signalIds = (hits: readonly DetectionHit[]): string[] =>
  hits.filter((h) => !isInformational(h)).map((h) => h.id);

const minimal = (overrides: Partial<DetectionDefinition>): DetectionDefinition => ({
  id: 'test.minimal',
  title: 'Minimal',
  category: 'DIS',
  mitre: ['T1580'],
  severity: 0.5,
  description: 'A test definition.',
  triggers: [{ eventSource: 'ec2.amazonaws.com', eventNames: ['DescribeRegions'] }],
  playbook: null,
  match: () => ({ resource: null, summary: 'matched' }),
  ...overrides,
});

describe('detection registry', () => {
  it('refuses two definitions with the same id', () => {
    const [first] = DETECTIONS;
    if (!first) throw new Error('catalog is empty');
    expect(() => createDetectionRegistry([first, first])).toThrow(/duplicate detection id/);
  });

  it('never reports a failed call as actionable, and skips it for change detections', () => {
    expect(catalog.detect(record({ errorCode: 'AccessDenied' }))).toEqual([]);
  });

  it('skips AISAWS own roles (by exact ARN) and AWS service principals', () => {
    const session = (roleArn: string) => ({
      type: 'AssumedRole',
      arn: `arn:aws:sts::111122223333:assumed-role/${roleArn.split('/').pop()}/x`,
      accountId: '111122223333',
      sessionContext: { sessionIssuer: { type: 'Role', arn: roleArn, accountId: '111122223333' } },
    });
    const deployed = 'arn:aws:iam::111122223333:role/aisaws-dev-remediation';
    const selfRoleArns = new Set([deployed]);
    expect(catalog.detect(record({ userIdentity: session(deployed) }), { selfRoleArns })).toEqual([]);
    expect(
      catalog.detect(
        record({ userIdentity: { type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' } }),
      ),
    ).toEqual([]);
    expect(signalIds(catalog.detect(record({})))).toEqual(['s3.bucket-acl-public']);
  });

  it('attack: a role merely named like AISAWS (aisaws-x), or one on another path or account, is watched', () => {
    // Prepare: the deployed role, and look-alikes an attacker with iam:CreateRole could make
    const selfRoleArns = new Set(['arn:aws:iam::111122223333:role/aisaws-dev-member-remediation']);
    const session = (roleArn: string) => ({
      type: 'AssumedRole',
      arn: `arn:aws:sts::111122223333:assumed-role/${roleArn.split('/').pop()}/x`,
      sessionContext: { sessionIssuer: { type: 'Role', arn: roleArn } },
    });
    const lookAlikes = [
      'arn:aws:iam::111122223333:role/aisaws-x',
      'arn:aws:iam::111122223333:role/team/aisaws-dev-member-remediation',
      'arn:aws:iam::444455556666:role/aisaws-dev-member-remediation',
    ];
    // A user whose own ARN is a deployed role's is not a session of that role.
    const userNamedLikeRole = {
      type: 'IAMUser',
      arn: 'arn:aws:iam::111122223333:role/aisaws-dev-member-remediation',
    };

    // Act
    const hits = [...lookAlikes.map(session), userNamedLikeRole].map((userIdentity) =>
      signalIds(catalog.detect(record({ userIdentity }), { selfRoleArns })),
    );

    // Assess
    expect(hits).toEqual([
      ['s3.bucket-acl-public'],
      ['s3.bucket-acl-public'],
      ['s3.bucket-acl-public'],
      ['s3.bucket-acl-public'],
    ]);
  });

  it("treats a change CloudFormation makes for a user as that user's change, but skips services doing their own work", () => {
    // Prepare: the same public-ACL call, once provisioned by a stack, once made by AWS Config for itself.
    const user = { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333' };
    const viaStack = record({ userIdentity: { ...user, invokedBy: 'cloudformation.amazonaws.com' } });
    const byConfig = record({ userIdentity: { ...user, invokedBy: 'config.amazonaws.com' } });
    // Act & Assess
    expect(signalIds(catalog.detect(viaStack))).toEqual(['s3.bucket-acl-public']);
    expect(catalog.detect(byConfig)).toEqual([]);
  });

  it('runs principal-type definitions on any event of that principal, and only those', () => {
    const watcher = defineDetection(
      minimal({ id: 'test.root-watch', triggers: [], principalTypes: ['Root'] }),
    );
    const registry = createDetectionRegistry([watcher]);
    const root = { type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' };
    expect(registry.detect(record({ userIdentity: root })).map((h) => h.id)).toEqual(['test.root-watch']);
    expect(registry.detect(record({}))).toEqual([]);
    expect(registry.principalTypes()).toEqual(['Root']);
  });

  it('sorts hits by severity and lets a match override the base severity', () => {
    const low = defineDetection(
      minimal({
        id: 'test.low',
        severity: 0.9,
        match: () => ({ resource: null, summary: 'low', severity: 0.1 }),
      }),
    );
    const high = defineDetection(minimal({ id: 'test.high', severity: 0.6 }));
    const hits = createDetectionRegistry([low, high]).detect(
      record({ eventSource: 'ec2.amazonaws.com', eventName: 'DescribeRegions' }),
    );
    expect(hits.map((h) => [h.id, h.severity])).toEqual([
      ['test.high', 0.6],
      ['test.low', 0.1],
    ]);
  });
});

describe('informational hits', () => {
  it('are never actionable, even when a match lowers a detection that has a playbook', () => {
    const quiet = defineDetection(
      minimal({
        id: 'test.quiet',
        severity: 0.8,
        playbook: 's3.make-bucket-private',
        match: (r) => ({
          resource: {
            type: 'AWS::S3::Bucket',
            id: 'b1',
            account: '111122223333',
            region: 'eu-west-1',
            details: {},
          },
          summary: 'lowered',
          severity: r.eventName === 'DescribeRegions' ? 0.1 : 0.8,
        }),
      }),
    );
    const registry = createDetectionRegistry([quiet]);
    const lowered = registry.detect(
      record({ eventSource: 'ec2.amazonaws.com', eventName: 'DescribeRegions' }),
    );
    expect(lowered.map((h) => [h.severity, h.actionable])).toEqual([[0.1, false]]);
    expect(isInformational({ severity: INFORMATIONAL_SEVERITY })).toBe(true);
    expect(isInformational({ severity: 0.2 })).toBe(false);
  });
});

describe('defineDetection validation', () => {
  it.each([
    [{ id: 'NoDots' }, /id must be dotted/],
    [{ severity: 1.5 }, /severity must be in \[0, 1\]/],
    [{ triggers: [] }, /at least one trigger or principal type/],
    [{ mitre: ['TA0005'] }, /MITRE id TA0005/],
    [{ triggers: [{ eventSource: 'ec2', eventNames: ['X'] }] }, /must end with .amazonaws.com/],
    [{ severity: 0.1, playbook: 's3.make-bucket-private' }, /informational detection .* has no playbook/],
  ])('rejects %j', (override, message) => {
    expect(() => defineDetection(minimal(override as Partial<DetectionDefinition>))).toThrow(message);
  });
});

describe('catalog invariants', () => {
  const playbookIds = new Set(PLAYBOOKS.map((p) => p.id));

  it('has at least 40 detections with unique ids', () => {
    const ids = DETECTIONS.map((d) => d.id);
    expect(ids.length).toBeGreaterThanOrEqual(40);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(DETECTIONS.map((d) => [d.id, d] as const))('%s is well-formed', (_id, detection) => {
    expect(detection.playbook === null || playbookIds.has(detection.playbook)).toBe(true);
    for (const technique of detection.mitre) expect(technique).toMatch(/^T\d{4}(\.\d{3})?$/);
    expect(detection.severity).toBeGreaterThan(0);
    expect(detection.severity).toBeLessThanOrEqual(1);
    expect(detection.triggers.length + (detection.principalTypes?.length ?? 0)).toBeGreaterThan(0);
    for (const trigger of detection.triggers) expect(trigger.eventNames.length).toBeGreaterThan(0);
    expect(detection.title.length).toBeGreaterThan(5);
    expect(detection.description.length).toBeGreaterThan(20);
  });

  it('uses matchesFailures only for detections that never name a playbook', () => {
    const offenders = DETECTIONS.filter((d) => d.matchesFailures && d.playbook !== null).map((d) => d.id);
    expect(offenders).toEqual([]);
  });

  it('uses every playbook descriptor from at least one detection or finding response', () => {
    const used = new Set([
      ...DETECTIONS.flatMap((d) => [d.playbook, ...(d.otherPlaybooks ?? [])]),
      ...FINDING_RESPONSES.map((response) => response.playbook),
    ]);
    expect(PLAYBOOKS.map((p) => p.id).filter((id) => !used.has(id))).toEqual([]);
  });
});
