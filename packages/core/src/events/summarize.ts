import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import type { Actor, EventSummary } from '../schemas/stages.js';

/** `true`/`false` from CloudTrail's "true"/"false"/"Yes"/"No" spellings, undefined when absent. */
function yesNo(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const v = value.toLowerCase();
  if (v === 'true' || v === 'yes') return true;
  if (v === 'false' || v === 'no') return false;
  return undefined;
}

/** The acting principal: the user, or the role behind an assumed-role session; MFA when the record says. */
function actorOf(record: CloudTrailRecord): Actor {
  const identity = record.userIdentity ?? {};
  const issuer = identity.sessionContext?.sessionIssuer;
  const mfa =
    yesNo(identity.sessionContext?.attributes?.mfaAuthenticated) ??
    (record.eventName === 'ConsoleLogin' ? yesNo(record.additionalEventData?.MFAUsed) : undefined);
  const actor: Actor = { type: identity.type ?? 'Unknown' };
  const arn = identity.arn ?? issuer?.arn;
  if (arn) actor.arn = arn;
  if (identity.principalId) actor.principalId = identity.principalId;
  const userName = identity.userName ?? issuer?.userName;
  if (userName) actor.userName = userName;
  const accountId = identity.accountId ?? issuer?.accountId;
  if (accountId) actor.accountId = accountId;
  if (mfa !== undefined) actor.mfa = mfa;
  return actor;
}

/** A stable key for the principal's baseline: the session issuer for assumed roles, else the ARN. */
function principalKey(record: CloudTrailRecord): string {
  const identity = record.userIdentity ?? {};
  return (
    identity.sessionContext?.sessionIssuer?.arn ??
    identity.arn ??
    identity.principalId ??
    `${identity.type ?? 'Unknown'}:${identity.accountId ?? record.recipientAccountId ?? 'unknown'}`
  );
}

/** Epoch milliseconds of the record (eventTime, else Logstash's `@timestamp`), or undefined. */
function eventTimeMs(record: CloudTrailRecord): number | undefined {
  const raw =
    record.eventTime ?? (typeof record['@timestamp'] === 'string' ? record['@timestamp'] : undefined);
  if (raw === undefined) return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : ms;
}

function summarize(record: CloudTrailRecord): EventSummary {
  const summary: EventSummary = {
    eventId: record.eventID,
    eventName: record.eventName,
    eventSource: record.eventSource,
    account: record.recipientAccountId ?? record.userIdentity?.accountId ?? 'unknown',
    region: record.awsRegion ?? 'unknown',
    actor: actorOf(record),
  };
  const time =
    record.eventTime ?? (typeof record['@timestamp'] === 'string' ? record['@timestamp'] : undefined);
  if (time) summary.eventTime = time;
  if (record.sourceIPAddress) summary.sourceIp = record.sourceIPAddress;
  if (record.userAgent) summary.userAgent = record.userAgent;
  if (record.errorCode) summary.errorCode = record.errorCode;
  if (record.readOnly !== undefined) summary.readOnly = record.readOnly;
  return summary;
}

export { actorOf, eventTimeMs, principalKey, summarize, yesNo };
