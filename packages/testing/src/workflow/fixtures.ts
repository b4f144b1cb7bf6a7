import type {
  CloudTrailEventBridgeEvent,
  DecidedEvent,
  Decision,
  RiskAssessment,
} from '@aisaws/core/schemas';

/**
 * Fixtures for the remediation side: a CloudTrail record that makes a bucket public (as CloudTrail writes it for
 * `aws s3api put-bucket-acl --acl public-read`), its EventBridge envelope, and a DecidedEvent built by hand so the
 * remediation/verification/alert Lambdas can be tested without the triage stages.
 */

interface PublicBucketEventOptions {
  readonly eventId?: string;
  readonly bucket?: string;
  readonly account?: string;
  readonly region?: string;
  readonly eventTime?: string;
  readonly userArn?: string;
}

const DEFAULTS = {
  eventId: '3f1c2a9e-7b7d-4c1e-9a51-0d6f1b2c3a4d',
  bucket: 'demo-bucket',
  account: '111122223333',
  region: 'eu-west-1',
  eventTime: '2026-03-01T11:58:00Z',
  userArn: 'arn:aws:iam::111122223333:user/mallory',
} as const;

function publicBucketAclRecord(options: PublicBucketEventOptions = {}): Record<string, unknown> {
  const o = { ...DEFAULTS, ...options };
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEMALLORY01',
      arn: o.userArn,
      accountId: o.account,
      accessKeyId: 'AKIAEXAMPLEMALLORY01',
      userName: o.userArn.split('/').pop(),
    },
    eventTime: o.eventTime,
    eventSource: 's3.amazonaws.com',
    eventName: 'PutBucketAcl',
    awsRegion: o.region,
    sourceIPAddress: '203.0.113.7',
    userAgent: '[aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64]',
    requestParameters: {
      bucketName: o.bucket,
      Host: `${o.bucket}.s3.${o.region}.amazonaws.com`,
      acl: '',
      'x-amz-acl': ['public-read'],
    },
    responseElements: null,
    additionalEventData: { SignatureVersion: 'SigV4', bytesTransferredIn: 0, bytesTransferredOut: 0 },
    requestID: 'EXAMPLE0REQUEST0ID',
    eventID: o.eventId,
    readOnly: false,
    resources: [{ type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${o.bucket}` }],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: o.account,
    eventCategory: 'Management',
  };
}

/** The EventBridge event CloudTrail delivers for that record (`detail-type` "AWS API Call via CloudTrail"). */
function publicBucketEventBridgeEvent(options: PublicBucketEventOptions = {}): CloudTrailEventBridgeEvent {
  const o = { ...DEFAULTS, ...options };
  return {
    version: '0',
    id: `eb-${o.eventId}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.s3',
    account: o.account,
    time: o.eventTime,
    region: o.region,
    resources: [],
    detail: publicBucketAclRecord(o) as CloudTrailEventBridgeEvent['detail'],
  };
}

interface DecidedEventOptions extends PublicBucketEventOptions {
  readonly decision?: Partial<Decision>;
  readonly risk?: Partial<RiskAssessment>;
}

/** A DecidedEvent for the public-bucket record: HIGH risk, AUTO_REMEDIATE with `s3.make-bucket-private`. */
function publicBucketDecidedEvent(options: DecidedEventOptions = {}): DecidedEvent {
  const o = { ...DEFAULTS, ...options };
  const record = publicBucketAclRecord(o) as DecidedEvent['record'];
  return {
    schemaVersion: 1,
    eventId: o.eventId,
    receivedAt: '2026-03-01T11:58:40Z',
    summary: {
      eventId: o.eventId,
      eventName: 'PutBucketAcl',
      eventSource: 's3.amazonaws.com',
      eventTime: o.eventTime,
      account: o.account,
      region: o.region,
      actor: { type: 'IAMUser', arn: o.userArn, userName: o.userArn.split('/').pop(), accountId: o.account },
      sourceIp: '203.0.113.7',
      userAgent: '[aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64]',
      readOnly: false,
    },
    record,
    detections: [
      {
        id: 's3.bucket-acl-public',
        title: 'S3 bucket or object made public by its ACL',
        category: 'EXP',
        mitre: ['T1530'],
        severity: 0.85,
        summary: `Bucket ${o.bucket} ACL made public: canned ACL public-read`,
        resource: {
          type: 'AWS::S3::Bucket',
          id: o.bucket,
          arn: `arn:aws:s3:::${o.bucket}`,
          account: o.account,
          region: o.region,
          details: { grants: ['canned ACL public-read'] },
        },
        playbook: 's3.make-bucket-private',
        actionable: true,
        evidence: { grants: ['canned ACL public-read'] },
      },
    ],
    archive: {
      bucket: 'aisaws-test-archive',
      key: `raw/${o.account}/${o.region}/2026/03/01/${o.eventId}.json`,
    },
    risk: {
      score: 0.82,
      model: { id: 'aisaws-default', version: '1' },
      explanation: [
        {
          feature: 'detection.severity',
          value: 0.85,
          contribution: 1.7,
          description: 'Severity of the detection',
        },
        { feature: 'principal.new_ip', value: 1, contribution: 0.6, description: 'First call from this IP' },
        { feature: 'time.off_hours', value: 0, contribution: -0.1 },
        { feature: 'api.first_use', value: 1, contribution: 0.4 },
      ],
      ...o.risk,
    },
    decision: {
      action: 'AUTO_REMEDIATE',
      level: 'HIGH',
      reason:
        'HIGH risk (0.82) and s3.make-bucket-private is a safe, reversible fix: remediated automatically.',
      detectionId: 's3.bucket-acl-public',
      playbook: 's3.make-bucket-private',
      dryRun: false,
      exempt: false,
      approvalTimeoutSeconds: 3600,
      decidedAt: '2026-03-01T11:58:41Z',
      ...o.decision,
    },
  };
}

export type { DecidedEventOptions, PublicBucketEventOptions };
export { publicBucketAclRecord, publicBucketDecidedEvent, publicBucketEventBridgeEvent };
