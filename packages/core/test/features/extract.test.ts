import { describe, expect, it } from '@jest/globals';
import { extractFeatures, FEATURE_NAMES, FEATURES } from '../../src/features/index.js';
import { FIRST_SEEN, hit, iamUserRecord, ingest, publicAclRecord, WELL_KNOWN } from '../scoring/fixtures.js';

describe('FEATURES', () => {
  it('names each feature once and describes it', () => {
    // Assess
    expect(new Set(FEATURE_NAMES).size).toBe(FEATURES.length);
    for (const feature of FEATURES) expect(feature.description.length).toBeGreaterThan(10);
  });
});

describe('extractFeatures', () => {
  it('describes the seed scenario: IAM user, public IP, bracketed CLI user agent, actionable exposure hit', () => {
    // Prepare
    const event = ingest(publicAclRecord());

    // Act
    const features = extractFeatures(event, FIRST_SEEN);

    // Assess
    expect(features).toMatchObject({
      identity_iam_user: 1,
      identity_root: 0,
      ip_public: 1,
      ua_aws_cli: 1,
      ua_offensive: 0,
      read_only: 0,
      error_denied: 0,
      detection_max_severity: 0.85,
      detection_count: 1 / 3,
      detection_actionable: 1,
      category_exposure: 1,
      first_seen_principal: 1,
      new_api_for_principal: 0,
    });
  });

  it('keeps every feature present and within [0, 1]', () => {
    // Prepare
    const events = [
      ingest(publicAclRecord()),
      ingest(iamUserRecord({ errorCode: 'AccessDenied', sourceIPAddress: '225.01.00.16' })),
      ingest(iamUserRecord({ userIdentity: { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' } })),
    ];
    const baselines = [FIRST_SEEN, WELL_KNOWN, { ...WELL_KNOWN, recentCalls: 10_000, recentDenied: 500 }];

    for (const event of events)
      for (const baseline of baselines) {
        // Act
        const features = extractFeatures(event, baseline);

        // Assess
        expect(Object.keys(features).sort()).toEqual([...FEATURE_NAMES].sort());
        for (const value of Object.values(features)) {
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1);
        }
      }
  });

  it('flags a denied call, never as actionable', () => {
    // Prepare
    const event = ingest(publicAclRecord({ errorCode: 'AccessDenied', errorMessage: 'Access Denied' }));

    // Act
    const features = extractFeatures(event, FIRST_SEEN);

    // Assess
    expect(features.error_denied).toBe(1);
    expect(features.error_other).toBe(0);
    expect(features.detection_actionable).toBe(0);
  });

  it('reads root, missing MFA and the console from a root console sign-in', () => {
    // Prepare
    const event = ingest(
      iamUserRecord({
        userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' },
        eventSource: 'signin.amazonaws.com',
        eventName: 'ConsoleLogin',
        userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
        additionalEventData: { MFAUsed: 'No' },
        responseElements: { ConsoleLogin: 'Success' },
        readOnly: false,
      }),
    );

    // Act
    const features = extractFeatures(event, FIRST_SEEN);

    // Assess
    expect(features).toMatchObject({ identity_root: 1, mfa_absent: 1, ua_console: 1, read_only: 0 });
  });

  it('uses the strongest hit and caps the hit count at three', () => {
    // Prepare
    const event = {
      ...ingest(publicAclRecord()),
      detections: [
        hit({ severity: 0.5, actionable: false, category: 'DIS' }),
        hit({ severity: 0.9, category: 'LOG' }),
        hit({ severity: 0.6, category: 'PER' }),
        hit({ severity: 0.7 }),
      ],
    };

    // Act
    const features = extractFeatures(event, FIRST_SEEN);

    // Assess
    expect(features.detection_max_severity).toBe(0.9);
    expect(features.detection_count).toBe(1);
    expect(features.category_defense_evasion).toBe(1);
    expect(features.category_identity).toBe(1);
    expect(features.category_exposure).toBe(1);
  });

  it('leaves informational hits out of every detection feature, so they never move the score', () => {
    // Prepare
    const plain = ingest(iamUserRecord());
    const withInformational = {
      ...plain,
      detections: [
        hit({ severity: 0.1, actionable: false, playbook: null, resource: null, category: 'DIS' }),
        hit({ severity: 0.15, actionable: false, playbook: null, resource: null, category: 'LOG' }),
      ],
    };
    const withSignal = {
      ...withInformational,
      detections: [...withInformational.detections, hit({ severity: 0.16, category: 'PER' })],
    };

    // Act
    const before = extractFeatures(plain, FIRST_SEEN);
    const informational = extractFeatures(withInformational, FIRST_SEEN);
    const signal = extractFeatures(withSignal, FIRST_SEEN);

    // Assess
    expect(informational).toEqual(before);
    expect(signal).toMatchObject({
      detection_max_severity: 0.16,
      detection_count: 1 / 3,
      category_identity: 1,
      category_defense_evasion: 0,
    });
  });

  it('turns the baseline into novelty flags only for a known principal, and bounds the rates', () => {
    // Prepare
    const event = ingest(iamUserRecord());

    // Act
    const first = extractFeatures(event, { ...FIRST_SEEN, recentCalls: 0 });
    const novel = extractFeatures(event, {
      principalSeenBefore: true,
      apiSeenBefore: false,
      ipSeenBefore: false,
      regionSeenBefore: false,
      recentCalls: 100,
      recentDenied: 5,
    });
    const busy = extractFeatures(event, { ...WELL_KNOWN, recentCalls: 5_000, recentDenied: 50 });

    // Assess
    expect(first).toMatchObject({
      first_seen_principal: 1,
      new_api_for_principal: 0,
      new_ip_for_principal: 0,
      new_region_for_principal: 0,
      call_rate: 0,
    });
    expect(novel).toMatchObject({
      first_seen_principal: 0,
      new_api_for_principal: 1,
      new_ip_for_principal: 1,
      new_region_for_principal: 1,
      recent_denied: 0.5,
    });
    expect(novel.call_rate).toBeCloseTo(1, 10);
    expect(busy.recent_denied).toBe(1);
    expect(busy.call_rate).toBe(1);
  });
});
