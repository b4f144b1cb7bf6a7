import { describe, expect, it } from '@jest/globals';
import { DEFAULT_POLICY, decide, levelFor, type Policy, parsePolicy } from '../../src/policy/index.js';
import { DecisionSchema } from '../../src/schemas/index.js';
import { hit, iamUserRecord, publicAclRecord, scored } from '../scoring/fixtures.js';

const policyWith = (input: Record<string, unknown>): Policy => parsePolicy(input, 'test-policy');

describe('levelFor', () => {
  it('maps scores to levels at the thresholds (inclusive lower bounds)', () => {
    // Act & Assess
    expect(levelFor(0, DEFAULT_POLICY)).toBe('LOW');
    expect(levelFor(0.3999, DEFAULT_POLICY)).toBe('LOW');
    expect(levelFor(0.4, DEFAULT_POLICY)).toBe('MEDIUM');
    expect(levelFor(0.6999, DEFAULT_POLICY)).toBe('MEDIUM');
    expect(levelFor(0.7, DEFAULT_POLICY)).toBe('HIGH');
    expect(levelFor(1, DEFAULT_POLICY)).toBe('HIGH');
  });

  it('follows custom thresholds', () => {
    // Prepare
    const policy = policyWith({ thresholds: { medium: 0.2, high: 0.5 } });

    // Act & Assess
    expect(levelFor(0.25, policy)).toBe('MEDIUM');
    expect(levelFor(0.5, policy)).toBe('HIGH');
  });
});

describe('decide: nothing to fix → LOG_ONLY (nobody told) or ALERT (a person told)', () => {
  it('no detection', () => {
    // Act
    const decision = decide(scored(0.95, [], iamUserRecord()), DEFAULT_POLICY);

    // Assess
    expect(decision).toMatchObject({
      action: 'LOG_ONLY',
      level: 'HIGH',
      detectionId: null,
      playbook: null,
      exempt: false,
    });
    expect(decision.reason).toContain('no detection matched');
    expect(decision.reason).toContain('score 0.95 is HIGH');
  });

  it('a failed call at HIGH: the attempt is a signal → ALERT, nothing to fix', () => {
    // Prepare
    const event = scored(0.8, [hit({ actionable: false })], publicAclRecord({ errorCode: 'AccessDenied' }));

    // Act
    const decision = decide(event, DEFAULT_POLICY);

    // Assess
    expect(decision).toMatchObject({ action: 'ALERT', detectionId: 's3.bucket-acl-public', playbook: null });
    expect(decision.reason).toMatch(/^alert: the call failed \(AccessDenied\)/);
  });

  it('a detection without a playbook (alert only) at HIGH → ALERT, the reason says no fix exists', () => {
    // Prepare
    const event = scored(0.9, [
      hit({ id: 'signin.console-login-risky', playbook: null, actionable: false, resource: null }),
    ]);

    // Act
    const decision = decide(event, DEFAULT_POLICY);

    // Assess
    expect(decision).toMatchObject({
      action: 'ALERT',
      level: 'HIGH',
      detectionId: 'signin.console-login-risky',
      playbook: null,
      exempt: false,
    });
    expect(decision.reason).toContain('alert: no automatic fix exists for signin.console-login-risky');
    expect(DecisionSchema.parse(decision)).toEqual(decision);
  });

  it('a detection without a playbook at MEDIUM → ALERT; at LOW → LOG_ONLY', () => {
    // Prepare
    const detection = hit({
      id: 'signin.console-login-risky',
      playbook: null,
      actionable: false,
      resource: null,
    });

    // Act
    const medium = decide(scored(0.5, [detection]), DEFAULT_POLICY);
    const low = decide(scored(0.3, [detection]), DEFAULT_POLICY);

    // Assess
    expect(medium).toMatchObject({ action: 'ALERT', level: 'MEDIUM' });
    expect(low).toMatchObject({ action: 'LOG_ONLY', level: 'LOW', detectionId: null });
    expect(low.reason).toContain('logged only: no automatic fix exists for signin.console-login-risky');
  });

  it('alerts about the most severe detection the policy does not silence', () => {
    // Prepare
    const event = scored(0.9, [
      hit({
        id: 'identity.root-console-login-failed',
        severity: 0.9,
        playbook: null,
        actionable: false,
        resource: null,
      }),
      hit({
        id: 'identity.root-console-login',
        severity: 0.6,
        playbook: null,
        actionable: false,
        resource: null,
      }),
    ]);

    // Act
    const both = decide(event, DEFAULT_POLICY);
    const oneSilenced = decide(
      event,
      policyWith({ detections: { 'identity.root-console-login-failed': { mode: 'log' } } }),
    );
    const allSilenced = decide(
      event,
      policyWith({
        detections: {
          'identity.root-console-login-failed': { mode: 'log' },
          'identity.root-console-login': { mode: 'log' },
        },
      }),
    );

    // Assess
    expect(both).toMatchObject({ action: 'ALERT', detectionId: 'identity.root-console-login-failed' });
    expect(oneSilenced).toMatchObject({ action: 'ALERT', detectionId: 'identity.root-console-login' });
    expect(allSilenced).toMatchObject({ action: 'LOG_ONLY', detectionId: null });
    expect(allSilenced.reason).toContain('= log');
  });

  it('informational hits alone (change monitors) tell nobody, even at HIGH: LOG_ONLY', () => {
    // Prepare
    const event = scored(0.9, [
      hit({
        id: 'identity.root-console-login',
        severity: 0.1,
        playbook: null,
        actionable: false,
        resource: null,
      }),
    ]);

    // Act
    const decision = decide(event, DEFAULT_POLICY);

    // Assess
    expect(decision).toMatchObject({ action: 'LOG_ONLY', level: 'HIGH', detectionId: null });
    expect(decision.reason).toContain('informational detections only: nobody is told');
  });

  it('says an informational-only event is a record for the analyst, not "alert only", and names a signal hit alone', () => {
    // Prepare
    const change = hit({
      id: 'ec2.firewall-changed',
      severity: 0.15,
      playbook: null,
      actionable: false,
      resource: null,
    });
    const informationalOnly = scored(0.2, [change]);
    const withSignal = scored(0.2, [
      hit({ id: 'rds.database-deleted', severity: 0.55, playbook: null, actionable: false, resource: null }),
      change,
    ]);

    // Act
    const quiet = decide(informationalOnly, DEFAULT_POLICY);
    const signal = decide(withSignal, DEFAULT_POLICY);

    // Assess
    expect(quiet.action).toBe('LOG_ONLY');
    expect(quiet.reason).toContain(
      'informational detections only (ec2.firewall-changed): a record for the analyst',
    );
    expect(quiet.reason).not.toContain('alert only');
    expect(signal.reason).toContain('no automatic fix exists for rds.database-deleted: alert only');
  });

  it('a detection with a playbook that names no resource → ALERT, says why', () => {
    // Prepare
    const event = scored(0.9, [hit({ actionable: false, resource: null })]);

    // Act
    const decision = decide(event, DEFAULT_POLICY);

    // Assess
    expect(decision.action).toBe('ALERT');
    expect(decision.reason).toContain('named no resource to fix');
  });
});

describe('decide: the seed rules', () => {
  it('LOW → LOG_ONLY even with a fixable detection', () => {
    // Act
    const decision = decide(scored(0.39, [hit()]), DEFAULT_POLICY);

    // Assess
    expect(decision).toMatchObject({ action: 'LOG_ONLY', level: 'LOW', detectionId: 's3.bucket-acl-public' });
    expect(decision.reason).toContain('below the MEDIUM threshold (0.40)');
  });

  it('MEDIUM with a safe playbook → AUTO_REMEDIATE', () => {
    // Act
    const decision = decide(scored(0.55, [hit()]), DEFAULT_POLICY);

    // Assess
    expect(decision).toMatchObject({
      action: 'AUTO_REMEDIATE',
      level: 'MEDIUM',
      detectionId: 's3.bucket-acl-public',
      playbook: 's3.make-bucket-private',
      dryRun: false,
      exempt: false,
    });
    expect(decision.reason).toContain('playbook s3.make-bucket-private is safe and reversible');
    expect(decision.reason).toContain('score 0.55 is MEDIUM');
    expect(decision.reason).toContain('Bucket reports-2026 ACL made public');
  });

  it('HIGH with a safe playbook → AUTO_REMEDIATE (autoAtHighForSafePlaybooks)', () => {
    // Act
    const decision = decide(scored(0.9, [hit()]), DEFAULT_POLICY);

    // Assess
    expect(decision).toMatchObject({ action: 'AUTO_REMEDIATE', level: 'HIGH' });
    expect(decision.reason).toContain('autoAtHighForSafePlaybooks');
  });

  it('HIGH → HUMAN_APPROVAL when autoAtHighForSafePlaybooks is off', () => {
    // Act
    const decision = decide(scored(0.9, [hit()]), policyWith({ autoAtHighForSafePlaybooks: false }));

    // Assess
    expect(decision).toMatchObject({ action: 'HUMAN_APPROVAL', level: 'HIGH' });
    expect(decision.reason).toContain('HIGH risk: approval required');
  });

  it('a disruptive playbook is never automatic', () => {
    // Prepare
    const adminHit = hit({
      id: 'iam.admin-policy-attached',
      category: 'PRV',
      playbook: 'iam.detach-admin-policy',
      summary: 'AdministratorAccess attached to user mallory',
    });

    // Act
    const medium = decide(scored(0.5, [adminHit]), DEFAULT_POLICY);
    const high = decide(scored(0.95, [adminHit]), DEFAULT_POLICY);

    // Assess
    expect(medium.action).toBe('HUMAN_APPROVAL');
    expect(high.action).toBe('HUMAN_APPROVAL');
    expect(high.reason).toContain('playbook iam.detach-admin-policy is disruptive');
  });

  it('an unknown playbook needs approval', () => {
    // Act
    const decision = decide(scored(0.5, [hit({ playbook: 'future.fix-something' })]), DEFAULT_POLICY);

    // Assess
    expect(decision.action).toBe('HUMAN_APPROVAL');
    expect(decision.reason).toContain('unknown to this version');
  });

  it('acts on the most severe actionable hit that has a playbook', () => {
    // Prepare
    const hits = [
      hit({
        id: 'cloudtrail.trail-stopped',
        severity: 0.99,
        actionable: false,
        playbook: 'cloudtrail.start-logging',
      }),
      hit({ id: 'x.low', severity: 0.6 }),
      hit({ id: 'x.high', severity: 0.8, playbook: 's3.restore-bucket-public-access-block' }),
    ];

    // Act
    const decision = decide(scored(0.6, hits), DEFAULT_POLICY);

    // Assess
    expect(decision.detectionId).toBe('x.high');
    expect(decision.playbook).toBe('s3.restore-bucket-public-access-block');
  });
});

describe('decide: per-detection overrides', () => {
  it('log wins even at HIGH', () => {
    // Act
    const decision = decide(
      scored(0.95, [hit()]),
      policyWith({ detections: { 's3.bucket-acl-public': { mode: 'log' } } }),
    );

    // Assess
    expect(decision.action).toBe('LOG_ONLY');
    expect(decision.reason).toContain('detections.s3.bucket-acl-public.mode = log');
  });

  it('alert: a person is told, no fix runs, even for a safe playbook', () => {
    // Act
    const decision = decide(
      scored(0.5, [hit()]),
      policyWith({ detections: { 's3.bucket-acl-public': { mode: 'alert' } } }),
    );

    // Assess
    expect(decision).toMatchObject({ action: 'ALERT', detectionId: 's3.bucket-acl-public' });
    expect(decision.reason).toContain('mode = alert, so no fix is permitted');
  });

  it('log wins over an exemption: nobody is told', () => {
    // Act
    const decision = decide(
      scored(0.95, [hit()]),
      policyWith({
        detections: { 's3.bucket-acl-public': { mode: 'log' } },
        exemptions: { buckets: [{ match: 'reports-2026', reason: 'r', expires: '2030-01-01' }] },
      }),
    );

    // Assess
    expect(decision.action).toBe('LOG_ONLY');
  });

  it('approve wins over a safe default', () => {
    // Act
    const decision = decide(
      scored(0.5, [hit()]),
      policyWith({ detections: { 's3.bucket-acl-public': { mode: 'approve' } } }),
    );

    // Assess
    expect(decision.action).toBe('HUMAN_APPROVAL');
    expect(decision.reason).toContain('mode = approve');
  });

  it('auto wins at HIGH even when autoAtHighForSafePlaybooks is off', () => {
    // Prepare
    const policy = policyWith({
      autoAtHighForSafePlaybooks: false,
      detections: { 's3.bucket-acl-public': { mode: 'auto' } },
    });

    // Act
    const decision = decide(scored(0.95, [hit()]), policy);

    // Assess
    expect(decision.action).toBe('AUTO_REMEDIATE');
    expect(decision.reason).toContain('mode = auto');
  });

  it('does not act below the MEDIUM threshold whatever the mode: the score decides whether, the mode how', () => {
    // Act
    const decision = decide(
      scored(0.2, [hit()]),
      policyWith({ detections: { 's3.bucket-acl-public': { mode: 'auto' } } }),
    );

    // Assess
    expect(decision.action).toBe('LOG_ONLY');
  });
});

describe('decide: exemptions → ALERT, exempt (no fix is permitted; LOG_ONLY at LOW)', () => {
  /** The event is received on 2026-11-20; these dates lie after and before it. */
  const LATER = '2027-01-31';
  const EARLIER = '2026-11-01';
  const entry = (match: string, expires = LATER) => ({ match, reason: 'ticket SEC-12', expires });
  const trustedTag = { exemptions: { tag: { trusted: true } } };
  /** A world-open security group: a resource whose tagging an SCP can restrict by key (ec2:CreateTags). */
  const SG_ARN = 'arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0123456789abcdef0';
  const sgHit = () =>
    hit({
      id: 'ec2.security-group-open-to-world',
      category: 'EXP',
      summary: 'Security group sg-0123456789abcdef0 opened tcp/22 to 0.0.0.0/0',
      resource: {
        type: 'AWS::EC2::SecurityGroup',
        id: 'sg-0123456789abcdef0',
        arn: SG_ARN,
        account: '111122223333',
        region: 'eu-west-1',
        details: {},
      },
      playbook: 'ec2.revoke-world-open-ingress',
    });

  it.each([
    [
      'the exemption tag (trusted: the guardrail SCP guards who sets it)',
      trustedTag,
      { resourceTags: { 'aisaws:exempt': LATER, 'aisaws:exempt-reason': 'bastion, ticket NET-9' } },
      `exempt by tag aisaws:exempt=${LATER} (matched ${SG_ARN}; reason: bastion, ticket NET-9; expires ${LATER})`,
      { kind: 'tag', match: `aisaws:exempt=${LATER}`, reason: 'bastion, ticket NET-9', expires: LATER },
    ],
    [
      'a bucket glob',
      { exemptions: { buckets: [entry('reports-*')] } },
      {},
      `exempt by exemptions.buckets reports-* (matched reports-2026; reason: ticket SEC-12; expires ${LATER})`,
      { kind: 'bucket', match: 'reports-*', matched: 'reports-2026' },
    ],
    [
      'a principal glob, for a resource of its own account',
      { exemptions: { principals: [entry('arn:aws:iam::*:user/ali?e')] } },
      {},
      'exempt by exemptions.principals arn:aws:iam::*:user/ali?e (matched arn:aws:iam::111122223333:user/alice',
      { kind: 'principal', matched: 'arn:aws:iam::111122223333:user/alice' },
    ],
    [
      "the resource's account",
      { exemptions: { accounts: [entry('111122223333')] } },
      {},
      'exempt by exemptions.accounts 111122223333 (matched 111122223333',
      { kind: 'account', match: '111122223333' },
    ],
    [
      'a resource ARN',
      { exemptions: { resources: [entry('arn:aws:s3:::reports-2026', '2026-11-20T10:00:06Z')] } },
      {},
      'exempt by exemptions.resources arn:aws:s3:::reports-2026',
      { kind: 'resource', expires: '2026-11-20T10:00:06Z' },
    ],
    [
      'a custom tag',
      { exemptions: { tag: { key: 'public-by-design', reasonKey: 'why', trusted: true } } },
      { resourceTags: { 'public-by-design': LATER, why: 'website' } },
      `exempt by tag public-by-design=${LATER}`,
      { kind: 'tag', reason: 'website' },
    ],
  ])('%s: the decision records the exemption it used', (_name, policyInput, context, reason, recorded) => {
    // Act: a tag exemption on the security group (a bucket tag is never trusted), the others on the bucket
    const detection = 'resourceTags' in context ? sgHit() : hit();
    const decision = decide(scored(0.9, [detection]), policyWith(policyInput), context);

    // Assess
    expect(decision).toMatchObject({ action: 'ALERT', exempt: true, detectionId: detection.id });
    expect(decision.reason).toContain(`alert: ${reason}`);
    expect(decision.reason).toContain('so no fix is permitted');
    expect(decision.exemption).toMatchObject(recorded);
    expect(DecisionSchema.parse(decision)).toEqual(decision);
  });

  it('at LOW an exempt event is only logged, the exemption still recorded', () => {
    // Act
    const decision = decide(
      scored(0.2, [hit()]),
      policyWith({ exemptions: { buckets: [entry('reports-*')] } }),
    );

    // Assess
    expect(decision).toMatchObject({ action: 'LOG_ONLY', exempt: true, exemption: { kind: 'bucket' } });
  });

  it('an expired exemption exempts nothing, and the reason says it expired', () => {
    // Prepare: expired the second before the event was received
    const policy = policyWith({
      exemptions: {
        buckets: [entry('reports-*', EARLIER)],
        resources: [entry('arn:aws:s3:::reports-2026', '2026-11-20T10:00:05Z')],
      },
    });

    // Act
    const decision = decide(scored(0.9, [hit()]), policy);

    // Assess
    expect(decision).toMatchObject({ action: 'AUTO_REMEDIATE', exempt: false });
    expect(decision.exemption).toBeUndefined();
    expect(decision.reason).toContain(
      `exemption refused: exemptions.buckets reports-* (ticket SEC-12) expired on ${EARLIER}`,
    );
    expect(decision.reason).toContain(
      'exemption refused: exemptions.resources arn:aws:s3:::reports-2026 (ticket SEC-12) expired on 2026-11-20T10:00:05Z',
    );
  });

  it('an exempt account covers its own resources, not what its principals change in other accounts', () => {
    // Prepare: alice of 111122223333 makes a bucket of 444455556666 public; her account is exempt, the bucket's is not
    const resource = hit().resource;
    if (!resource) throw new Error('the fixture hit names a resource');
    const otherAccountBucket = hit({ resource: { ...resource, account: '444455556666' } });
    const policy = policyWith({
      exemptions: {
        accounts: [entry('111122223333')],
        principals: [entry('arn:aws:iam::111122223333:user/alice')],
      },
    });

    // Act
    const decision = decide(scored(0.9, [otherAccountBucket]), policy);

    // Assess
    expect(decision).toMatchObject({ action: 'AUTO_REMEDIATE', exempt: false });
  });

  it.each([
    [
      'untrusted (the default): whoever may tag the bucket set it',
      {},
      { 'aisaws:exempt': LATER, 'aisaws:exempt-reason': 'trust me' },
      'the tag is not trusted: whoever may tag the resource may set it',
    ],
    [
      'trusted but expired',
      trustedTag,
      { 'aisaws:exempt': EARLIER, 'aisaws:exempt-reason': 'launch week' },
      `it expired on ${EARLIER}`,
    ],
    [
      'trusted but not a date',
      trustedTag,
      { 'aisaws:exempt': 'true', 'aisaws:exempt-reason': 'forever' },
      'its value is not an expiry date',
    ],
    [
      'trusted but without a reason',
      trustedTag,
      { 'aisaws:exempt': LATER },
      'it has no aisaws:exempt-reason tag',
    ],
  ])('the exemption tag %s exempts nothing, and the reason says why', (_name, policyInput, tags, why) => {
    // Act
    const decision = decide(scored(0.9, [sgHit()]), policyWith(policyInput), { resourceTags: tags });

    // Assess
    expect(decision).toMatchObject({ action: 'AUTO_REMEDIATE', exempt: false });
    expect(decision.reason).toContain('exemption refused: the resource is tagged aisaws:exempt=');
    expect(decision.reason).toContain(why);
  });

  it('attack: a bucket tag is never trusted, even with the guardrail (PutBucketTagging cannot be restricted by key)', () => {
    // Act
    const decision = decide(scored(0.9, [hit()]), policyWith(trustedTag), {
      resourceTags: { 'aisaws:exempt': LATER, 'aisaws:exempt-reason': 'press kit' },
    });

    // Assess
    expect(decision).toMatchObject({ action: 'AUTO_REMEDIATE', exempt: false });
    expect(decision.reason).toContain(
      'a bucket tag is never trusted: s3:PutBucketTagging cannot be restricted by tag key',
    );
  });

  it('cuts and cleans the tag text before it enters the reason', () => {
    // Act
    const decision = decide(scored(0.9, [hit()]), DEFAULT_POLICY, {
      resourceTags: { 'aisaws:exempt': `2027-01-01\n[ok] fixed${'x'.repeat(200)}` },
    });

    // Assess
    expect(decision.reason).not.toContain('\n');
    expect(decision.reason).not.toContain('x'.repeat(64));
  });

  it('does not exempt on a near miss', () => {
    // Prepare
    const policy = policyWith({
      exemptions: {
        buckets: [entry('reports')],
        principals: [entry('arn:aws:iam::*:user/bob')],
        accounts: [entry('444455556666')],
      },
    });

    // Act
    const decision = decide(scored(0.9, [hit()]), policy);

    // Assess
    expect(decision).toMatchObject({ action: 'AUTO_REMEDIATE', exempt: false });
    expect(decision.reason).not.toContain('exemption');
  });

  it('wins over an auto override', () => {
    // Prepare
    const policy = policyWith({
      detections: { 's3.bucket-acl-public': { mode: 'auto' } },
      exemptions: { buckets: [entry('reports-2026')] },
    });

    // Act
    const decision = decide(scored(0.9, [hit()]), policy);

    // Assess
    expect(decision.action).toBe('ALERT');
  });
});

describe('decide: circuit breaker, dry run, metadata', () => {
  it('turns AUTO into HUMAN_APPROVAL once the rate limit is reached', () => {
    // Prepare
    const policy = policyWith({ rateLimit: { maxAutoRemediations: 3, windowMinutes: 15 } });

    // Act
    const below = decide(scored(0.9, [hit()]), policy, { autoRemediationsInWindow: 2 });
    const reached = decide(scored(0.9, [hit()]), policy, { autoRemediationsInWindow: 3 });

    // Assess
    expect(below.action).toBe('AUTO_REMEDIATE');
    expect(reached.action).toBe('HUMAN_APPROVAL');
    expect(reached.reason).toContain(
      'circuit breaker: 3 automatic fixes in the last 15 min reached the limit of 3',
    );
  });

  it('stops and alerts when the same resource was fixed automatically up to the per-resource limit (loop breaker)', () => {
    // Prepare: a low global limit too, to show the loop breaker is checked first and gives ALERT, not approval.
    const policy = policyWith({
      rateLimit: { maxAutoRemediations: 2, perResource: { maxAutoRemediations: 2, windowMinutes: 30 } },
    });

    // Act
    const below = decide(scored(0.9, [hit()]), policy, { resourceAutoRemediationsInWindow: 1 });
    const looping = decide(scored(0.9, [hit()]), policy, {
      resourceAutoRemediationsInWindow: 2,
      autoRemediationsInWindow: 2,
    });

    // Assess
    expect(below.action).toBe('AUTO_REMEDIATE');
    expect(looping.action).toBe('ALERT');
    expect(looping.reason).toContain('loop breaker:');
    expect(looping.reason).toContain('was already fixed automatically 2 times in the last 30 min (limit 2)');
    expect(looping.detectionId).toBe(below.detectionId);
  });

  it('defaults to a per-resource limit of 3 and a higher global limit of 50 per hour', () => {
    expect(DEFAULT_POLICY.rateLimit).toEqual({
      maxAutoRemediations: 50,
      windowMinutes: 60,
      perResource: { maxAutoRemediations: 3, windowMinutes: 60 },
    });
  });

  it('does not touch decisions that were not automatic', () => {
    // Act
    const decision = decide(scored(0.2, [hit()]), DEFAULT_POLICY, { autoRemediationsInWindow: 1000 });

    // Assess
    expect(decision.action).toBe('LOG_ONLY');
  });

  it('dry run keeps the action and says so', () => {
    // Act
    const decision = decide(scored(0.5, [hit()]), policyWith({ dryRun: true }));

    // Assess
    expect(decision).toMatchObject({ action: 'AUTO_REMEDIATE', dryRun: true });
    expect(decision.reason).toContain('dry run: nothing will be changed');
  });

  it('is a valid Decision, timed by the context clock or else by receivedAt, with the approval timeout in seconds', () => {
    // Prepare
    const event = scored(0.5, [hit()]);
    const policy = policyWith({ approvalTimeoutMinutes: 30 });

    // Act
    const clocked = decide(event, policy, { now: new Date('2026-11-20T11:00:00Z') });
    const unclocked = decide(event, policy);

    // Assess
    expect(DecisionSchema.parse(clocked)).toEqual(clocked);
    expect(clocked.decidedAt).toBe('2026-11-20T11:00:00.000Z');
    expect(unclocked.decidedAt).toBe(event.receivedAt);
    expect(clocked.approvalTimeoutSeconds).toBe(1800);
  });

  it('is deterministic', () => {
    // Prepare
    const event = scored(0.75, [hit()]);

    // Act & Assess
    expect(decide(event, DEFAULT_POLICY)).toEqual(decide(event, DEFAULT_POLICY));
  });
});

describe('decide: a fix that needs a root session (Organizations centralized root access)', () => {
  const rootKey = hit({
    id: 'identity.root-access-key-created',
    title: 'Root access key created',
    category: 'PER',
    severity: 0.95,
    summary: 'Root access key AKIAEXAMPLEROOTKEY01 created',
    playbook: 'iam.delete-root-access-key',
    resource: {
      type: 'AWS::IAM::Root',
      id: '111122223333',
      arn: 'arn:aws:iam::111122223333:root',
      account: '111122223333',
      region: 'us-east-1',
      details: { accessKeyId: 'AKIAEXAMPLEROOTKEY01' },
    },
  });

  it('without centralized root access (the default) → ALERT, saying a person must act', () => {
    // Act
    const decision = decide(scored(0.9, [rootKey], iamUserRecord()), DEFAULT_POLICY);

    // Assess
    expect(decision).toMatchObject({
      action: 'ALERT',
      detectionId: 'identity.root-access-key-created',
      playbook: 'iam.delete-root-access-key',
    });
    expect(decision.reason).toContain(
      'alert: playbook iam.delete-root-access-key needs Organizations centralized root access',
    );
  });

  it('with centralized root access → HUMAN_APPROVAL (the deletion cannot be undone)', () => {
    // Act
    const decision = decide(
      scored(0.9, [rootKey], iamUserRecord()),
      policyWith({ centralizedRootAccess: { enabled: true, managementAccount: '999999999999' } }),
    );

    // Assess
    expect(decision.action).toBe('HUMAN_APPROVAL');
    expect(decision.reason).toContain('playbook iam.delete-root-access-key is disruptive');
  });

  it('the management account itself → ALERT: AssumeRoot reaches members only', () => {
    // Prepare
    const event = scored(0.9, [rootKey], iamUserRecord());
    const inManagement = { ...event, summary: { ...event.summary, account: '111122223333' } };

    // Act
    const decision = decide(
      inManagement,
      policyWith({ centralizedRootAccess: { enabled: true, managementAccount: '111122223333' } }),
    );

    // Assess
    expect(decision.action).toBe('ALERT');
    expect(decision.reason).toContain('cannot reach the root user of the management account 111122223333');
  });
});
