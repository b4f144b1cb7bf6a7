import { catalog } from '@aisaws/core/detections';
import { toIngestedEvent } from '@aisaws/core/events';
import { CloudTrailEventBridgeEventSchema, CloudTrailRecordSchema } from '@aisaws/core/schemas';
import { describe, expect, it } from '@jest/globals';
import {
  benignDescribeInstances,
  bucketMadePublicByAcl,
  cloudTrailRecord,
  eventBridgeEvent,
  rootConsoleLoginWithoutMfa,
  securityGroupOpenToWorldOnSsh,
  trailLoggingStopped,
} from '../src/fixtures/index.js';

const NAMED = {
  bucketMadePublicByAcl: () => bucketMadePublicByAcl(),
  securityGroupOpenToWorldOnSsh: () => securityGroupOpenToWorldOnSsh(),
  trailLoggingStopped: () => trailLoggingStopped(),
  rootConsoleLoginWithoutMfa: () => rootConsoleLoginWithoutMfa(),
  benignDescribeInstances: () => benignDescribeInstances(),
};

describe('cloudTrailRecord', () => {
  it('builds a record that parses with the CloudTrail schema', () => {
    expect(CloudTrailRecordSchema.safeParse(cloudTrailRecord()).success).toBe(true);
  });

  it('gives every record a fresh eventID unless one is passed', () => {
    // Act
    const a = cloudTrailRecord();
    const b = cloudTrailRecord();
    const c = cloudTrailRecord({ eventID: 'fixed-id' });
    // Assess
    expect(a.eventID).not.toBe(b.eventID);
    expect(c.eventID).toBe('fixed-id');
  });

  it('applies overrides on top of the defaults', () => {
    // Act
    const record = cloudTrailRecord({
      eventName: 'RunInstances',
      readOnly: false,
      errorCode: 'AccessDenied',
    });
    // Assess
    expect(record).toMatchObject({ eventName: 'RunInstances', readOnly: false, errorCode: 'AccessDenied' });
    expect(record.eventSource).toBe('ec2.amazonaws.com');
  });
});

describe('eventBridgeEvent', () => {
  it('wraps a record in the real "AWS API Call via CloudTrail" envelope', () => {
    // Prepare
    const record = bucketMadePublicByAcl();
    // Act
    const event = eventBridgeEvent(record);
    // Assess
    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.s3',
      account: record.recipientAccountId,
      time: record.eventTime,
      region: record.awsRegion,
      resources: [],
      detail: record,
    });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(CloudTrailEventBridgeEventSchema.safeParse(event).success).toBe(true);
  });

  it('uses the sign-in detail-type and aws.signin source for console logins', () => {
    // Act
    const event = eventBridgeEvent(rootConsoleLoginWithoutMfa());
    // Assess
    expect(event['detail-type']).toBe('AWS Console Sign In via CloudTrail');
    expect(event.source).toBe('aws.signin');
  });

  it('lets the envelope be overridden', () => {
    // Act
    const event = eventBridgeEvent(benignDescribeInstances(), {
      account: '444455556666',
      region: 'us-west-2',
    });
    // Assess
    expect(event.account).toBe('444455556666');
    expect(event.region).toBe('us-west-2');
  });
});

describe('named records', () => {
  it.each(Object.entries(NAMED))(
    '%s parses as a CloudTrail record and in its EventBridge envelope',
    (_n, build) => {
      const record = build();
      expect(CloudTrailRecordSchema.safeParse(record).success).toBe(true);
      expect(CloudTrailEventBridgeEventSchema.safeParse(eventBridgeEvent(record)).success).toBe(true);
    },
  );

  it('bucketMadePublicByAcl is detected as s3.bucket-acl-public on that bucket', () => {
    // Act
    const hits = catalog.detect(bucketMadePublicByAcl('reports-bucket'));
    // Assess
    const hit = hits.find((h) => h.id === 's3.bucket-acl-public');
    expect(hit?.resource?.id).toBe('reports-bucket');
    expect(hit?.actionable).toBe(true);
  });

  it('benignDescribeInstances triggers no detection', () => {
    expect(catalog.detect(benignDescribeInstances())).toEqual([]);
  });

  it('rootConsoleLoginWithoutMfa summarises as a root actor without MFA', () => {
    // Act
    const { summary } = toIngestedEvent(rootConsoleLoginWithoutMfa(), { receivedAt: '2026-11-24T10:15:31Z' });
    // Assess
    expect(summary.actor).toMatchObject({ type: 'Root', mfa: false });
  });
});
