import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { createDetectionRegistry, defineDetection } from '../../src/detections/index.js';
import { DEFAULT_POLICY, PolicyError, parsePolicy } from '../../src/policy/index.js';

function errorOf(action: () => unknown): PolicyError {
  try {
    action();
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error('expected a PolicyError');
}

const registryWith = (playbook: string | null) =>
  createDetectionRegistry([
    defineDetection({
      id: 'iam.admin-policy-attached',
      title: 'Administrator policy attached',
      category: 'PRV',
      mitre: ['T1098'],
      severity: 0.85,
      description: 'test detection',
      triggers: [{ eventSource: 'iam.amazonaws.com', eventNames: ['AttachUserPolicy'] }],
      playbook,
      match: () => null,
    }),
  ]);

describe('parsePolicy', () => {
  it('defaults every field: {} is the seed policy', () => {
    // Act
    const policy = parsePolicy({});

    // Assess
    expect(policy).toEqual({
      thresholds: { medium: 0.4, high: 0.7 },
      autoAtHighForSafePlaybooks: true,
      detections: {},
      exemptions: {
        tag: { key: 'aisaws:exempt', reasonKey: 'aisaws:exempt-reason', trusted: false },
        buckets: [],
        principals: [],
        accounts: [],
        resources: [],
      },
      selfIdentity: { roleArns: [] },
      dryRun: false,
      rateLimit: {
        maxAutoRemediations: 50,
        windowMinutes: 60,
        perResource: { maxAutoRemediations: 3, windowMinutes: 60 },
      },
      centralizedRootAccess: { enabled: false },
      deduplication: { windowMinutes: 60 },
      approvalTimeoutMinutes: 60,
    });
    expect(DEFAULT_POLICY).toEqual(policy);
  });

  it('keeps given values and defaults the rest of a nested object', () => {
    // Act
    const site = { match: 'site-*', reason: 'static website', expires: '2027-06-30' };
    const policy = parsePolicy({ thresholds: { high: 0.9 }, exemptions: { buckets: [site] } });

    // Assess
    expect(policy.thresholds).toEqual({ medium: 0.4, high: 0.9 });
    expect(policy.exemptions.buckets).toEqual([site]);
    expect(policy.exemptions.tag).toEqual({
      key: 'aisaws:exempt',
      reasonKey: 'aisaws:exempt-reason',
      trusted: false,
    });
  });

  it('names the field when thresholds are not ordered', () => {
    // Act
    const error = errorOf(() => parsePolicy({ thresholds: { medium: 0.8, high: 0.5 } }, 'policy.json'));

    // Assess
    expect(error.message).toBe('policy.json: thresholds.high: must be greater than thresholds.medium');
    expect(error.issues).toEqual([
      { path: 'thresholds.high', message: 'must be greater than thresholds.medium' },
    ]);
    expect(error.name).toBe('PolicyError');
  });

  it('names an unknown field instead of ignoring a typo', () => {
    // Act
    const error = errorOf(() =>
      parsePolicy({ thresholds: { medium: 0.4, hihg: 0.8 }, dryrun: true }, 'policy.json'),
    );

    // Assess
    expect(error.message).toContain('policy.json: thresholds.hihg: unknown field');
    expect(error.message).toContain('policy.json: dryrun: unknown field');
  });

  it('reports one line per bad field', () => {
    // Act
    const error = errorOf(() =>
      parsePolicy({
        thresholds: { medium: 1.5 },
        rateLimit: { maxAutoRemediations: -1 },
        exemptions: { accounts: [{ match: '12345', reason: 'r', expires: '2027-01-01' }] },
        approvalTimeoutMinutes: 0,
      }),
    );

    // Assess
    const paths = error.issues.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'thresholds.medium',
        'rateLimit.maxAutoRemediations',
        'exemptions.accounts.0.match',
        'approvalTimeoutMinutes',
      ]),
    );
    expect(error.message.split('\n')).toHaveLength(error.issues.length);
    expect(error.message).toContain('policy: exemptions.accounts.0.match: must be a 12-digit account id');
  });

  it('refuses an exemption without a reason or an expiry, naming what is missing', () => {
    // Act
    const bare = errorOf(() => parsePolicy({ exemptions: { buckets: ['site-*'] } }, 'policy.json'));
    const noReason = errorOf(() =>
      parsePolicy({ exemptions: { resources: [{ match: 'sg-1', reason: ' ', expires: '2027-01-01' }] } }),
    );
    const badExpiry = errorOf(() =>
      parsePolicy({ exemptions: { principals: [{ match: 'arn:*', reason: 'ci', expires: 'next year' }] } }),
    );

    // Assess
    expect(bare.message).toBe(
      'policy.json: exemptions.buckets.0: must be { "match", "reason", "expires" }: every exemption carries a reason and an expiry',
    );
    expect(noReason.message).toContain('exemptions.resources.0.reason: must say why the exemption exists');
    expect(badExpiry.message).toContain('exemptions.principals.0.expires: must be an ISO date');
  });

  it('takes the self-identity as exact role ARNs only', () => {
    // Act
    const arn = 'arn:aws:iam::111122223333:role/aisaws-prod-remediation';
    const policy = parsePolicy({ selfIdentity: { roleArns: [arn] } });
    const wildcard = errorOf(() =>
      parsePolicy({ selfIdentity: { roleArns: ['arn:aws:iam::*:role/aisaws-*'] } }),
    );

    // Assess
    expect(policy.selfIdentity.roleArns).toEqual([arn]);
    expect(wildcard.message).toBe(
      'policy: selfIdentity.roleArns.0: must be an exact IAM role ARN (arn:aws:iam::<account>:role/<name>), no wildcard',
    );
  });

  it('refuses an override for a detection id the catalog does not have, naming it', () => {
    // Act
    const error = errorOf(() =>
      parsePolicy({ detections: { 's3.no-such-thing': { mode: 'auto' } } }, 'policy.json'),
    );

    // Assess
    expect(error.message).toBe(
      'policy.json: detections.s3.no-such-thing: unknown detection id s3.no-such-thing',
    );
  });

  it('refuses an unknown mode', () => {
    // Act
    const error = errorOf(() =>
      parsePolicy({ detections: { 's3.bucket-acl-public': { mode: 'sometimes' } } }),
    );

    // Assess
    expect(error.issues[0]?.path).toBe('detections.s3.bucket-acl-public.mode');
  });

  it('accepts auto, approve and log for a detection whose playbook is safe', () => {
    // Act & Assess
    for (const mode of ['auto', 'approve', 'log'])
      expect(parsePolicy({ detections: { 's3.bucket-acl-public': { mode } } }).detections).toEqual({
        's3.bucket-acl-public': { mode },
      });
  });

  it('refuses auto for a disruptive playbook or a detection with no playbook', () => {
    // Act
    const disruptive = errorOf(() =>
      parsePolicy({ detections: { 'iam.admin-policy-attached': { mode: 'auto' } } }, 'p.json', {
        registry: registryWith('iam.detach-admin-policy'),
      }),
    );
    const alertOnly = errorOf(() =>
      parsePolicy({ detections: { 'iam.admin-policy-attached': { mode: 'auto' } } }, 'p.json', {
        registry: registryWith(null),
      }),
    );
    const approve = parsePolicy(
      { detections: { 'iam.admin-policy-attached': { mode: 'approve' } } },
      'p.json',
      {
        registry: registryWith('iam.detach-admin-policy'),
      },
    );

    // Assess
    expect(disruptive.message).toBe(
      'p.json: detections.iam.admin-policy-attached.mode: cannot be auto: playbook iam.detach-admin-policy is disruptive and always needs approval',
    );
    expect(alertOnly.message).toContain('has no playbook');
    expect(approve.detections['iam.admin-policy-attached']?.mode).toBe('approve');
  });

  it('refuses a policy that is not an object', () => {
    // Act & Assess
    expect(() => parsePolicy('thresholds: 0.4', 'policy.json')).toThrow(PolicyError);
    expect(() => parsePolicy(null, 'policy.json')).toThrow(/^policy\.json: \(root\): /);
  });

  it('parses the example policy shipped with the package', () => {
    // Prepare
    const example: unknown = JSON.parse(
      readFileSync(new URL('../../policy.example.json', import.meta.url), 'utf8'),
    );

    // Act
    const policy = parsePolicy(example, 'policy.example.json');

    // Assess
    expect(policy.exemptions.principals.length).toBeGreaterThan(0);
  });
});
