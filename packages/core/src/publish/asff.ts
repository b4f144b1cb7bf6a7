import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import '../zod-english.js';
import {
  AlertResultSchema,
  type DecidedEvent,
  DecidedEventSchema,
  type DetectionCategory,
  type DetectionHit,
  RemediationResultSchema,
  type ResourceRef,
  SCHEMA_VERSION,
  VerificationResultSchema,
} from '../schemas/stages.js';

/**
 * AISAWS's decisions as ASFF findings for Security Hub (BatchImportFindings, custom product `aisaws` on the default
 * product ARN of the account AISAWS runs in). One finding per event: its `Id` is derived from the eventId, so every
 * stage of one event (and a redelivery) upserts the same finding. Pure: the caller passes the account, region and
 * time.
 */

/** Where the event stands when its finding is published. */
const PublishedOutcomeSchema = z.enum([
  /** LOG_ONLY with a detection: recorded, nobody is told. */
  'LOGGED',
  /** ALERT: a person was told, nothing was changed. */
  'ALERTED',
  /** HUMAN_APPROVAL: the approval request went out; the fix waits for a person. */
  'AWAITING_APPROVAL',
  /** The fix was applied and read back. */
  'VERIFIED',
  /** Rejected, timed out or a dry run: nothing was changed. */
  'REJECTED',
  /** The remediation failed (the error is in the request). */
  'FAILED',
]);

/**
 * An upsert of the event's finding: the decided event and where it stands. In the triage workflow the event arrives as
 * the state after `Alert Person`, so it may carry that alert's result (`alert`), which the finding does not use.
 */
const FindingUpsertRequestSchema = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  outcome: PublishedOutcomeSchema,
  event: z.extend(DecidedEventSchema, { alert: z.optional(AlertResultSchema) }),
  remediation: z.optional(RemediationResultSchema),
  verification: z.optional(VerificationResultSchema),
  error: z.optional(z.strictObject({ error: z.string(), cause: z.string() })),
});

/**
 * After an approver rolled a verified fix back (the rollback workflow): the event's finding, RESOLVED since the fix,
 * is reopened (Workflow NOTIFIED) with a note saying who rolled back what and when. Only BatchUpdateFindings: the
 * rollback workflow holds the events item, not the decided event a re-import would need, and Compliance keeps the
 * value of the verified fix (BatchUpdateFindings cannot change it; the note says why it no longer holds).
 */
const RolledBackFindingRequestSchema = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  outcome: z.literal('ROLLED_BACK'),
  eventId: z.string().check(z.minLength(1), z.maxLength(256)),
  /** The playbook whose fix was undone. */
  playbook: z.string().check(z.minLength(1), z.maxLength(128)),
  /** What the rollback changed (the rollback function's result). */
  changes: z.array(z.string().check(z.maxLength(2000))).check(z.maxLength(100)),
  rolledBackAt: z.iso.datetime({ offset: true }),
  /** Who approved the rollback (the Approval Lambda's `by`). */
  approvedBy: z.string().check(z.minLength(1), z.maxLength(512)),
});

/** The Findings Lambda's input: an upsert of the event's finding, or the reopening of a rolled-back one. */
const PublishFindingRequestSchema = z.discriminatedUnion('outcome', [
  FindingUpsertRequestSchema,
  RolledBackFindingRequestSchema,
]);

const PublishFindingResultSchema = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  eventId: z.string(),
  /** `published`: imported (and its workflow status set); `skipped`: nothing to report (no detection). */
  status: z.enum(['published', 'skipped']),
  findingId: z.optional(z.string()),
  workflowStatus: z.optional(z.enum(['NEW', 'NOTIFIED', 'RESOLVED'])),
  reason: z.string(),
});

type PublishedOutcome = z.infer<typeof PublishedOutcomeSchema>;
type FindingUpsertRequest = z.infer<typeof FindingUpsertRequestSchema>;
type RolledBackFindingRequest = z.infer<typeof RolledBackFindingRequestSchema>;
type PublishFindingRequest = z.infer<typeof PublishFindingRequestSchema>;
type PublishFindingResult = z.infer<typeof PublishFindingResultSchema>;

type AsffWorkflowStatus = 'NEW' | 'NOTIFIED' | 'RESOLVED';
type AsffSeverityLabel = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** The ASFF attributes AISAWS writes (a subset of AwsSecurityFinding; the tests validate it against the full schema). */
interface AisawsAsffFinding {
  SchemaVersion: '2018-10-08';
  Id: string;
  ProductArn: string;
  ProductName: 'AISAWS';
  CompanyName: 'AISAWS';
  GeneratorId: string;
  AwsAccountId: string;
  Types: string[];
  FirstObservedAt?: string;
  CreatedAt: string;
  UpdatedAt: string;
  Severity: { Label: AsffSeverityLabel; Normalized: number; Original: string };
  FindingProviderFields: { Severity: { Label: AsffSeverityLabel; Original: string }; Types: string[] };
  Title: string;
  Description: string;
  Remediation: { Recommendation: { Text: string } };
  ProductFields: Record<string, string>;
  Resources: {
    Type: string;
    Id: string;
    Partition: string;
    Region: string;
    Details: { Other: Record<string, string> };
  }[];
  Compliance: { Status: 'PASSED' | 'FAILED'; RelatedRequirements?: string[] };
  Workflow: { Status: AsffWorkflowStatus };
  RecordState: 'ACTIVE';
}

interface AsffContext {
  /** The account AISAWS runs in: BatchImportFindings on the default product ARN only accepts its own account. */
  readonly account: string;
  /** The region Security Hub is called in (the product ARN's region). */
  readonly region: string;
  /** ISO-8601 time of this update (UpdatedAt); later than the previous update of the same finding. */
  readonly now: string;
}

/** `arn:aws:securityhub:<region>:<account>:product/<account>/default`: a custom integration's product. */
const productArnOf = (region: string, account: string): string =>
  `arn:aws:securityhub:${region}:${account}:product/${account}/default`;

/** The Workflow.Status an outcome gives the finding (RESOLVED once verified, NOTIFIED while waiting, NEW otherwise). */
function workflowStatusOf(outcome: PublishedOutcome): AsffWorkflowStatus {
  if (outcome === 'VERIFIED') return 'RESOLVED';
  if (outcome === 'AWAITING_APPROVAL') return 'NOTIFIED';
  return 'NEW';
}

/** ASFF Severity.Label bands of Normalized (0–100). */
function severityLabel(normalized: number): AsffSeverityLabel {
  if (normalized >= 90) return 'CRITICAL';
  if (normalized >= 70) return 'HIGH';
  if (normalized >= 40) return 'MEDIUM';
  if (normalized >= 1) return 'LOW';
  return 'INFORMATIONAL';
}

/** Detection category → ASFF finding type (`namespace/category`). */
const TYPE_OF_CATEGORY: Readonly<Record<DetectionCategory, string>> = {
  LOG: 'TTPs/Defense Evasion',
  DEF: 'TTPs/Defense Evasion',
  EXP: 'Effects/Data Exposure',
  EXF: 'Effects/Data Exfiltration',
  IDN: 'TTPs/Initial Access',
  PER: 'TTPs/Persistence',
  PRV: 'TTPs/Privilege Escalation',
  CRD: 'TTPs/Credential Access',
  EXE: 'TTPs/Execution',
  LAT: 'TTPs/Lateral Movement',
  HIJ: 'Effects/Resource Consumption',
  IMP: 'Effects/Data Destruction',
  HRD: 'Software and Configuration Checks/AWS Security Best Practices',
  DIS: 'TTPs/Discovery',
};

/** CloudFormation resource type (what detections name) → ASFF resource type; anything else is `Other`. */
const ASFF_RESOURCE_TYPE: Readonly<Record<string, string>> = {
  'AWS::::Account': 'AwsAccount',
  'AWS::CloudTrail::Trail': 'AwsCloudTrailTrail',
  'AWS::EC2::Instance': 'AwsEc2Instance',
  'AWS::EC2::SecurityGroup': 'AwsEc2SecurityGroup',
  'AWS::EC2::Volume': 'AwsEc2Volume',
  'AWS::EC2::VPC': 'AwsEc2Vpc',
  'AWS::ECR::Repository': 'AwsEcrRepository',
  'AWS::ECS::Cluster': 'AwsEcsCluster',
  'AWS::EKS::Cluster': 'AwsEksCluster',
  'AWS::Elasticsearch::Domain': 'AwsElasticsearchDomain',
  'AWS::OpenSearchService::Domain': 'AwsOpenSearchServiceDomain',
  'AWS::IAM::AccessKey': 'AwsIamAccessKey',
  'AWS::IAM::Group': 'AwsIamGroup',
  'AWS::IAM::Policy': 'AwsIamPolicy',
  'AWS::IAM::Role': 'AwsIamRole',
  'AWS::IAM::User': 'AwsIamUser',
  'AWS::KMS::Key': 'AwsKmsKey',
  'AWS::Lambda::Function': 'AwsLambdaFunction',
  'AWS::RDS::DBCluster': 'AwsRdsDbCluster',
  'AWS::RDS::DBInstance': 'AwsRdsDbInstance',
  'AWS::S3::Bucket': 'AwsS3Bucket',
  'AWS::SecretsManager::Secret': 'AwsSecretsManagerSecret',
  'AWS::SNS::Topic': 'AwsSnsTopic',
  'AWS::SQS::Queue': 'AwsSqsQueue',
};

/** ASFF limits (Security Hub rejects a finding over them). */
const MAX = { title: 256, description: 1024, recommendation: 512, productField: 2048, id: 512 } as const;

const clip = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

/** The detection the decision is about (the decision's own, else the most severe). */
function primaryDetection(event: DecidedEvent): DetectionHit | undefined {
  const chosen = event.decision.detectionId
    ? event.detections.find((hit) => hit.id === event.decision.detectionId)
    : undefined;
  return chosen ?? [...event.detections].sort((a, b) => b.severity - a.severity)[0];
}

/** Stable per event and within 512 characters (a longer eventId is hashed). */
function findingIdOf(eventId: string): string {
  const id = `aisaws/${eventId}`;
  return id.length <= MAX.id ? id : `aisaws/sha256/${createHash('sha256').update(eventId).digest('hex')}`;
}

const partitionOf = (arn: string | undefined): string => (arn?.split(':')[1] as string | undefined) || 'aws';

function asffResource(
  event: DecidedEvent,
  resource: ResourceRef | null,
): AisawsAsffFinding['Resources'][number] {
  if (!resource)
    return {
      Type: 'AwsAccount',
      Id: `AWS::::Account:${event.summary.account}`,
      Partition: 'aws',
      Region: event.summary.region,
      Details: { Other: { account: event.summary.account } },
    };
  return {
    Type: ASFF_RESOURCE_TYPE[resource.type] ?? 'Other',
    Id: resource.arn ?? resource.id,
    Partition: partitionOf(resource.arn),
    Region: resource.region,
    Details: {
      Other: { account: resource.account, resourceType: resource.type, resourceId: clip(resource.id, 1024) },
    },
  };
}

/** The score explanation as text: the largest contributions first. */
function explanationText(event: DecidedEvent): string {
  return [...event.risk.explanation]
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
    .slice(0, 8)
    .map((part) => `${part.feature} ${part.contribution >= 0 ? '+' : ''}${part.contribution.toFixed(3)}`)
    .join('; ');
}

const OUTCOME_TEXT: Readonly<Record<PublishedOutcome, string>> = {
  LOGGED: 'recorded; nobody was told and nothing was changed',
  ALERTED: 'a person was alerted; nothing was changed',
  AWAITING_APPROVAL: 'the fix waits for a person to approve it',
  VERIFIED: 'fixed and verified by reading the resource back',
  REJECTED: 'the fix was not applied (rejected, timed out or dry run)',
  FAILED: 'the remediation failed; a person was alerted',
};

function recommendation(request: FindingUpsertRequest): string {
  const { decision } = request.event;
  const playbook = decision.playbook;
  if (request.outcome === 'VERIFIED')
    return `AISAWS applied ${playbook ?? 'its fix'} and verified it; if the change was intended, roll it back with the "Roll back" link of the AISAWS rollback e-mail while the rollback window is open.`;
  if (request.outcome === 'AWAITING_APPROVAL')
    return `Approve or reject ${playbook ?? 'the fix'} from the link in the AISAWS approval e-mail.`;
  if (playbook) return `Review the change; AISAWS's fix for it is ${playbook} (${decision.action}).`;
  return 'Review the change: AISAWS has no automatic fix for it.';
}

/**
 * One decided event → the ASFF finding AISAWS upserts. Throws when the event has no detection (there is nothing to
 * report; callers check `hasFindingToPublish` first).
 */
function toAsffFinding(request: FindingUpsertRequest, context: AsffContext): AisawsAsffFinding {
  const { event, outcome } = request;
  const detection = primaryDetection(event);
  if (!detection) throw new Error(`event ${event.eventId} has no detection: nothing to publish`);
  const normalized = Math.round(event.risk.score * 100);
  const label = severityLabel(normalized);
  const types = [TYPE_OF_CATEGORY[detection.category]];
  const resource = detection.resource ?? event.detections.find((hit) => hit.resource)?.resource ?? null;
  const productFields: Record<string, string> = {
    'aisaws/eventId': event.eventId,
    'aisaws/eventName': event.summary.eventName,
    'aisaws/eventSource': event.summary.eventSource,
    'aisaws/account': event.summary.account,
    'aisaws/outcome': outcome,
    'aisaws/decision': event.decision.action,
    'aisaws/decisionReason': event.decision.reason,
    'aisaws/playbook': event.decision.playbook ?? 'none',
    'aisaws/riskScore': event.risk.score.toFixed(3),
    'aisaws/riskLevel': event.decision.level,
    'aisaws/model': `${event.risk.model.id}@${event.risk.model.version}`,
    'aisaws/explanation': explanationText(event) || 'none',
    'aisaws/detections': event.detections.map((hit) => hit.id).join(', '),
  };
  if (event.summary.actor.arn) productFields['aisaws/actor'] = event.summary.actor.arn;
  if (event.finding)
    productFields['aisaws/sourceFinding'] = `${event.finding.productName} ${event.finding.findingId}`;
  if (request.remediation?.changes.length)
    productFields['aisaws/changes'] = request.remediation.changes.join('; ');
  if (request.verification) productFields['aisaws/verification'] = request.verification.details;
  if (request.error) productFields['aisaws/error'] = `${request.error.error}: ${request.error.cause}`;
  for (const [key, value] of Object.entries(productFields))
    productFields[key] = clip(value, MAX.productField);
  const observedAt = event.summary.eventTime ?? event.receivedAt;
  return {
    SchemaVersion: '2018-10-08',
    Id: findingIdOf(event.eventId),
    ProductArn: productArnOf(context.region, context.account),
    ProductName: 'AISAWS',
    CompanyName: 'AISAWS',
    GeneratorId: detection.id,
    AwsAccountId: context.account,
    Types: types,
    FirstObservedAt: observedAt,
    CreatedAt: observedAt,
    UpdatedAt: context.now,
    Severity: { Label: label, Normalized: normalized, Original: event.risk.score.toFixed(3) },
    FindingProviderFields: {
      Severity: { Label: label, Original: event.risk.score.toFixed(3) },
      Types: types,
    },
    Title: clip(`AISAWS: ${detection.title}`, MAX.title),
    Description: clip(
      `${detection.summary} Decision ${event.decision.action} (risk ${event.risk.score.toFixed(2)}, ${event.decision.level}): ${event.decision.reason} Outcome: ${OUTCOME_TEXT[outcome]}.`,
      MAX.description,
    ),
    Remediation: { Recommendation: { Text: clip(recommendation(request), MAX.recommendation) } },
    ProductFields: productFields,
    Resources: [asffResource(event, resource)],
    Compliance: {
      Status: outcome === 'VERIFIED' ? 'PASSED' : 'FAILED',
      ...(detection.mitre.length > 0
        ? { RelatedRequirements: detection.mitre.slice(0, 32).map((id) => `MITRE ATT&CK ${id}`) }
        : {}),
    },
    Workflow: { Status: workflowStatusOf(outcome) },
    RecordState: 'ACTIVE',
  };
}

/** The event a Findings request is about. */
const eventIdOfFindingRequest = (request: PublishFindingRequest): string =>
  request.outcome === 'ROLLED_BACK' ? request.eventId : request.event.eventId;

/** ASFF Note limits (Text and UpdatedBy: at most 512 characters each). */
const NOTE_TEXT_MAX = 512;

/** The note a rolled-back finding is reopened with (BatchUpdateFindings `Note`). */
function rolledBackNoteOf(request: RolledBackFindingRequest): { Text: string; UpdatedBy: string } {
  const changes = request.changes.length > 0 ? request.changes.join('; ') : 'no change reported';
  return {
    Text: clip(
      `Rolled back ${request.rolledBackAt} on the approval of ${request.approvedBy} (${request.playbook}): ${changes}. The resource is in its state before the fix again, by a person's choice; AISAWS does not fix this event again.`,
      NOTE_TEXT_MAX,
    ),
    UpdatedBy: 'aisaws-rollback',
  };
}

/** An event is reported to Security Hub when it has a detection (a benign change has nothing to say). */
const hasFindingToPublish = (event: DecidedEvent): boolean => event.detections.length > 0;

export type {
  AisawsAsffFinding,
  AsffContext,
  AsffSeverityLabel,
  AsffWorkflowStatus,
  FindingUpsertRequest,
  PublishedOutcome,
  PublishFindingRequest,
  PublishFindingResult,
  RolledBackFindingRequest,
};
export {
  ASFF_RESOURCE_TYPE,
  eventIdOfFindingRequest,
  FindingUpsertRequestSchema,
  findingIdOf,
  hasFindingToPublish,
  PublishedOutcomeSchema,
  PublishFindingRequestSchema,
  PublishFindingResultSchema,
  productArnOf,
  RolledBackFindingRequestSchema,
  rolledBackNoteOf,
  severityLabel,
  TYPE_OF_CATEGORY,
  toAsffFinding,
  workflowStatusOf,
};
