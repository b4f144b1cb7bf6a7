import { existsSync, readFileSync } from 'node:fs';
import { catalog } from '@aisaws/core/detections';
import { CloudTrailRecordSchema } from '@aisaws/core/schemas';
import { instanceCredentialExfiltration, securityHubBucketControlFailed } from '@aisaws/testing/fixtures';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../../src/app.js';
import { isReadOnlyEvent, isRoutedLive, MAX_PATTERN_LENGTH } from '../../src/events/rules.js';
import { testEnvironment } from '../support/environments.js';
import { type Json, matchesPattern } from '../support/event-pattern-matcher.js';
import { resourcesOf, synthStacks } from '../support/synth.js';

interface SynthesizedRule {
  name: string;
  state: string;
  pattern: Record<string, Json>;
}

/** A CloudTrail management-event record as CloudTrail writes it (the fields a pattern can look at). */
function cloudTrailRecord(
  eventSource: string,
  eventName: string,
  userType = 'AssumedRole',
): Record<string, Json> {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: userType,
      principalId: 'AROAEXAMPLE:alice',
      arn:
        userType === 'Root'
          ? 'arn:aws:iam::222222222222:root'
          : 'arn:aws:sts::222222222222:assumed-role/Admin/alice',
      accountId: '222222222222',
    },
    eventTime: '2026-11-20T10:00:00Z',
    eventSource,
    eventName,
    awsRegion: 'eu-west-1',
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: {},
    responseElements: null,
    eventID: `0c2f1a52-${eventName.length.toString().padStart(4, '0')}-4d7e-9b1a-3f5e8c7d6a21`,
    readOnly: isReadOnlyEvent(eventSource, eventName),
    eventType: eventSource === 'signin.amazonaws.com' ? 'AwsConsoleSignIn' : 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '222222222222',
  };
}

/**
 * The EventBridge envelope CloudTrail events arrive in. Console sign-ins come with their own detail-type (as in
 * the EventBridge user guide's ConsoleLogin example); every other management call is an "AWS API Call".
 */
function eventBridgeEvent(record: Record<string, Json>): Record<string, Json> {
  const eventSource = String(record.eventSource);
  return {
    version: '0',
    id: '6f4a1a8c-2b0e-4f8d-9a51-0d5c3b2e7f10',
    'detail-type':
      eventSource === 'signin.amazonaws.com'
        ? 'AWS Console Sign In via CloudTrail'
        : 'AWS API Call via CloudTrail',
    source: `aws.${eventSource.replace('.amazonaws.com', '')}`,
    account: '222222222222',
    time: '2026-11-20T10:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail: record,
  };
}

describe('EventBridge rules generated from the detection catalog', () => {
  let rules: SynthesizedRule[];

  beforeAll(() => {
    const stacks = synthStacks([testEnvironment({ name: 'events' })]);
    const stack = stacks.get('events');
    if (!stack) throw new Error('no events stack');
    rules = resourcesOf(stack, 'aws_cloudwatch_event_rule').map((rule) => ({
      name: String(rule.name),
      state: String(rule.state),
      pattern: JSON.parse(String(rule.event_pattern)),
    }));
  });

  const rulesMatching = (event: Record<string, Json>) =>
    rules.filter((rule) => matchesPattern(rule.pattern, event));

  it('keeps every pattern within the EventBridge size limit', () => {
    for (const rule of rules)
      expect(JSON.stringify(rule.pattern).length).toBeLessThanOrEqual(MAX_PATTERN_LENGTH);
  });

  it('delivers every live trigger of every detection to exactly one rule, in a state that receives it', () => {
    const triggers = catalog.all.flatMap((detection) =>
      detection.triggers.flatMap((trigger) =>
        trigger.eventNames
          .filter((eventName) => isRoutedLive(catalog, trigger.eventSource, eventName))
          .map((eventName) => ({
            id: detection.id,
            eventSource: trigger.eventSource,
            eventName,
          })),
      ),
    );
    expect(triggers.length).toBeGreaterThan(0);

    for (const trigger of triggers) {
      const event = eventBridgeEvent(cloudTrailRecord(trigger.eventSource, trigger.eventName));
      const matched = rulesMatching(event).filter((rule) => !rule.name.endsWith('-principal-types'));

      expect({ trigger, matched: matched.map((rule) => rule.name) }).toEqual({
        trigger,
        matched: [expect.any(String)],
      });
      if (isReadOnlyEvent(trigger.eventSource, trigger.eventName))
        expect(matched[0]?.state).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
    }
  });

  it('still delivers a failed attempt (the guards downstream decide, and behaviour detections want it)', () => {
    const [source, names] = [...catalog.triggersBySource()][0] as [string, readonly string[]];
    const failed = { ...cloudTrailRecord(source, names[0] as string), errorCode: 'AccessDenied' };

    expect(rulesMatching(eventBridgeEvent(failed)).length).toBeGreaterThan(0);
  });

  it('does not route reads that only informational detections watch, but routes informational changes', () => {
    // DescribeSecurityGroups: only recon.security-controls-discovery (informational) watches it.
    expect(catalog.candidatesFor('ec2.amazonaws.com', 'DescribeSecurityGroups').length).toBeGreaterThan(0);
    expect(isRoutedLive(catalog, 'ec2.amazonaws.com', 'DescribeSecurityGroups')).toBe(false);
    expect(
      rulesMatching(eventBridgeEvent(cloudTrailRecord('ec2.amazonaws.com', 'DescribeSecurityGroups'))),
    ).toEqual([]);
    // CreateRoute: only ec2.network-topology-changed (informational) watches it, and it is a change.
    expect(
      rulesMatching(eventBridgeEvent(cloudTrailRecord('ec2.amazonaws.com', 'CreateRoute'))),
    ).toHaveLength(1);
    // DescribeInstanceAttribute: read-only, watched by a signal detection (user data read).
    expect(isRoutedLive(catalog, 'ec2.amazonaws.com', 'DescribeInstanceAttribute')).toBe(true);
  });

  it('does not match a benign DescribeInstances', () => {
    expect(catalog.candidatesFor('ec2.amazonaws.com', 'DescribeInstances')).toHaveLength(0);

    expect(
      rulesMatching(eventBridgeEvent(cloudTrailRecord('ec2.amazonaws.com', 'DescribeInstances'))),
    ).toEqual([]);
  });

  it('does not cross-match a trigger name under another service', () => {
    const bySource = catalog.triggersBySource();
    const [s3Name] = (bySource.get('s3.amazonaws.com') ?? []).filter(
      (name) => !(bySource.get('iam.amazonaws.com') ?? []).includes(name),
    );
    expect(s3Name).toBeDefined();

    expect(rulesMatching(eventBridgeEvent(cloudTrailRecord('iam.amazonaws.com', s3Name as string)))).toEqual(
      [],
    );
    expect(
      rulesMatching(eventBridgeEvent(cloudTrailRecord('s3.amazonaws.com', s3Name as string))),
    ).toHaveLength(1);
  });

  it('does not match a trigger name in a non-CloudTrail event (a service event of the same source)', () => {
    const [source, names] = [...catalog.triggersBySource()].find(([s]) => s !== 'signin.amazonaws.com') as [
      string,
      readonly string[],
    ];
    const serviceEvent = {
      ...eventBridgeEvent(cloudTrailRecord(source, names[0] as string)),
      'detail-type': 'AWS Service Event via CloudTrail',
    };

    expect(rulesMatching(serviceEvent)).toEqual([]);
  });

  it('ignores a look-alike event pushed with PutEvents (its source cannot start with aws.), on every rule', () => {
    // Prepare: a perfect copy of a trigger's event, but with a custom source, as a member principal could push it
    const hits = [...catalog.triggersBySource()].flatMap(([source, names]) =>
      names
        .filter((name) => isRoutedLive(catalog, source, name))
        .map((name) => eventBridgeEvent(cloudTrailRecord(source, name))),
    );
    const lookAlikes = hits.map((event) => ({ ...event, source: 'attacker.s3' }));
    // Act & Assess
    const awsOnly = (source: Json) =>
      JSON.stringify(source) === '[{"prefix":"aws."}]' ||
      (Array.isArray(source) &&
        source.length > 0 &&
        source.every((value) => String(value).startsWith('aws.')));
    expect(rules.filter((rule) => !awsOnly(rule.pattern.source as Json)).map((rule) => rule.name)).toEqual(
      [],
    );
    expect(hits.every((event) => rulesMatching(event).length > 0)).toBe(true);
    expect(lookAlikes.flatMap((event) => rulesMatching(event))).toEqual([]);
  });

  it('watches every call of the principal types some detection follows (e.g. root)', () => {
    const principalTypes = catalog.principalTypes();
    if (principalTypes.length === 0) {
      expect(rules.some((rule) => rule.name.endsWith('-principal-types'))).toBe(false);
      return;
    }
    const event = eventBridgeEvent(
      cloudTrailRecord('ec2.amazonaws.com', 'DescribeInstances', principalTypes[0]),
    );

    expect(rulesMatching(event).map((rule) => rule.name)).toEqual(['aisaws-events-principal-types']);
    expect(rules.find((rule) => rule.name === 'aisaws-events-principal-types')?.state).toBe(
      'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
    );
  });

  it('uses the read-only state only for rules that list a read-only trigger', () => {
    const cloudTrailRules = rules.filter(
      (r) => !r.name.endsWith('-principal-types') && !/-(?:guardduty|securityhub)-findings$/.test(r.name),
    );
    for (const rule of cloudTrailRules) {
      const detail = rule.pattern.detail as { eventSource: string[]; eventName: string[] };
      const hasRead = detail.eventName.some((name) => isReadOnlyEvent(detail.eventSource[0] as string, name));
      expect(rule.state).toBe(hasRead ? 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' : 'ENABLED');
    }
  });
});

describe('isReadOnlyEvent', () => {
  it.each([
    ['ec2.amazonaws.com', 'DescribeInstances', true],
    ['s3.amazonaws.com', 'GetBucketAcl', true],
    ['iam.amazonaws.com', 'ListUsers', true],
    ['sts.amazonaws.com', 'GetSessionToken', false],
    ['sts.amazonaws.com', 'GetFederationToken', false],
    ['s3.amazonaws.com', 'PutBucketAcl', false],
  ])('%s %s → %s', (eventSource, eventName, expected) => {
    expect(isReadOnlyEvent(eventSource, eventName)).toBe(expected);
  });
});

/**
 * The positive fixture records of the detection catalog (core's test data, read as files: the infra cannot import
 * another package's tests). Each one must reach triage through the synthesized rules.
 */
const CORE_FIXTURES = `${REPO_ROOT}packages/core/test/fixtures/cloudtrail`;
const fixtureIndex: { fixture: string; detection: string }[] = existsSync(`${CORE_FIXTURES}/index.json`)
  ? JSON.parse(readFileSync(`${CORE_FIXTURES}/index.json`, 'utf8'))
  : [];

describe('EventBridge rules and the detection fixtures of core', () => {
  let rules: SynthesizedRule[];

  beforeAll(() => {
    const stack = synthStacks([testEnvironment({ name: 'fixtures' })]).get('fixtures');
    if (!stack) throw new Error('no fixtures stack');
    rules = resourcesOf(stack, 'aws_cloudwatch_event_rule').map((rule) => ({
      name: String(rule.name),
      state: String(rule.state),
      pattern: JSON.parse(String(rule.event_pattern)),
    }));
  });

  it('has a fixture for every detection of the catalog', () => {
    const covered = new Set(fixtureIndex.map((entry) => entry.detection));

    expect(catalog.all.map((detection) => detection.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it.each(fixtureIndex.map((entry) => [entry.fixture, entry.detection]))(
    '%s (%s) is delivered to triage when routed live, in a rule state that receives it',
    (file, detection) => {
      // Prepare: the real record, in the envelope EventBridge delivers it in.
      const record = JSON.parse(readFileSync(`${CORE_FIXTURES}/${file}`, 'utf8')) as Record<string, Json>;
      const event = eventBridgeEvent(record);
      const live = isRoutedLive(catalog, String(record.eventSource), String(record.eventName));

      // Act
      const matched = rules.filter((rule) => matchesPattern(rule.pattern, event));

      // Assess
      expect(catalog.detect(CloudTrailRecordSchema.parse(record)).map((hit) => hit.id)).toContain(detection);
      // A read only informational detections watch is recorded by scan, never routed (see isRoutedLive).
      if (!live) {
        expect(matched).toEqual([]);
        return;
      }
      expect(matched.length).toBeGreaterThan(0);
      if (isReadOnlyEvent(String(record.eventSource), String(record.eventName)))
        expect(matched.some((rule) => rule.state === 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS')).toBe(
          true,
        );
    },
  );
});

describe('EventBridge rules for GuardDuty and Security Hub findings', () => {
  let rules: SynthesizedRule[];

  beforeAll(() => {
    const stack = synthStacks([testEnvironment({ name: 'findings' })]).get('findings');
    if (!stack) throw new Error('no findings stack');
    rules = resourcesOf(stack, 'aws_cloudwatch_event_rule').map((rule) => ({
      name: String(rule.name),
      state: String(rule.state),
      pattern: JSON.parse(String(rule.event_pattern)),
    }));
  });

  const matched = (event: unknown) =>
    rules.filter((rule) => matchesPattern(rule.pattern, event as Record<string, Json>)).map((r) => r.name);

  it('routes an active GuardDuty finding and a failed Security Hub control to exactly one rule each', () => {
    expect(matched(instanceCredentialExfiltration('web-app'))).toEqual([
      expect.stringMatching(/-guardduty-findings$/),
    ]);
    expect(matched(securityHubBucketControlFailed('reports'))).toEqual([
      expect.stringMatching(/-securityhub-findings$/),
    ]);
  });

  it('drops sample and archived GuardDuty findings at EventBridge', () => {
    expect(matched(instanceCredentialExfiltration('web-app', { sample: true }))).toEqual([]);
    expect(matched(instanceCredentialExfiltration('web-app', { archived: true }))).toEqual([]);
  });

  it("drops archived, resolved and AISAWS's own Security Hub findings at EventBridge", () => {
    const variant = (change: (finding: Record<string, unknown>) => void) => {
      const event = securityHubBucketControlFailed('reports');
      change(event.detail.findings[0] as unknown as Record<string, unknown>);
      return event;
    };
    expect(matched(variant((f) => Object.assign(f, { RecordState: 'ARCHIVED' })))).toEqual([]);
    expect(matched(variant((f) => Object.assign(f, { Workflow: { Status: 'RESOLVED' } })))).toEqual([]);
    expect(matched(variant((f) => Object.assign(f, { ProductName: 'AISAWS' })))).toEqual([]);
  });
});
