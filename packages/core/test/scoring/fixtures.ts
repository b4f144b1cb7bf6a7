import { toIngestedEvent } from '../../src/events/index.js';
import type { BaselineSnapshot } from '../../src/ports/index.js';
import type { CloudTrailRecord } from '../../src/schemas/cloudtrail.js';
import type { DetectionHit, IngestedEvent, RiskAssessment, ScoredEvent } from '../../src/schemas/stages.js';

/** Test builders: records in CloudTrail's own shape, turned into stage messages by the real Detect stage. */

const ACCOUNT = '111122223333';

function iamUserRecord(overrides: Partial<CloudTrailRecord> = {}): CloudTrailRecord {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEUSER00001',
      arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      accountId: ACCOUNT,
      userName: 'alice',
    },
    eventTime: '2026-11-20T10:00:00Z',
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeInstances',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '198.51.100.10',
    userAgent: 'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux',
    requestParameters: {},
    responseElements: null,
    eventID: 'event-1',
    readOnly: true,
    eventType: 'AwsApiCall',
    recipientAccountId: ACCOUNT,
    ...overrides,
  };
}

function publicAclRecord(overrides: Partial<CloudTrailRecord> = {}): CloudTrailRecord {
  return iamUserRecord({
    eventSource: 's3.amazonaws.com',
    eventName: 'PutBucketAcl',
    readOnly: false,
    userAgent: '[aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux command/s3api.put-bucket-acl]',
    requestParameters: { bucketName: 'reports-2026', 'x-amz-acl': ['public-read'] },
    eventID: 'public-acl-1',
    ...overrides,
  });
}

function ingest(record: CloudTrailRecord): IngestedEvent {
  return toIngestedEvent(record, { receivedAt: '2026-11-20T10:00:05.000Z' });
}

const FIRST_SEEN: BaselineSnapshot = {
  principalSeenBefore: false,
  apiSeenBefore: false,
  ipSeenBefore: false,
  regionSeenBefore: false,
  recentCalls: 0,
  recentDenied: 0,
};

const WELL_KNOWN: BaselineSnapshot = {
  principalSeenBefore: true,
  apiSeenBefore: true,
  ipSeenBefore: true,
  regionSeenBefore: true,
  recentCalls: 3,
  recentDenied: 0,
};

function hit(overrides: Partial<DetectionHit> = {}): DetectionHit {
  return {
    id: 's3.bucket-acl-public',
    title: 'S3 bucket made public by its ACL',
    category: 'EXP',
    mitre: ['T1530'],
    severity: 0.85,
    summary: 'Bucket reports-2026 ACL made public: canned ACL public-read',
    resource: {
      type: 'AWS::S3::Bucket',
      id: 'reports-2026',
      arn: 'arn:aws:s3:::reports-2026',
      account: ACCOUNT,
      region: 'eu-west-1',
      details: {},
    },
    playbook: 's3.make-bucket-private',
    actionable: true,
    evidence: {},
    ...overrides,
  };
}

const risk = (score: number): RiskAssessment => ({
  score,
  model: { id: 'test', version: '1' },
  explanation: [],
});

/** A scored event with the given hits and score, built on a real ingested record. */
function scored(
  score: number,
  detections: DetectionHit[],
  record: CloudTrailRecord = publicAclRecord(),
): ScoredEvent {
  return { ...ingest(record), detections, risk: risk(score) };
}

export { ACCOUNT, FIRST_SEEN, hit, iamUserRecord, ingest, publicAclRecord, scored, WELL_KNOWN };
