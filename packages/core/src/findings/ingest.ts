import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import type { SecuritySignal } from '../schemas/security-signal.js';
import { type EventSummary, type IngestedEvent, SCHEMA_VERSION } from '../schemas/stages.js';
import { type AsffFinding, AsffFindingSchema, SecurityHubFindingsImportedEventSchema } from './asff.js';
import { type GuardDutyFinding, GuardDutyFindingEventSchema, GuardDutyFindingSchema } from './guardduty.js';
import {
  asffToSignal,
  type FindingIssue,
  FindingNormalizationError,
  guardDutyToSignal,
} from './normalize.js';
import { findingDetection } from './responses.js';

/** The EventBridge detail-types of findings AISAWS consumes. */
const FINDING_DETAIL_TYPES = ['GuardDuty Finding', 'Security Hub Findings - Imported'] as const;

type FindingParse =
  | { readonly success: true; readonly signal: SecuritySignal }
  | { readonly success: false; readonly reason: string; readonly issues: readonly FindingIssue[] };

interface ZodLikeIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}
const issuesOf = (issues: readonly ZodLikeIssue[]): FindingIssue[] =>
  issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message }));

const reasonOf = (what: string, issues: readonly FindingIssue[]): string =>
  `not a ${what} AISAWS can read: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`;

function normalised(what: string, build: () => SecuritySignal, prefix: string): FindingParse {
  try {
    return { success: true, signal: build() };
  } catch (error) {
    if (!(error instanceof FindingNormalizationError)) throw error;
    const issues = error.issues.map((issue) => ({ ...issue, path: `${prefix}${issue.path}` }));
    return { success: false, reason: reasonOf(what, issues), issues };
  }
}

/** True when the input is an EventBridge event whose detail-type is a finding (so Ingest reads it as one). */
function isFindingEvent(input: unknown): boolean {
  if (typeof input !== 'object' || input === null) return false;
  const detailType = (input as { 'detail-type'?: unknown })['detail-type'];
  return (FINDING_DETAIL_TYPES as readonly unknown[]).includes(detailType);
}

/** An EventBridge `GuardDuty Finding` or `Security Hub Findings - Imported` event → the normalised signal. */
function parseFindingEvent(input: unknown): FindingParse {
  const detailType = (input as { 'detail-type'?: unknown })['detail-type'];
  if (detailType === 'GuardDuty Finding') {
    const parsed = GuardDutyFindingEventSchema.safeParse(input);
    if (!parsed.success) {
      const issues = issuesOf(parsed.error.issues);
      return { success: false, reason: reasonOf('GuardDuty Finding event', issues), issues };
    }
    return normalised('GuardDuty Finding event', () => guardDutyToSignal(parsed.data.detail), 'detail.');
  }
  const parsed = SecurityHubFindingsImportedEventSchema.safeParse(input);
  if (!parsed.success) {
    const issues = issuesOf(parsed.error.issues);
    return { success: false, reason: reasonOf('Security Hub Findings - Imported event', issues), issues };
  }
  const finding = parsed.data.detail.findings[0] as AsffFinding;
  return normalised('Security Hub finding', () => asffToSignal(finding), 'detail.findings.0.');
}

/** Bounds of the key conversion below: deeper or larger than any real finding, so a hostile one stops early. */
const CAMEL_CASE_LIMITS = { depth: 24, nodes: 20_000 } as const;

class FindingTooLargeError extends Error {}

/**
 * The GuardDuty API (and its EventBridge detail) names attributes in camelCase (`accountId`, `resource.
 * accessKeyDetails`); the AWS CLI and SDKs print the same finding with the model's member names in PascalCase
 * (`AccountId`, `Resource.AccessKeyDetails`). One spelling is read: each key's first letter lower-cased.
 */
function camelCaseKeys(value: unknown, depth = 0, budget = { nodes: 0 }): unknown {
  budget.nodes += 1;
  if (depth > CAMEL_CASE_LIMITS.depth || budget.nodes > CAMEL_CASE_LIMITS.nodes)
    throw new FindingTooLargeError(
      `nested deeper than ${CAMEL_CASE_LIMITS.depth} or larger than ${CAMEL_CASE_LIMITS.nodes} values`,
    );
  if (Array.isArray(value)) return value.map((element) => camelCaseKeys(element, depth + 1, budget));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value))
    out[key.charAt(0).toLowerCase() + key.slice(1)] = camelCaseKeys(inner, depth + 1, budget);
  return out;
}

/** A GuardDuty finding as the CLI prints it: PascalCase `Type` and `Resource`, no camelCase `type`. */
const isPascalCaseGuardDuty = (input: object): boolean =>
  'Type' in input && 'Resource' in input && !('type' in input);

/**
 * One finding object as `aws guardduty get-findings` prints it (PascalCase, `Type`, `Resource`; or camelCase as the
 * API returns it) or as `aws securityhub get-findings` exports it (ASFF, `SchemaVersion`, `ProductArn`) → the
 * normalised signal.
 */
function parseFinding(raw: unknown): FindingParse {
  let input = raw;
  if (typeof raw === 'object' && raw !== null && !('ProductArn' in raw) && isPascalCaseGuardDuty(raw)) {
    try {
      input = camelCaseKeys(raw);
    } catch (error) {
      if (!(error instanceof FindingTooLargeError)) throw error;
      const issues = [{ path: '(root)', message: error.message }];
      return { success: false, reason: reasonOf('GuardDuty finding', issues), issues };
    }
  }
  const asff = typeof input === 'object' && input !== null && 'ProductArn' in input;
  if (asff) {
    const parsed = AsffFindingSchema.safeParse(input);
    if (!parsed.success) {
      const issues = issuesOf(parsed.error.issues);
      return { success: false, reason: reasonOf('Security Hub (ASFF) finding', issues), issues };
    }
    return normalised('Security Hub (ASFF) finding', () => asffToSignal(parsed.data), '');
  }
  const parsed = GuardDutyFindingSchema.safeParse(input);
  if (!parsed.success) {
    const issues = issuesOf(parsed.error.issues);
    return { success: false, reason: reasonOf('GuardDuty finding', issues), issues };
  }
  return normalised('GuardDuty finding', () => guardDutyToSignal(parsed.data as GuardDutyFinding), '');
}

const EVENT_SOURCE = {
  guardduty: 'guardduty.amazonaws.com',
  securityhub: 'securityhub.amazonaws.com',
} as const;

/** The CloudTrail-shaped view of a finding that every stage reads (see IngestedEvent.finding). */
function findingRecord(signal: SecuritySignal): CloudTrailRecord {
  const identity: Record<string, string> = {
    type: signal.actor?.type ?? 'Unknown',
    accountId: signal.account,
  };
  if (signal.actor?.userName) identity.userName = signal.actor.userName;
  if (signal.actor?.principalId) identity.principalId = signal.actor.principalId;
  if (signal.actor?.accessKeyId) identity.accessKeyId = signal.actor.accessKeyId;
  return {
    eventVersion: 'finding',
    eventID: signal.idempotencyKey,
    eventSource: EVENT_SOURCE[signal.source],
    eventName: signal.type,
    eventTime: signal.updatedAt,
    eventType: 'SecurityFinding',
    awsRegion: signal.region,
    recipientAccountId: signal.account,
    userIdentity: identity,
    ...(signal.remoteIp ? { sourceIPAddress: signal.remoteIp } : {}),
  };
}

function findingSummary(signal: SecuritySignal, record: CloudTrailRecord): EventSummary {
  const summary: EventSummary = {
    eventId: signal.idempotencyKey,
    eventName: signal.type,
    eventSource: record.eventSource,
    eventTime: signal.updatedAt,
    account: signal.account,
    region: signal.region,
    actor: { type: signal.actor?.type ?? 'Unknown', accountId: signal.account },
  };
  if (signal.actor?.userName) summary.actor.userName = signal.actor.userName;
  if (signal.actor?.principalId) summary.actor.principalId = signal.actor.principalId;
  if (signal.remoteIp) summary.sourceIp = signal.remoteIp;
  return summary;
}

interface FindingIngestOptions {
  readonly receivedAt: string;
  readonly archive?: { bucket: string; key: string } | null;
}

/**
 * A normalised finding → the Ingest output. An ignored finding (archived, sample, AISAWS's own) gets no detection,
 * so it is recorded and nothing is acted on or alerted; the decision's reason quotes `finding.ignoredBecause`.
 */
function toIngestedEventFromFinding(signal: SecuritySignal, options: FindingIngestOptions): IngestedEvent {
  const record = findingRecord(signal);
  return {
    schemaVersion: SCHEMA_VERSION,
    eventId: signal.idempotencyKey,
    receivedAt: options.receivedAt,
    summary: findingSummary(signal, record),
    record,
    finding: signal,
    detections: signal.ignoredBecause === null ? [findingDetection(signal)] : [],
    archive: options.archive ?? null,
  };
}

export type { FindingIngestOptions, FindingParse };
export {
  FINDING_DETAIL_TYPES,
  findingRecord,
  isFindingEvent,
  parseFinding,
  parseFindingEvent,
  toIngestedEventFromFinding,
};
