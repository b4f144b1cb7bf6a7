import type { CloudTrailEventBridgeEvent, CloudTrailRecord } from '../schemas/index.js';

/** What the envelope needs beyond the record: its id, and where the record was found (used when it does not say). */
interface EnvelopeContext {
  /** The envelope's id (EventBridge gives each delivery its own). */
  readonly id: string;
  readonly account: string;
  readonly region: string;
  /** ISO-8601 time for a record without eventTime. */
  readonly time: string;
}

/**
 * A CloudTrail record as EventBridge delivers it to a rule target: version "0", detail-type "AWS API Call via
 * CloudTrail" ("AWS Console Sign In via CloudTrail" for a console sign-in), source `aws.<service>` from the
 * eventSource, the recipient account, eventTime as time, the record's region, no resources, the record as detail.
 * Puts a record recovered from CloudTrail event history back on the path EventBridge delivers to.
 */
function eventBridgeEnvelopeOf(
  record: CloudTrailRecord,
  context: EnvelopeContext,
): CloudTrailEventBridgeEvent {
  return {
    version: '0',
    id: context.id,
    'detail-type':
      record.eventType === 'AwsConsoleSignIn'
        ? 'AWS Console Sign In via CloudTrail'
        : 'AWS API Call via CloudTrail',
    source: `aws.${record.eventSource.replace(/\.amazonaws\.com$/, '')}`,
    account: record.recipientAccountId ?? context.account,
    time: record.eventTime ?? context.time,
    region: record.awsRegion ?? context.region,
    resources: [],
    detail: record,
  };
}

export type { EnvelopeContext };
export { eventBridgeEnvelopeOf };
