import { describe, expect, it } from '@jest/globals';
import { catalog, createDetectionRegistry, DETECTIONS } from '../src/detections/index.js';
import { CloudTrailRecordSchema } from '../src/schemas/index.js';

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

describe('detection registry', () => {
  it('refuses two definitions with the same id', () => {
    const [first] = DETECTIONS;
    if (!first) throw new Error('catalog is empty');
    expect(() => createDetectionRegistry([first, first])).toThrow(/duplicate detection id/);
  });

  it('never reports a failed call as actionable, and skips it for change detections', () => {
    expect(catalog.detect(record({ errorCode: 'AccessDenied' }))).toEqual([]);
  });

  it('skips AISAWS own roles and AWS service principals', () => {
    const aisaws = {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/aisaws-dev-remediation/x',
      sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::111122223333:role/aisaws-dev-remediation' } },
    };
    expect(catalog.detect(record({ userIdentity: aisaws }))).toEqual([]);
    expect(catalog.detect(record({ userIdentity: { type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' } }))).toEqual([]);
    expect(catalog.detect(record({})).map((h) => h.id)).toEqual(['s3.bucket-acl-public']);
  });
});
