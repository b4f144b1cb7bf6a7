import * as z from 'zod/mini';
import '../zod-english.js';
import { RollbackApprovalSchema } from '../approval/rollback-approval.js';
import { strictObject } from '../zod-objects.js';
import { CloudTrailRecordSchema } from './cloudtrail.js';
import { SecuritySignalSchema } from './security-signal.js';

/**
 * The versioned stage messages of DESIGN.md §3. Each stage accepts exactly the previous stage's output; they are
 * parsed strictly (unknown keys are an error) except the embedded CloudTrail record, which stays lenient.
 */

const SCHEMA_VERSION = 1 as const;
const SchemaVersionSchema = z.literal(SCHEMA_VERSION);
const UnitIntervalSchema = z.number().check(z.gte(0), z.lte(1));

const DetectionCategorySchema = z.enum([
  'LOG', // logging tampering
  'DEF', // defense evasion
  'EXP', // exposure
  'EXF', // exfiltration
  'IDN', // identity
  'PER', // persistence
  'PRV', // privilege escalation
  'CRD', // credential access
  'EXE', // execution
  'LAT', // lateral movement
  'HIJ', // resource hijacking
  'IMP', // impact
  'HRD', // hardening regression
  'DIS', // discovery
]);

/** The AWS resource a detection is about, as far as the event tells. */
const ResourceRefSchema = z.strictObject({
  /** CloudFormation-style type, e.g. `AWS::S3::Bucket`, `AWS::EC2::SecurityGroup`, `AWS::::Account`. */
  type: z.string().check(z.minLength(1)),
  /** The identifier the remediation API takes (bucket name, group id, trail name or ARN, key id …). */
  id: z.string().check(z.minLength(1)),
  arn: z.optional(z.string()),
  account: z.string(),
  region: z.string(),
  /** Exact targets taken from the event (rule ids, statement ids, account ids …) that a playbook needs. */
  details: z._default(z.record(z.string(), z.unknown()), {}),
});

const DetectionHitSchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  category: DetectionCategorySchema,
  mitre: z.array(z.string()),
  severity: UnitIntervalSchema,
  /** One sentence a person reads: what happened to what. */
  summary: z.string(),
  resource: z.nullable(ResourceRefSchema),
  playbook: z.nullable(z.string()),
  /** false for a failed attempt (errorCode set): scored as a signal, never acted on. */
  actionable: z.boolean(),
  evidence: z._default(z.record(z.string(), z.unknown()), {}),
});

const ActorSchema = z.strictObject({
  type: z.string(),
  arn: z.optional(z.string()),
  principalId: z.optional(z.string()),
  userName: z.optional(z.string()),
  accountId: z.optional(z.string()),
  mfa: z.optional(z.boolean()),
});

/** What a person needs to know about the event at a glance; derived from the record. */
const EventSummarySchema = z.strictObject({
  eventId: z.string(),
  eventName: z.string(),
  eventSource: z.string(),
  eventTime: z.optional(z.string()),
  account: z.string(),
  region: z.string(),
  actor: ActorSchema,
  sourceIp: z.optional(z.string()),
  userAgent: z.optional(z.string()),
  errorCode: z.optional(z.string()),
  readOnly: z.optional(z.boolean()),
});

const ArchiveRefSchema = z.strictObject({ bucket: z.string(), key: z.string() });

/** Output of Ingest, input of Score. */
const IngestedEventSchema = z.strictObject({
  schemaVersion: SchemaVersionSchema,
  eventId: z.string().check(z.minLength(1)),
  receivedAt: z.string(),
  summary: EventSummarySchema,
  /** The CloudTrail record; for a finding, its CloudTrail-shaped view (see `finding`). */
  record: CloudTrailRecordSchema,
  /**
   * Present when the event is a GuardDuty or Security Hub finding: the normalised finding. Its `record` is then a
   * view built from it (eventSource `guardduty.amazonaws.com` / `securityhub.amazonaws.com`, eventName the finding
   * type, eventID the finding's idempotency key), so every stage reads one shape.
   */
  finding: z.optional(SecuritySignalSchema),
  detections: z.array(DetectionHitSchema),
  archive: z.nullable(ArchiveRefSchema),
});

// The risk assessment is parsed once per scanned event (`aisaws scan`): compiled object parsers (zod-objects.ts).
const FeatureContributionSchema = strictObject({
  feature: z.string(),
  /** The feature's value for this event (1/0 for flags). */
  value: z.number(),
  /** Its additive contribution to the logit (or the model's own unit); the explanation sorts by |contribution|. */
  contribution: z.number(),
  description: z.optional(z.string()),
});

const RiskAssessmentSchema = strictObject({
  score: UnitIntervalSchema,
  model: strictObject({ id: z.string(), version: z.string() }),
  explanation: z.array(FeatureContributionSchema),
});

/** Output of Score, input of Decide. */
const ScoredEventSchema = z.extend(IngestedEventSchema, { risk: RiskAssessmentSchema });

const RiskLevelSchema = z.enum(['LOW', 'MEDIUM', 'HIGH']);
/**
 * LOG_ONLY: recorded, nobody is told. ALERT: a person is told, nothing is changed (no fix exists or none is permitted).
 * AUTO_REMEDIATE / HUMAN_APPROVAL: the remediation workflow runs, without or after a person's approval.
 */
const DecisionActionSchema = z.enum(['LOG_ONLY', 'ALERT', 'AUTO_REMEDIATE', 'HUMAN_APPROVAL']);

/**
 * An exemption that stopped a fix, for the audit trail (the decision record and the alert): which rule, what it
 * matched, why it exists and until when.
 */
const ExemptionUseSchema = z.strictObject({
  kind: z.enum(['tag', 'account', 'principal', 'bucket', 'resource']),
  /** The policy entry (glob, account id) or the tag (`key=value`) that matched. */
  match: z.string(),
  /** What it matched: the resource's account, the actor's ARN, the resource's id or ARN. */
  matched: z.string(),
  reason: z.string(),
  expires: z.string(),
});

const DecisionSchema = z.strictObject({
  action: DecisionActionSchema,
  level: RiskLevelSchema,
  /** Why, in one or two sentences; every decision has one. */
  reason: z.string().check(z.minLength(1)),
  /** The detection the remediation is for (the most severe actionable one with a playbook), if any. */
  detectionId: z.nullable(z.string()),
  playbook: z.nullable(z.string()),
  dryRun: z.boolean(),
  exempt: z.boolean(),
  /** Present when an exemption stopped the fix (`exempt` is then true). */
  exemption: z.optional(ExemptionUseSchema),
  approvalTimeoutSeconds: z.number().check(z.int(), z.positive()),
  decidedAt: z.string(),
});

/** Output of Decide, input of the remediation workflow. */
const DecidedEventSchema = z.extend(ScoredEventSchema, { decision: DecisionSchema });

/** The state a playbook read before changing anything: what rollback restores. */
const SnapshotSchema = z.strictObject({
  playbook: z.string(),
  resource: ResourceRefSchema,
  takenAt: z.string(),
  state: z.record(z.string(), z.unknown()),
});

const RemediationActionSchema = z.enum(['snapshot', 'apply', 'rollback']);

/**
 * snapshot / apply: the remediation workflow's steps. The event is what the workflow was started with; the
 * Remediation Lambda checks it against the stored events item (decision, target) and refuses a mismatch, and apply
 * uses the snapshot stored on the item, never one from its input.
 */
const ForwardRemediationRequestSchema = z.strictObject({
  schemaVersion: SchemaVersionSchema,
  action: z.enum(['snapshot', 'apply']),
  event: DecidedEventSchema,
});

/**
 * rollback: only the event id and a signed approval. The snapshot, the target and the playbook come from the stored
 * events item; nothing else in a rollback request is trusted.
 */
const RollbackRequestSchema = z.strictObject({
  schemaVersion: SchemaVersionSchema,
  action: z.literal('rollback'),
  eventId: z.string().check(z.minLength(1)),
  approval: RollbackApprovalSchema,
});

const RemediationRequestSchema = z.discriminatedUnion('action', [
  ForwardRemediationRequestSchema,
  RollbackRequestSchema,
]);

const RemediationResultSchema = z.strictObject({
  schemaVersion: SchemaVersionSchema,
  eventId: z.string(),
  action: RemediationActionSchema,
  playbook: z.string(),
  status: z.enum(['snapshot-taken', 'applied', 'already-compliant', 'rolled-back', 'dry-run']),
  snapshot: z.optional(SnapshotSchema),
  /** Human-readable list of what was changed, e.g. "PutPublicAccessBlock my-bucket: all four settings true". */
  changes: z.array(z.string()),
  at: z.string(),
});

const VerificationRequestSchema = z.strictObject({
  schemaVersion: SchemaVersionSchema,
  event: DecidedEventSchema,
  remediation: RemediationResultSchema,
});

const VerificationResultSchema = z.strictObject({
  schemaVersion: SchemaVersionSchema,
  eventId: z.string(),
  playbook: z.string(),
  status: z.enum(['converged', 'not-yet', 'failed']),
  /** What was read back from the real resource. */
  observed: z.record(z.string(), z.unknown()),
  details: z.string(),
  checkedAt: z.string(),
});

/**
 * The kinds about a decided event (AlertRequest). `alert`: triage tells a person about an ALERT decision (nothing was
 * changed). `logged`: a dry run reported what it would have changed. The others are the remediation workflow's
 * outcomes.
 */
const EVENT_ALERT_KINDS = [
  'remediated',
  'remediation-failed',
  'approval-request',
  'rejected',
  'logged',
  'alert',
] as const;
/**
 * The rollback workflow's kinds (RollbackAlertRequest), built from the stored events item, not from a record.
 * `rollback-offer`: e-mails the signed rollback links of a verified fix (the workflow waits on its task token).
 * `rolled-back`: the rollback ran. `rollback-refused`: the rollback function refused it (the live state drifted since
 * verify — with the diff — or the item no longer allows it). `rollback-failed`: an error. The window closing, or a
 * person declining, sends nothing more.
 */
const ROLLBACK_ALERT_KINDS = [
  'rollback-offer',
  'rolled-back',
  'rollback-refused',
  'rollback-failed',
] as const;

const AlertKindSchema = z.enum([...EVENT_ALERT_KINDS, ...ROLLBACK_ALERT_KINDS]);
const RollbackAlertKindSchema = z.enum(ROLLBACK_ALERT_KINDS);
/** The kinds an AlertRequest (about a decided event) may have. */
const EventAlertKindSchema = z.enum(EVENT_ALERT_KINDS);

const AlertRequestSchema = z.strictObject({
  schemaVersion: SchemaVersionSchema,
  kind: EventAlertKindSchema,
  event: DecidedEventSchema,
  remediation: z.optional(RemediationResultSchema),
  verification: z.optional(VerificationResultSchema),
  /** For remediation-failed: the error name and message the workflow caught. */
  error: z.optional(z.strictObject({ error: z.string(), cause: z.string() })),
  /** For approval-request: the Step Functions task token to sign into the links. */
  taskToken: z.optional(z.string()),
});

/**
 * The rollback workflow's alert request. The workflow starts from an eventId only, long after the CloudTrail record
 * went through triage, so the alert is built from the stored events item: `item` is the item as the workflow's
 * `dynamodb:getItem` returned it (DynamoDB attribute values, projected to the summary, decision, detections, the
 * snapshot's playbook and resource, the remediation and the verification). Every string in it is rendered as
 * untrusted text.
 */
const RollbackAlertRequestSchema = z.strictObject({
  schemaVersion: SchemaVersionSchema,
  kind: RollbackAlertKindSchema,
  eventId: z.string().check(z.minLength(1), z.maxLength(256)),
  item: z.record(z.string(), z.unknown()),
  /** For rollback-offer: the task token to sign into the links. */
  taskToken: z.optional(z.string()),
  /** For rollback-offer: how long the offer stands (the Offer Rollback task's TimeoutSeconds); the links expire then. */
  windowSeconds: z.optional(z.number().check(z.int(), z.positive())),
  /** For rolled-back: what the rollback function changed. */
  remediation: z.optional(RemediationResultSchema),
  /** For rollback-refused / rollback-failed: the error name and message the workflow caught. */
  error: z.optional(z.strictObject({ error: z.string(), cause: z.string() })),
});

/** What the Alert Lambda accepts: an alert about a decided event, or one of the rollback workflow. */
const AnyAlertRequestSchema = z.union([AlertRequestSchema, RollbackAlertRequestSchema]);

const AlertResultSchema = z.strictObject({
  schemaVersion: SchemaVersionSchema,
  eventId: z.string(),
  kind: AlertKindSchema,
  /** The SNS MessageId, or `outbox:<alertKey>` when SNS refused and the alert waits in the outbox. */
  messageId: z.string(),
  subject: z.string().check(z.maxLength(100)),
  /** `queued`: SNS could not take it; the reconcile job publishes it later (absent means published). */
  delivery: z.optional(z.enum(['published', 'queued'])),
});

/**
 * Status of the DynamoDB `events` item; the stages move it forward by conditional writes. RECEIVED and SCORED come
 * first: every status after SCORED in this list is one an event reaches only once scored (PAST_SCORING_STATUSES).
 */
const EVENT_STATUSES = [
  'RECEIVED',
  'SCORED',
  'DECIDED',
  'REMEDIATING',
  'VERIFIED',
  'FAILED',
  'REJECTED',
  /** Terminal for an ALERT decision: triage told a person; nothing was changed. */
  'ALERTED',
  /**
   * Terminal after VERIFIED: an approver rolled the fix back (the rollback function restored the snapshot and
   * recorded `rollback`); the resource is in its state before the fix again, by a person's choice.
   */
  'ROLLED_BACK',
] as const;

const EventStatusSchema = z.enum(EVENT_STATUSES);

/** The statuses an event has once it is scored and moved on: everything after SCORED. */
const PAST_SCORING_STATUSES: readonly EventStatus[] = EVENT_STATUSES.slice(
  EVENT_STATUSES.indexOf('SCORED') + 1,
);

type DetectionCategory = z.infer<typeof DetectionCategorySchema>;
type ResourceRef = z.infer<typeof ResourceRefSchema>;
type DetectionHit = z.infer<typeof DetectionHitSchema>;
type Actor = z.infer<typeof ActorSchema>;
type EventSummary = z.infer<typeof EventSummarySchema>;
type IngestedEvent = z.infer<typeof IngestedEventSchema>;
type FeatureContribution = z.infer<typeof FeatureContributionSchema>;
type RiskAssessment = z.infer<typeof RiskAssessmentSchema>;
type ScoredEvent = z.infer<typeof ScoredEventSchema>;
type RiskLevel = z.infer<typeof RiskLevelSchema>;
type DecisionAction = z.infer<typeof DecisionActionSchema>;
type Decision = z.infer<typeof DecisionSchema>;
type ExemptionUse = z.infer<typeof ExemptionUseSchema>;
type DecidedEvent = z.infer<typeof DecidedEventSchema>;
type Snapshot = z.infer<typeof SnapshotSchema>;
type RemediationAction = z.infer<typeof RemediationActionSchema>;
type RemediationRequest = z.infer<typeof RemediationRequestSchema>;
type ForwardRemediationRequest = z.infer<typeof ForwardRemediationRequestSchema>;
type RollbackRequest = z.infer<typeof RollbackRequestSchema>;
type RemediationResult = z.infer<typeof RemediationResultSchema>;
type VerificationRequest = z.infer<typeof VerificationRequestSchema>;
type VerificationResult = z.infer<typeof VerificationResultSchema>;
type AlertKind = z.infer<typeof AlertKindSchema>;
type AlertRequest = z.infer<typeof AlertRequestSchema>;
type RollbackAlertKind = z.infer<typeof RollbackAlertKindSchema>;
type RollbackAlertRequest = z.infer<typeof RollbackAlertRequestSchema>;
type AnyAlertRequest = z.infer<typeof AnyAlertRequestSchema>;
type AlertResult = z.infer<typeof AlertResultSchema>;
type EventStatus = z.infer<typeof EventStatusSchema>;

export type {
  Actor,
  AlertKind,
  AlertRequest,
  AlertResult,
  AnyAlertRequest,
  DecidedEvent,
  Decision,
  DecisionAction,
  DetectionCategory,
  DetectionHit,
  EventStatus,
  EventSummary,
  ExemptionUse,
  FeatureContribution,
  ForwardRemediationRequest,
  IngestedEvent,
  RemediationAction,
  RemediationRequest,
  RemediationResult,
  ResourceRef,
  RiskAssessment,
  RiskLevel,
  RollbackAlertKind,
  RollbackAlertRequest,
  RollbackRequest,
  ScoredEvent,
  Snapshot,
  VerificationRequest,
  VerificationResult,
};
export {
  ActorSchema,
  AlertKindSchema,
  AlertRequestSchema,
  AlertResultSchema,
  AnyAlertRequestSchema,
  DecidedEventSchema,
  DecisionActionSchema,
  DecisionSchema,
  DetectionCategorySchema,
  DetectionHitSchema,
  EVENT_STATUSES,
  EventAlertKindSchema,
  EventStatusSchema,
  EventSummarySchema,
  ExemptionUseSchema,
  FeatureContributionSchema,
  ForwardRemediationRequestSchema,
  IngestedEventSchema,
  PAST_SCORING_STATUSES,
  RemediationActionSchema,
  RemediationRequestSchema,
  RemediationResultSchema,
  ResourceRefSchema,
  RiskAssessmentSchema,
  RiskLevelSchema,
  RollbackAlertKindSchema,
  RollbackAlertRequestSchema,
  RollbackRequestSchema,
  SCHEMA_VERSION,
  ScoredEventSchema,
  SnapshotSchema,
  UnitIntervalSchema,
  VerificationRequestSchema,
  VerificationResultSchema,
};
