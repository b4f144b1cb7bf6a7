import { describe, expect, it } from '@jest/globals';
import { FEATURE_NAMES, type FeatureName, type FeatureVector } from '../../src/features/index.js';
import { DEFAULT_POLICY, decide } from '../../src/policy/index.js';
import { InMemoryBaselineStore } from '../../src/ports/index.js';
import type { CloudTrailRecord } from '../../src/schemas/cloudtrail.js';
import { CALIBRATION_SCENARIOS, KNOWN_PRINCIPAL } from '../../src/scoring/calibration.js';
import { DEFAULT_WEIGHTS, defaultScorer, logitOf, scoreSync } from '../../src/scoring/index.js';
import { FIRST_SEEN, ingest, publicAclRecord, WELL_KNOWN } from './fixtures.js';

/**
 * The product's calibration requirements, checked on the committed weights through the real pipeline. They are
 * the behaviour the policy thresholds (0.4 / 0.7) are designed around.
 */

const scenario = (name: string) => {
  const found = CALIBRATION_SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`no calibration scenario ${name}`);
  return found;
};

const BASELINES = [
  FIRST_SEEN,
  WELL_KNOWN,
  KNOWN_PRINCIPAL,
  {
    principalSeenBefore: true,
    apiSeenBefore: false,
    ipSeenBefore: false,
    regionSeenBefore: false,
    recentCalls: 80,
    recentDenied: 9,
  },
];

describe('calibration requirements (committed weights)', () => {
  it('the seed scenario (public bucket ACL by an IAM user with the CLI) scores ≥ 0.4 and is fixed automatically', async () => {
    // Prepare
    const event = ingest(scenario('seed-public-bucket-acl').record);

    // Act
    const risk = await defaultScorer.score(event, { baseline: new InMemoryBaselineStore() });
    const decision = decide({ ...event, risk }, DEFAULT_POLICY);

    // Assess
    expect(event.detections.map((h) => h.id)).toContain('s3.bucket-acl-public');
    expect(risk.score).toBeGreaterThanOrEqual(0.4);
    expect(decision.action).toBe('AUTO_REMEDIATE');
    for (const baseline of BASELINES)
      expect(scoreSync(event, baseline, DEFAULT_WEIGHTS).score).toBeGreaterThanOrEqual(0.4);
  });

  it('a read-only Describe by a principal the baseline knows scores < 0.4, quiet or busy', async () => {
    // Prepare
    const { record } = scenario('benign-describe-known-principal');
    const store = new InMemoryBaselineStore();
    for (let i = 0; i < 20; i++)
      await defaultScorer.score(
        ingest({ ...record, eventID: `history-${i}`, eventTime: `2026-11-20T09:${10 + i}:00Z` }),
        {
          baseline: store,
        },
      );

    // Act
    const risk = await defaultScorer.score(ingest(record), { baseline: store });

    // Assess
    expect(risk.score).toBeLessThan(0.4);
    for (const recentCalls of [0, 5, 50, 10_000])
      expect(
        scoreSync(ingest(record), { ...KNOWN_PRINCIPAL, recentCalls }, DEFAULT_WEIGHTS).score,
      ).toBeLessThan(0.4);
  });

  it('a root console login without MFA scores ≥ 0.7 (HIGH) whatever the baseline', () => {
    // Prepare
    const event = ingest(scenario('root-console-login-without-mfa').record);

    for (const baseline of BASELINES) {
      // Act
      const risk = scoreSync(event, baseline, DEFAULT_WEIGHTS);

      // Assess
      expect(risk.score).toBeGreaterThanOrEqual(0.7);
      expect(decide({ ...event, risk }, DEFAULT_POLICY).level).toBe('HIGH');
    }
  });

  it('an actionable hit of severity ≥ 0.75 dominates: ≥ 0.4 for every combination of the other features', () => {
    // Prepare: every extreme point (the logit is linear) of the feature space an actionable hit can have
    const groups: Partial<Record<FeatureName, number>>[][] = [
      [
        {},
        { identity_root: 1 },
        { identity_iam_user: 1 },
        { identity_assumed_role: 1 },
        { identity_federated: 1 },
      ],
      [{}, { ip_aws_service: 1 }, { ip_private: 1 }, { ip_public: 1 }, { ip_invalid: 1 }],
      [{}, { ua_console: 1 }, { ua_aws_cli: 1 }, { ua_sdk: 1 }, { ua_iac: 1 }],
      ...(
        [
          'ua_offensive',
          'mfa_absent',
          'read_only',
          'category_exposure',
          'category_defense_evasion',
          'category_identity',
        ] as const
      ).map((name) => [{ [name]: 0 }, { [name]: 1 }]),
      [{ detection_max_severity: 0.75 }, { detection_max_severity: 1 }],
      [{ detection_count: 1 / 3 }, { detection_count: 1 }],
      [
        { first_seen_principal: 1 },
        ...[0, 1].flatMap((api) =>
          [0, 1].flatMap((ip) =>
            [0, 1].map((region) => ({
              new_api_for_principal: api,
              new_ip_for_principal: ip,
              new_region_for_principal: region,
            })),
          ),
        ),
      ],
      [{ recent_denied: 0 }, { recent_denied: 1 }],
      [{ call_rate: 0 }, { call_rate: 1 }],
    ];
    const base = Object.fromEntries(FEATURE_NAMES.map((name) => [name, 0])) as Record<FeatureName, number>;
    base.detection_actionable = 1;
    let lowest = Number.POSITIVE_INFINITY;
    let combinations = 0;

    // Act
    const visit = (index: number, vector: Record<FeatureName, number>): void => {
      const group = groups[index];
      if (!group) {
        combinations++;
        lowest = Math.min(lowest, logitOf(vector as FeatureVector, DEFAULT_WEIGHTS));
        return;
      }
      for (const option of group) {
        const keys = Object.keys(option) as FeatureName[];
        const saved = keys.map((key) => vector[key]);
        for (const key of keys) vector[key] = option[key] ?? 0;
        visit(index + 1, vector);
        keys.forEach((key, i) => {
          vector[key] = saved[i] ?? 0;
        });
      }
    };
    visit(0, base);

    // Assess
    expect(combinations).toBe(5 * 5 * 5 * 2 ** 6 * 2 * 2 * 9 * 2 * 2);
    expect(1 / (1 + Math.exp(-lowest))).toBeGreaterThanOrEqual(0.4);
  });

  it('the public ACL stays ≥ 0.4 through the real pipeline whoever makes it, from wherever, with whatever tool', () => {
    // Prepare
    const identities: CloudTrailRecord['userIdentity'][] = [
      { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333' },
      { type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' },
      {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/deployer/ci',
        accountId: '111122223333',
        sessionContext: {
          sessionIssuer: { arn: 'arn:aws:iam::111122223333:role/deployer' },
          attributes: { mfaAuthenticated: 'false' },
        },
      },
    ];
    const userAgents = [
      'APN/1.0 HashiCorp/1.0 Terraform/1.5.2 terraform-provider-aws/5.7.0',
      'console.amazonaws.com',
      'Boto3/1.28.0 Python/3.11',
      '[aws-cli/2.15.30]',
    ];
    const ips = ['10.0.0.12', '198.51.100.23', '225.01.00.16', 'cloudformation.amazonaws.com'];

    for (const userIdentity of identities)
      for (const userAgent of userAgents)
        for (const sourceIPAddress of ips)
          for (const baseline of BASELINES) {
            // Act
            const event = ingest(publicAclRecord({ userIdentity, userAgent, sourceIPAddress }));
            const { score } = scoreSync(event, baseline, DEFAULT_WEIGHTS);

            // Assess
            expect(event.detections[0]?.actionable).toBe(true);
            expect(score).toBeGreaterThanOrEqual(0.4);
          }
  });
});
