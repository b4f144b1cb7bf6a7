import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import type { DetectionCategory, ResourceRef } from '../schemas/stages.js';

/** The CloudTrail calls a detection needs: drives the registry index, the EventBridge pattern and the docs. */
interface DetectionTrigger {
  /** e.g. `s3.amazonaws.com` */
  readonly eventSource: string;
  /** e.g. `['PutBucketAcl', 'CreateBucket']` */
  readonly eventNames: readonly string[];
}

/** What the matcher may know beyond the record. Everything optional: `scan` runs with an empty context. */
interface MatchContext {
  /** Accounts that count as "ours" (the organisation), for cross-account sharing checks. */
  readonly trustedAccounts?: ReadonlySet<string>;
  /** Buckets that receive CloudTrail logs (from a trail inventory), for the short-retention check. */
  readonly trailBuckets?: ReadonlySet<string>;
}

/** A matcher's answer when the record is the bad change. */
interface DetectionMatch {
  /** The affected resource with the exact targets the playbook needs; null when the event names none. */
  readonly resource: ResourceRef | null;
  /** One sentence, e.g. "Bucket logs-2024 ACL grants READ to AllUsers". */
  readonly summary: string;
  /** Overrides the base severity for this instance (e.g. admin port vs other port). */
  readonly severity?: number;
  /**
   * Overrides the definition's playbook for this instance: null when this shape of the event has no fix (a managed
   * policy where the playbook deletes inline ones), or another playbook for one of the definition's event names.
   */
  readonly playbook?: string | null;
  readonly evidence?: Record<string, unknown>;
}

interface DetectionDefinition {
  /** Dotted, stable id: `<service>.<what>`, e.g. `s3.bucket-acl-public`. */
  readonly id: string;
  readonly title: string;
  readonly category: DetectionCategory;
  /** MITRE ATT&CK technique ids, e.g. `['T1530']`. */
  readonly mitre: readonly string[];
  /** Base severity in [0, 1]. */
  readonly severity: number;
  readonly description: string;
  readonly triggers: readonly DetectionTrigger[];
  /**
   * Also run on every event whose `userIdentity.type` is listed, whatever its source and name (e.g. `['Root']` for
   * root activity). The EventBridge side needs a second pattern on `detail.userIdentity.type` for these.
   */
  readonly principalTypes?: readonly string[];
  /**
   * Actor-behaviour detections (recon, bulk reads, leave-organization attempts) match failed calls too: a failed
   * attempt is the signal. Hits on failed calls are never actionable.
   */
  readonly matchesFailures?: boolean;
  /** The playbook that fixes it, or null when no API fix exists (alert only). */
  readonly playbook: string | null;
  /** Other playbooks `match` names for some of its events (DetectionMatch.playbook); declared for the invariants. */
  readonly otherPlaybooks?: readonly string[];
  /** Pure: the record → a match, or null when this record is not the bad change. */
  readonly match: (record: CloudTrailRecord, context: MatchContext) => DetectionMatch | null;
}

/**
 * Severity at or below which a detection is informational: a change or discovery worth keeping in the record for an
 * analyst (CIS 4.x "alert on any change" monitors, CRUD and discovery rules), not a risk signal. Informational hits
 * never move the risk score, never name a playbook and never make anyone be told: a decision that has only
 * informational hits stays LOG_ONLY. Every detection with a real signal has a severity above this.
 */
const INFORMATIONAL_SEVERITY = 0.15;

/** Whether a hit (or a definition) is informational: see INFORMATIONAL_SEVERITY. */
const isInformational = (hit: { readonly severity: number }): boolean =>
  hit.severity <= INFORMATIONAL_SEVERITY;

const MITRE_TECHNIQUE = /^T\d{4}(?:\.\d{3})?$/;
const DETECTION_ID = /^[a-z0-9]+(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+$/;

/** Validates and freezes a detection definition; throws with the id and the field at fault. */
function defineDetection(definition: DetectionDefinition): DetectionDefinition {
  const where = `detection ${JSON.stringify(definition.id)}`;
  if (!DETECTION_ID.test(definition.id))
    throw new Error(`${where}: id must be dotted lower-case, e.g. s3.bucket-acl-public`);
  if (!(definition.severity >= 0 && definition.severity <= 1))
    throw new Error(`${where}: severity must be in [0, 1]`);
  if (isInformational(definition) && definition.playbook !== null)
    throw new Error(
      `${where}: an informational detection (severity ≤ ${INFORMATIONAL_SEVERITY}) has no playbook`,
    );
  if (definition.triggers.length === 0 && (definition.principalTypes ?? []).length === 0)
    throw new Error(`${where}: needs at least one trigger or principal type`);
  for (const trigger of definition.triggers) {
    if (!trigger.eventSource.endsWith('.amazonaws.com'))
      throw new Error(`${where}: eventSource ${trigger.eventSource} must end with .amazonaws.com`);
    if (trigger.eventNames.length === 0)
      throw new Error(`${where}: trigger ${trigger.eventSource} lists no eventName`);
  }
  if (definition.mitre.length === 0) throw new Error(`${where}: needs a MITRE ATT&CK technique`);
  for (const technique of definition.mitre)
    if (!MITRE_TECHNIQUE.test(technique))
      throw new Error(`${where}: MITRE id ${technique} must look like T1234 or T1234.001`);
  return Object.freeze({
    ...definition,
    mitre: Object.freeze([...definition.mitre]),
    ...(definition.principalTypes ? { principalTypes: Object.freeze([...definition.principalTypes]) } : {}),
    triggers: Object.freeze(
      definition.triggers.map((t) => Object.freeze({ ...t, eventNames: Object.freeze([...t.eventNames]) })),
    ),
  });
}

export type { DetectionDefinition, DetectionMatch, DetectionTrigger, MatchContext };
export { defineDetection, INFORMATIONAL_SEVERITY, isInformational };
