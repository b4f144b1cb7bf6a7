import type { Actor, DecisionAction, DetectionHit, RiskLevel } from '../schemas/stages.js';
import { TYPE_OF_CATEGORY } from './asff.js';

/**
 * A decided event as an OCSF 1.8.0 Detection Finding (class_uid 2004, category Findings = 2): what
 * `aisaws scan --format ocsf` writes, one JSON object per line. AISAWS's own fields (decision, playbook, score
 * explanation) go in `unmapped.aisaws`, where OCSF keeps data its classes do not define. Pure.
 */

const OCSF_VERSION = '1.8.0';
const DETECTION_FINDING = { classUid: 2004, categoryUid: 2, activityCreate: 1 } as const;

interface OcsfFindingInput {
  readonly eventId: string;
  readonly eventName: string;
  readonly eventSource?: string;
  /** ISO-8601 time of the change (the CloudTrail eventTime, or the finding's updatedAt). */
  readonly eventTime?: string;
  readonly account: string;
  readonly region: string;
  readonly actor?: Actor;
  readonly sourceIp?: string;
  readonly detections: readonly DetectionHit[];
  readonly risk: {
    readonly score: number;
    readonly level: RiskLevel;
    readonly explanation: readonly { feature: string; contribution: number }[];
  };
  readonly decision: {
    readonly action: DecisionAction;
    readonly reason: string;
    readonly playbook?: string | null;
  };
  /** Where the event was read (file, line, index), kept in `unmapped.aisaws.source`. */
  readonly source?: Readonly<Record<string, string | number>>;
}

interface OcsfContext {
  /** The AISAWS version that produced the finding (metadata.product.version). */
  readonly productVersion: string;
  /** When the event has no time of its own: epoch milliseconds of the scan. */
  readonly nowMs: number;
}

/** OCSF severity_id from the risk score: the ASFF bands (Informational < 0.01 ≤ Low < 0.4 ≤ Medium < 0.7 ≤ High < 0.9 ≤ Critical). */
function ocsfSeverity(score: number): { id: 1 | 2 | 3 | 4 | 5; name: string } {
  if (score >= 0.9) return { id: 5, name: 'Critical' };
  if (score >= 0.7) return { id: 4, name: 'High' };
  if (score >= 0.4) return { id: 3, name: 'Medium' };
  if (score >= 0.01) return { id: 2, name: 'Low' };
  return { id: 1, name: 'Informational' };
}

/** MITRE ids as OCSF attacks: `T1098.001` → technique T1098, sub-technique T1098.001. */
function attacksOf(mitre: readonly string[]): Record<string, unknown>[] {
  return mitre
    .filter((id) => /^T\d{4}(?:\.\d{3})?$/.test(id))
    .map((id) => {
      const [technique] = id.split('.') as [string];
      return id.includes('.')
        ? { technique: { uid: technique }, sub_technique: { uid: id }, version: 'v15' }
        : { technique: { uid: id }, version: 'v15' };
    });
}

const timeOf = (iso: string | undefined, fallback: number): number => {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(ms) ? fallback : ms;
};

/** One decided event → an OCSF Detection Finding (a plain JSON object). */
function toOcsfDetectionFinding(input: OcsfFindingInput, context: OcsfContext): Record<string, unknown> {
  const primary = [...input.detections].sort((a, b) => b.severity - a.severity)[0];
  const severity = ocsfSeverity(input.risk.score);
  const time = timeOf(input.eventTime, context.nowMs);
  const title = primary ? primary.title : `${input.eventName}: no detection`;
  const resources = input.detections
    .map((hit) => hit.resource)
    .filter((resource): resource is NonNullable<DetectionHit['resource']> => resource !== null)
    .filter((resource, index, all) => all.findIndex((other) => other.id === resource.id) === index)
    .map((resource) => ({
      uid: resource.arn ?? resource.id,
      name: resource.id,
      type: resource.type,
      region: resource.region,
      cloud_partition: resource.arn?.split(':')[1] || 'aws',
      owner: { account: { uid: resource.account, type: 'AWS Account', type_id: 10 } },
    }));
  const user: Record<string, unknown> = {};
  if (input.actor?.userName) user.name = input.actor.userName;
  if (input.actor?.arn) user.uid = input.actor.arn;
  else if (input.actor?.principalId) user.uid = input.actor.principalId;
  if (input.actor?.type) user.type = input.actor.type;
  if (input.actor?.accountId) user.account = { uid: input.actor.accountId, type: 'AWS Account', type_id: 10 };
  const finding: Record<string, unknown> = {
    activity_id: DETECTION_FINDING.activityCreate,
    activity_name: 'Create',
    category_uid: DETECTION_FINDING.categoryUid,
    category_name: 'Findings',
    class_uid: DETECTION_FINDING.classUid,
    class_name: 'Detection Finding',
    type_uid: DETECTION_FINDING.classUid * 100 + DETECTION_FINDING.activityCreate,
    type_name: 'Detection Finding: Create',
    time,
    severity_id: severity.id,
    severity: severity.name,
    status_id: 1,
    status: 'New',
    is_alert: input.decision.action !== 'LOG_ONLY',
    risk_score: Math.round(input.risk.score * 100),
    message: `${title}: ${input.decision.action}. ${input.decision.reason}`,
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'AISAWS', vendor_name: 'AISAWS', version: context.productVersion },
      uid: `aisaws/${input.eventId}`,
      original_event_uid: input.eventId,
      ...(input.eventSource ? { log_provider: input.eventSource } : {}),
    },
    finding_info: {
      uid: `aisaws/${input.eventId}`,
      title,
      ...(primary ? { desc: primary.summary } : {}),
      created_time: time,
      ...(primary
        ? {
            analytic: { uid: primary.id, name: primary.id, type: 'Rule', type_id: 1 },
            types: [TYPE_OF_CATEGORY[primary.category]],
          }
        : {}),
      ...(primary && attacksOf(primary.mitre).length > 0 ? { attacks: attacksOf(primary.mitre) } : {}),
    },
    cloud: {
      provider: 'AWS',
      region: input.region,
      account: { uid: input.account, type: 'AWS Account', type_id: 10 },
    },
    ...(Object.keys(user).length > 0 ? { actor: { user } } : {}),
    ...(resources.length > 0 ? { resources } : {}),
    ...(input.decision.playbook
      ? { remediation: { desc: `AISAWS playbook ${input.decision.playbook} (${input.decision.action}).` } }
      : {}),
    unmapped: {
      aisaws: {
        eventName: input.eventName,
        ...(input.sourceIp ? { sourceIp: input.sourceIp } : {}),
        detections: input.detections.map((hit) => ({ id: hit.id, severity: hit.severity, title: hit.title })),
        risk: {
          score: input.risk.score,
          level: input.risk.level,
          explanation: input.risk.explanation.map((part) => ({
            feature: part.feature,
            contribution: part.contribution,
          })),
        },
        decision: {
          action: input.decision.action,
          reason: input.decision.reason,
          playbook: input.decision.playbook ?? null,
        },
        ...(input.source ? { source: input.source } : {}),
      },
    },
  };
  return finding;
}

export type { OcsfContext, OcsfFindingInput };
export { DETECTION_FINDING, OCSF_VERSION, ocsfSeverity, toOcsfDetectionFinding };
