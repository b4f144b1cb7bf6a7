import { createHash, randomUUID } from 'node:crypto';

/**
 * Builders for the CloudTrail records the simulated account writes, in the shape CloudTrail logs them
 * (eventVersion 1.08/1.09, userIdentity, requestParameters and responseElements as the service reports them),
 * and for the EventBridge envelope CloudTrail events arrive in ("AWS API Call via CloudTrail").
 */

/** The person who makes the risky changes in the demo: an IAM user with a CLI access key. */
interface DemoPrincipal {
  readonly kind: 'iam-user' | 'root';
  readonly accountId: string;
  readonly userName: string;
  readonly principalId: string;
  readonly accessKeyId: string;
  readonly sourceIp: string;
  readonly userAgent: string;
}

interface ApiCallRecordInput {
  readonly principal: DemoPrincipal;
  readonly region: string;
  readonly eventSource: string;
  readonly eventName: string;
  readonly requestParameters: Record<string, unknown> | null;
  readonly responseElements: Record<string, unknown> | null;
  readonly at: Date;
  readonly readOnly?: boolean;
  readonly resources?: readonly { type: string; ARN: string }[];
  readonly additionalEventData?: Record<string, unknown>;
  /** Sets errorCode / errorMessage: the call was refused and changed nothing. */
  readonly error?: { code: string; message: string };
  /** Data-plane hostname the call went to (S3 logs it as `Host`), recorded in tlsDetails. */
  readonly host?: string;
}

type CloudTrailRecordJson = Record<string, unknown>;

interface EventBridgeEnvelopeJson {
  version: '0';
  id: string;
  'detail-type': 'AWS API Call via CloudTrail' | 'AWS Console Sign In via CloudTrail';
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: CloudTrailRecordJson;
}

/** eventTime as CloudTrail writes it: ISO 8601 UTC without milliseconds. */
function cloudTrailTime(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}

/** A request id in the style of the service (S3: 16 upper-case hex; others: a UUID). */
function requestIdFor(eventSource: string): string {
  if (eventSource === 's3.amazonaws.com') return randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase();
  return randomUUID();
}

function userIdentityOf(principal: DemoPrincipal): Record<string, unknown> {
  if (principal.kind === 'root') {
    return {
      type: 'Root',
      principalId: principal.accountId,
      arn: `arn:aws:iam::${principal.accountId}:root`,
      accountId: principal.accountId,
    };
  }
  return {
    type: 'IAMUser',
    principalId: principal.principalId,
    arn: `arn:aws:iam::${principal.accountId}:user/${principal.userName}`,
    accountId: principal.accountId,
    accessKeyId: principal.accessKeyId,
    userName: principal.userName,
  };
}

/** One management-event record of an API call, as CloudTrail writes it. */
function apiCallRecord(input: ApiCallRecordInput): CloudTrailRecordJson {
  const record: CloudTrailRecordJson = {
    eventVersion: input.eventSource === 's3.amazonaws.com' ? '1.09' : '1.08',
    userIdentity: userIdentityOf(input.principal),
    eventTime: cloudTrailTime(input.at),
    eventSource: input.eventSource,
    eventName: input.eventName,
    awsRegion: input.region,
    sourceIPAddress: input.principal.sourceIp,
    userAgent: input.principal.userAgent,
  };
  if (input.error) {
    record.errorCode = input.error.code;
    record.errorMessage = input.error.message;
  }
  record.requestParameters = input.requestParameters;
  record.responseElements = input.error ? null : input.responseElements;
  if (input.additionalEventData) record.additionalEventData = input.additionalEventData;
  record.requestID = requestIdFor(input.eventSource);
  record.eventID = randomUUID();
  record.readOnly = input.readOnly ?? false;
  if (input.resources && input.resources.length > 0)
    record.resources = input.resources.map((resource) => ({
      accountId: input.principal.accountId,
      ...resource,
    }));
  record.eventType = 'AwsApiCall';
  record.managementEvent = true;
  record.recipientAccountId = input.principal.accountId;
  record.eventCategory = 'Management';
  record.tlsDetails = {
    tlsVersion: 'TLSv1.3',
    cipherSuite: 'TLS_AES_128_GCM_SHA256',
    clientProvidedHostHeader:
      input.host ?? `${input.eventSource.replace('.amazonaws.com', '')}.${input.region}.amazonaws.com`,
  };
  return record;
}

/** The record of a console sign-in (signin.amazonaws.com ConsoleLogin), with MFAUsed as given. */
function consoleLoginRecord(principal: DemoPrincipal, at: Date, mfaUsed: boolean): CloudTrailRecordJson {
  return {
    eventVersion: '1.08',
    userIdentity: userIdentityOf(principal),
    eventTime: cloudTrailTime(at),
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: 'us-east-1',
    sourceIPAddress: principal.sourceIp,
    userAgent: principal.userAgent,
    requestParameters: null,
    responseElements: { ConsoleLogin: 'Success' },
    additionalEventData: {
      LoginTo: 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true',
      MobileVersion: 'No',
      MFAUsed: mfaUsed ? 'Yes' : 'No',
    },
    eventID: randomUUID(),
    readOnly: false,
    eventType: 'AwsConsoleSignIn',
    managementEvent: true,
    recipientAccountId: principal.accountId,
    eventCategory: 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: 'signin.aws.amazon.com',
    },
  };
}

/** Wraps a record the way EventBridge delivers CloudTrail events to a rule target. */
function toEventBridgeEvent(record: CloudTrailRecordJson): EventBridgeEnvelopeJson {
  const eventSource = String(record.eventSource);
  const isSignIn = record.eventType === 'AwsConsoleSignIn';
  const eventId = String(record.eventID);
  return {
    version: '0',
    // EventBridge gives every delivery its own id; derive it from the CloudTrail eventID so that a redelivery
    // of the same record (the --duplicates case) carries the same envelope, as an at-least-once retry does.
    id: uuidFrom(`eventbridge:${eventId}`),
    'detail-type': isSignIn ? 'AWS Console Sign In via CloudTrail' : 'AWS API Call via CloudTrail',
    source: `aws.${eventSource.replace('.amazonaws.com', '')}`,
    account: String(record.recipientAccountId),
    time: String(record.eventTime),
    region: String(record.awsRegion),
    resources: [],
    detail: record,
  };
}

/** A UUID-formatted string derived from a seed (stable across calls). */
function uuidFrom(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export type { ApiCallRecordInput, CloudTrailRecordJson, DemoPrincipal, EventBridgeEnvelopeJson };
export { apiCallRecord, cloudTrailTime, consoleLoginRecord, toEventBridgeEvent };
