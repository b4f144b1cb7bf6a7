import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { extractFeatures, quietFeatureKey } from '../../src/features/index.js';
import type { BaselineSnapshot } from '../../src/ports/index.js';
import { FIRST_SEEN, hit, iamUserRecord, ingest, WELL_KNOWN } from '../scoring/fixtures.js';

/**
 * `scan` remembers the risk of an event without detections by `quietFeatureKey` instead of building its feature
 * vector: two events with the same key must have the same vector, whatever else differs.
 */

const identity = fc.constantFrom(
  'Root',
  'IAMUser',
  'AssumedRole',
  'FederatedUser',
  'SAMLUser',
  'AWSService',
  'AWSAccount',
  'Unknown',
  'Custom',
);
const mfa = fc.constantFrom<string | boolean | undefined>(
  'true',
  'false',
  'Yes',
  'No',
  true,
  false,
  undefined,
);
const sourceIp = fc.oneof(
  fc.constantFrom(
    '198.51.100.10',
    '10.0.0.1',
    '172.20.1.1',
    '192.168.1.1',
    '0.1.2.3',
    '225.01.00.16',
    '240.0.0.1',
    'ec2.amazonaws.com',
    'AWS Internal',
    '2001:db8::1',
    'fd00::1',
    'not-an-ip',
    '',
  ),
  fc.ipV4(),
  fc.constant(undefined),
);
const userAgent = fc.oneof(
  fc.constantFrom(
    'aws-cli/2.15.30 Python/3.11.8',
    '[aws-cli/2.15.30 md/awscrt]',
    'Boto3/1.34.69 Botocore/1.34.69',
    'console.amazonaws.com',
    'Mozilla/5.0',
    'Terraform/1.7.5',
    'stratus-red-team_0c1a',
    'Pacu aws-cli/1.0',
    'curl/8.0',
    '',
  ),
  fc.string({ maxLength: 12 }),
  fc.constant(undefined),
);
const errorCode = fc.constantFrom(
  undefined,
  '',
  'AccessDenied',
  'Client.UnauthorizedOperation',
  'NoSuchBucket',
  'ThrottlingException',
);
const eventName = fc.constantFrom(
  'DescribeInstances',
  'GetObject',
  'PutBucketAcl',
  'RunInstances',
  'Listing',
);
const readOnly = fc.constantFrom(true, false, undefined);
const count = fc.oneof(
  fc.integer({ min: 0, max: 120 }),
  fc.constantFrom(0, 1, 9, 10, 11, 99, 100, 101, 10_000),
);
const snapshot: fc.Arbitrary<BaselineSnapshot> = fc.record({
  principalSeenBefore: fc.boolean(),
  apiSeenBefore: fc.boolean(),
  ipSeenBefore: fc.boolean(),
  regionSeenBefore: fc.boolean(),
  recentCalls: count,
  recentDenied: count,
});

const quietEvent = fc
  .record({ identity, mfa, sourceIp, userAgent, errorCode, eventName, readOnly })
  // Without detections (a Root call has one): the key is for quiet events.
  .map((fields) => ({
    ...ingest(
      iamUserRecord({
        userIdentity: {
          type: fields.identity,
          arn: 'arn:aws:iam::111122223333:user/alice',
          sessionContext: { attributes: { mfaAuthenticated: fields.mfa } },
        },
        eventName: fields.eventName,
        ...(fields.sourceIp !== undefined
          ? { sourceIPAddress: fields.sourceIp }
          : { sourceIPAddress: undefined }),
        ...(fields.userAgent !== undefined ? { userAgent: fields.userAgent } : { userAgent: undefined }),
        ...(fields.errorCode !== undefined ? { errorCode: fields.errorCode } : {}),
        ...(fields.readOnly !== undefined ? { readOnly: fields.readOnly } : { readOnly: undefined }),
      }),
    ),
    detections: [],
  }));

describe('quietFeatureKey', () => {
  it('gives equal keys only to events whose feature vectors are equal', () => {
    // Prepare: every key seen, with the vector it stood for.
    const vectors = new Map<number, string>();
    let keys = 0;
    fc.assert(
      fc.property(quietEvent, snapshot, (event, baseline) => {
        // Act
        const key = quietFeatureKey(event, baseline);
        const vector = JSON.stringify(extractFeatures(event, baseline));

        // Assess
        expect(key).toEqual(expect.any(Number));
        const known = vectors.get(key as number);
        if (known === undefined) {
          vectors.set(key as number, vector);
          keys++;
        } else expect(vector).toBe(known);
      }),
      { numRuns: 20_000 },
    );
    // Many keys were compared (the generators reach every class and count).
    expect(keys).toBeGreaterThan(1_000);
  });

  it('tells apart events whose vectors differ in one field', () => {
    // Prepare
    const base = ingest(iamUserRecord());
    const variants = [
      base,
      ingest(iamUserRecord({ userIdentity: { type: 'Root' } })),
      ingest(iamUserRecord({ sourceIPAddress: '10.0.0.1' })),
      ingest(iamUserRecord({ userAgent: 'Terraform/1.7.5' })),
      ingest(iamUserRecord({ userAgent: 'aws-cli/2.0 stratus-red-team' })),
      ingest(iamUserRecord({ errorCode: 'AccessDenied' })),
      ingest(iamUserRecord({ readOnly: false })),
      ingest(
        iamUserRecord({
          userIdentity: { type: 'IAMUser', sessionContext: { attributes: { mfaAuthenticated: 'false' } } },
        }),
      ),
    ];
    const baselines: BaselineSnapshot[] = [
      FIRST_SEEN,
      WELL_KNOWN,
      { ...WELL_KNOWN, apiSeenBefore: false },
      { ...WELL_KNOWN, ipSeenBefore: false },
      { ...WELL_KNOWN, regionSeenBefore: false },
      { ...WELL_KNOWN, recentCalls: 7 },
      { ...WELL_KNOWN, recentDenied: 3 },
    ];

    // Act
    const keys = new Set<number | undefined>();
    for (const event of variants) keys.add(quietFeatureKey(event, WELL_KNOWN));
    for (const baseline of baselines) keys.add(quietFeatureKey(base, baseline));

    // Assess: one key per variant (the base appears in both lists).
    expect(keys.size).toBe(variants.length + baselines.length - 1);
  });

  it('gives no key to an event with detections, or counts that are not whole numbers', () => {
    // Prepare
    const event = ingest(iamUserRecord());
    const withHit = { ...event, detections: [hit()] };

    // Act + Assess
    expect(quietFeatureKey(withHit, WELL_KNOWN)).toBeUndefined();
    expect(quietFeatureKey(event, { ...WELL_KNOWN, recentCalls: 2.5 })).toBeUndefined();
    expect(quietFeatureKey(event, { ...WELL_KNOWN, recentDenied: -1 })).toBeUndefined();
    expect(quietFeatureKey(event, WELL_KNOWN)).toEqual(expect.any(Number));
  });
});
