import { describe, expect, it } from '@jest/globals';
import {
  CloudTrailEventBridgeEventSchema,
  CloudTrailLogFileSchema,
  CloudTrailRecordSchema,
  IngestedEventSchema,
  SCHEMA_VERSION,
} from '../../src/schemas/index.js';

const record = {
  eventVersion: '1.09',
  userIdentity: {
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLEID:dev',
    arn: 'arn:aws:sts::111122223333:assumed-role/dev/dev',
    accountId: '111122223333',
    sessionContext: {
      sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/dev', userName: 'dev' },
      attributes: { creationDate: '2026-11-20T10:00:00Z', mfaAuthenticated: 'false' },
    },
  },
  eventTime: '2026-11-20T10:01:02Z',
  eventSource: 'ec2.amazonaws.com',
  eventName: 'AuthorizeSecurityGroupIngress',
  awsRegion: 'eu-west-1',
  sourceIPAddress: '203.0.113.10',
  userAgent: 'aws-cli/2.15.0',
  requestParameters: { groupId: 'sg-0abc', ipPermissions: { items: [] } },
  responseElements: { _return: true },
  eventID: '3f0c2a4e-0000-4000-8000-000000000001',
  readOnly: false,
  eventType: 'AwsApiCall',
  recipientAccountId: '111122223333',
  aNewFieldCloudTrailAddsLater: { kept: true },
};

describe('CloudTrailRecordSchema (lenient)', () => {
  it('keeps unknown fields and the request as sent', () => {
    // Act
    const parsed = CloudTrailRecordSchema.parse(record);
    // Assess
    expect(parsed.aNewFieldCloudTrailAddsLater).toEqual({ kept: true });
    expect(parsed.requestParameters).toEqual(record.requestParameters);
    expect(parsed.userIdentity?.sessionContext?.sessionIssuer?.arn).toBe(
      'arn:aws:iam::111122223333:role/dev',
    );
  });

  it('accepts the null requestParameters CloudTrail writes for calls without parameters', () => {
    expect(CloudTrailRecordSchema.safeParse({ ...record, requestParameters: null }).success).toBe(true);
  });

  it.each([
    ['eventID', { eventID: undefined }],
    ['eventSource', { eventSource: '' }],
    ['eventName', { eventName: 42 }],
    ['requestParameters', { requestParameters: ['not', 'an', 'object'] }],
    ['readOnly', { readOnly: 'yes' }],
  ])('rejects a record whose %s is wrong, naming that field', (field, change) => {
    // Act
    const result = CloudTrailRecordSchema.safeParse({ ...record, ...change });
    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(field);
  });

  it('reads a log file as a list of records to parse one by one', () => {
    const file = CloudTrailLogFileSchema.parse({ Records: [record, { junk: true }] });
    expect(file.Records).toHaveLength(2);
    expect(CloudTrailLogFileSchema.safeParse({ records: [] }).success).toBe(false);
  });
});

describe('CloudTrailEventBridgeEventSchema', () => {
  const envelope = {
    version: '0',
    id: 'c1a2b3c4-0000-4000-8000-00000000abcd',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ec2',
    account: '111122223333',
    time: '2026-11-20T10:01:02Z',
    region: 'eu-west-1',
    resources: [],
    detail: record,
  };

  it('parses the envelope and its CloudTrail detail', () => {
    const parsed = CloudTrailEventBridgeEventSchema.parse(envelope);
    expect(parsed.detail.eventName).toBe('AuthorizeSecurityGroupIngress');
  });

  it('accepts console sign-in events', () => {
    const signIn = { ...envelope, 'detail-type': 'AWS Console Sign In via CloudTrail', source: 'aws.signin' };
    expect(CloudTrailEventBridgeEventSchema.safeParse(signIn).success).toBe(true);
  });

  it('refuses other detail-types with a message that says which one', () => {
    const result = CloudTrailEventBridgeEventSchema.safeParse({
      ...envelope,
      'detail-type': 'AWS Service Event via CloudTrail',
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('"AWS Service Event via CloudTrail"');
  });

  it('refuses an envelope without detail', () => {
    const { detail: _detail, ...withoutDetail } = envelope;
    const result = CloudTrailEventBridgeEventSchema.safeParse(withoutDetail);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain('detail');
  });
});

describe('stage messages (strict, versioned)', () => {
  const ingested = {
    schemaVersion: SCHEMA_VERSION,
    eventId: record.eventID,
    receivedAt: '2026-11-20T10:01:03Z',
    summary: {
      eventId: record.eventID,
      eventName: record.eventName,
      eventSource: record.eventSource,
      account: '111122223333',
      region: 'eu-west-1',
      actor: { type: 'AssumedRole' },
    },
    record,
    detections: [],
    archive: null,
  };

  it('parses the Ingest output', () => {
    expect(IngestedEventSchema.safeParse(ingested).success).toBe(true);
  });

  it('refuses unknown keys and another schema version', () => {
    expect(IngestedEventSchema.safeParse({ ...ingested, extra: 1 }).success).toBe(false);
    expect(IngestedEventSchema.safeParse({ ...ingested, schemaVersion: 2 }).success).toBe(false);
  });
});
