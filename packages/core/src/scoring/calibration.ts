import type { BaselineSnapshot } from '../ports/index.js';
import type { CloudTrailRecord } from '../schemas/cloudtrail.js';

/**
 * The product's calibration requirements, as concrete events. The fitter (scripts/fit-scoring-model.ts) enforces
 * them as constraints on the weights and records them in the weights' provenance; the scoring tests check them on
 * the committed weights. They are requirements, not training data.
 */

interface CalibrationScenario {
  readonly name: string;
  readonly description: string;
  readonly record: CloudTrailRecord;
  /**
   * What the baseline knew; undefined means "any": the requirement must hold for every baseline state. When given,
   * the requirement must hold for any call rate (recentCalls) too.
   */
  readonly baseline?: BaselineSnapshot;
  readonly bound: { readonly kind: 'min' | 'max'; readonly score: number };
}

const ACCOUNT = '111122223333';

/** The seed scenario: an IAM user, from a public IP, with the AWS CLI, makes a bucket public by its ACL. */
const seedPublicBucketAcl: CloudTrailRecord = {
  eventVersion: '1.09',
  userIdentity: {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLESEEDUSER01',
    arn: `arn:aws:iam::${ACCOUNT}:user/dev-alice`,
    accountId: ACCOUNT,
    accessKeyId: 'AKIAEXAMPLESEED00001',
    userName: 'dev-alice',
  },
  eventTime: '2026-11-20T10:15:00Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'PutBucketAcl',
  awsRegion: 'eu-west-1',
  sourceIPAddress: '198.51.100.23',
  userAgent:
    '[aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5 md/arch#x86_64 lang/python#3.11.8 command/s3api.put-bucket-acl]',
  requestParameters: {
    bucketName: 'aisaws-seed-demo',
    acl: '',
    'x-amz-acl': ['public-read'],
    Host: 'aisaws-seed-demo.s3.eu-west-1.amazonaws.com',
  },
  responseElements: null,
  eventID: 'calibration-seed-public-acl',
  readOnly: false,
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: ACCOUNT,
};

/** A routine read by a principal the baseline knows well. */
const benignDescribe: CloudTrailRecord = {
  eventVersion: '1.09',
  userIdentity: {
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLEOPS000001:ops-session',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ops/ops-session`,
    accountId: ACCOUNT,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLEOPS000001',
        arn: `arn:aws:iam::${ACCOUNT}:role/ops`,
        accountId: ACCOUNT,
        userName: 'ops',
      },
      attributes: { creationDate: '2026-11-20T09:00:00Z', mfaAuthenticated: 'false' },
    },
  },
  eventTime: '2026-11-20T10:15:00Z',
  eventSource: 'ec2.amazonaws.com',
  eventName: 'DescribeInstances',
  awsRegion: 'eu-west-1',
  sourceIPAddress: '198.51.100.40',
  userAgent:
    'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5 md/arch#x86_64 lang/python#3.11.8 command/ec2.describe-instances',
  requestParameters: { instancesSet: {}, filterSet: {} },
  responseElements: null,
  eventID: 'calibration-benign-describe',
  readOnly: true,
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: ACCOUNT,
};

/** A successful root console sign-in without MFA. */
const rootConsoleLoginWithoutMfa: CloudTrailRecord = {
  eventVersion: '1.08',
  userIdentity: {
    type: 'Root',
    principalId: ACCOUNT,
    arn: `arn:aws:iam::${ACCOUNT}:root`,
    accountId: ACCOUNT,
  },
  eventTime: '2026-11-20T10:15:00Z',
  eventSource: 'signin.amazonaws.com',
  eventName: 'ConsoleLogin',
  awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.77',
  userAgent:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Safari/537.36',
  requestParameters: null,
  responseElements: { ConsoleLogin: 'Success' },
  additionalEventData: {
    LoginTo: 'https://console.aws.amazon.com/console/home',
    MobileVersion: 'No',
    MFAUsed: 'No',
  },
  eventID: 'calibration-root-console-no-mfa',
  readOnly: false,
  eventType: 'AwsConsoleSignIn',
  managementEvent: true,
  recipientAccountId: ACCOUNT,
};

/** A principal seen often, from this IP and region, calling this API before: the quietest baseline. */
const KNOWN_PRINCIPAL: BaselineSnapshot = Object.freeze({
  principalSeenBefore: true,
  apiSeenBefore: true,
  ipSeenBefore: true,
  regionSeenBefore: true,
  recentCalls: 5,
  recentDenied: 0,
});

const CALIBRATION_SCENARIOS: readonly CalibrationScenario[] = Object.freeze([
  {
    name: 'seed-public-bucket-acl',
    description:
      'IAM user, public IP, AWS CLI, PutBucketAcl public-read (actionable, severity .85): score ≥ 0.4 whatever the baseline',
    record: seedPublicBucketAcl,
    bound: { kind: 'min', score: 0.4 },
  },
  {
    name: 'root-console-login-without-mfa',
    description: 'Root console sign-in without MFA: score ≥ 0.7 (HIGH) whatever the baseline',
    record: rootConsoleLoginWithoutMfa,
    bound: { kind: 'min', score: 0.7 },
  },
  {
    name: 'benign-describe-known-principal',
    description:
      'Read-only DescribeInstances by a well-known role from its usual IP and region, however busy it is: score < 0.4',
    record: benignDescribe,
    baseline: KNOWN_PRINCIPAL,
    bound: { kind: 'max', score: 0.4 },
  },
]);

/** Any actionable detection hit of at least this severity must score at least ACTIONABLE_FLOOR_SCORE. */
const ACTIONABLE_FLOOR_SEVERITY = 0.75;
const ACTIONABLE_FLOOR_SCORE = 0.4;

export type { CalibrationScenario };
export { ACTIONABLE_FLOOR_SCORE, ACTIONABLE_FLOOR_SEVERITY, CALIBRATION_SCENARIOS, KNOWN_PRINCIPAL };
