import { isInformational } from '../detections/define.js';
import { principalKey } from '../events/summarize.js';
import { sanitizeUntrusted } from '../events/untrusted.js';
import { getPlaybook, type PlaybookDescriptor } from '../playbooks/index.js';
import type {
  Decision,
  DecisionAction,
  DetectionHit,
  ExemptionUse,
  RiskLevel,
  ScoredEvent,
} from '../schemas/stages.js';
import { firstMatchingGlob } from './glob.js';
import type { Policy } from './schema.js';

/** What the decision may know beyond the event. Everything optional; without it the decision is still pure. */
interface DecideContext {
  /** Tags of the detection's resource, when the caller read them (for the exemption tag). */
  readonly resourceTags?: Readonly<Record<string, string>>;
  /** Automatic remediations already started in the rate-limit window (circuit breaker). */
  readonly autoRemediationsInWindow?: number;
  /** Automatic remediations of this event's resource already started in its window (loop breaker). */
  readonly resourceAutoRemediationsInWindow?: number;
  /** Decision time; defaults to the event's receivedAt so that the function stays deterministic. */
  readonly now?: Date;
}

const LEVEL_RANK: Readonly<Record<RiskLevel, number>> = { LOW: 0, MEDIUM: 1, HIGH: 2 };

/**
 * A GuardDuty or Security Hub finding was already judged by its product: its own severity is a floor on the level
 * (HIGH/CRITICAL → HIGH, MEDIUM → MEDIUM), so the model can raise a finding but never talk it down.
 */
function findingLevelFloor(event: ScoredEvent): { level: RiskLevel; why: string } | undefined {
  const finding = event.finding;
  if (!finding || finding.ignoredBecause !== null) return undefined;
  const label = finding.severity.label;
  const level: RiskLevel | undefined =
    label === 'HIGH' || label === 'CRITICAL' ? 'HIGH' : label === 'MEDIUM' ? 'MEDIUM' : undefined;
  return level === undefined
    ? undefined
    : {
        level,
        why: `the ${finding.productName} finding's own severity ${label} (${finding.severity.original})`,
      };
}

/** LOW below thresholds.medium, MEDIUM below thresholds.high, HIGH at or above. */
function levelFor(score: number, policy: Policy): RiskLevel {
  if (score >= policy.thresholds.high) return 'HIGH';
  if (score >= policy.thresholds.medium) return 'MEDIUM';
  return 'LOW';
}

const fixed = (n: number): string => n.toFixed(2);

/** The last date written by isoOf and its text: `scan` decides every event with the same `now`. */
let lastIsoTime = Number.NaN;
let lastIso = '';

/** `date.toISOString()`, without formatting the same instant twice in a row (throws the same on an invalid date). */
function isoOf(date: Date): string {
  const time = date.getTime();
  if (time !== lastIsoTime) {
    lastIso = date.toISOString();
    lastIsoTime = time;
  }
  return lastIso;
}

/** The reason's parts, the absent ones skipped, joined with "; ". */
function joinReason(...parts: (string | undefined)[]): string {
  let reason = '';
  for (const part of parts) if (part !== undefined) reason = reason === '' ? part : `${reason}; ${part}`;
  return reason;
}

/** The detection a remediation is for: the most severe actionable hit that has a playbook (first on ties). */
function primaryDetection(detections: readonly DetectionHit[]): DetectionHit | undefined {
  let primary: DetectionHit | undefined;
  for (const hit of detections)
    if (hit.actionable && hit.playbook !== null && (primary === undefined || hit.severity > primary.severity))
      primary = hit;
  return primary;
}

/** Why nothing can be fixed, in the analyst's words. */
function whyNothingToFix(event: ScoredEvent): string {
  const { detections, summary } = event;
  if (event.finding?.ignoredBecause) return `the finding is ${event.finding.ignoredBecause}`;
  if (detections.length === 0)
    return summary.errorCode
      ? `no detection matched; the call failed (${summary.errorCode})`
      : 'no detection matched: nothing to fix';
  const ids = detections.map((hit) => hit.id).join(', ');
  if (summary.errorCode)
    return `the call failed (${summary.errorCode}), so nothing changed and there is nothing to fix (detections: ${ids})`;
  const signals = detections.filter((hit) => !isInformational(hit));
  if (signals.length === 0)
    return `informational detections only (${ids}): a record for the analyst, there is nothing to fix`;
  const withPlaybook = detections.filter((hit) => hit.playbook !== null);
  if (withPlaybook.length === 0)
    return `no automatic fix exists for ${signals.map((hit) => hit.id).join(', ')}: alert only`;
  return `${withPlaybook.map((hit) => hit.id).join(', ')} named no resource to fix: alert only`;
}

/** What the exemption rules found: the one that applies (if any) and those that matched but do not apply. */
interface ExemptionCheck {
  readonly use: ExemptionUse | undefined;
  /** Matching exemptions that exempt nothing (expired, an untrusted or incomplete tag), each said in the reason. */
  readonly refused: readonly string[];
}

const NO_EXEMPTION: ExemptionCheck = Object.freeze({ use: undefined, refused: Object.freeze([]) });

/** A tag value is the resource owner's text: cut and made safe before it enters a reason. */
const tagText = (value: string): string => sanitizeUntrusted(value, 64);

/**
 * The exemption tag: applies only when trusted (an SCP guards who sets it), on a resource whose tagging an SCP can
 * restrict by key (not an S3 bucket), dated, unexpired and with a reason.
 */
function tagExemption(
  policy: Policy,
  context: DecideContext,
  resource: DetectionHit['resource'],
  nowMs: number,
): ExemptionCheck | undefined {
  const matched = resource?.arn ?? resource?.id ?? 'the resource';
  const { key, reasonKey, trusted } = policy.exemptions.tag;
  const value = context.resourceTags?.[key];
  if (value === undefined) return undefined;
  const tag = `${key}=${tagText(value)}`;
  const why = (problem: string): ExemptionCheck => ({
    use: undefined,
    refused: [`exemption refused: the resource is tagged ${tag}, but ${problem}`],
  });
  if (!trusted)
    return why(
      'the tag is not trusted: whoever may tag the resource may set it (exemptions.tag.trusted is false: no guardrail SCP restricts who sets the key), so it exempts nothing',
    );
  if (resource?.type === 'AWS::S3::Bucket')
    return why(
      'a bucket tag is never trusted: s3:PutBucketTagging cannot be restricted by tag key, so no SCP stops the bucket owner from setting it; exempt buckets in exemptions.buckets',
    );
  const expiresMs = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(expiresMs))
    return why('its value is not an expiry date (YYYY-MM-DD or ISO date-time), so it exempts nothing');
  if (expiresMs <= nowMs) return why(`it expired on ${tagText(value)}, so it exempts nothing`);
  const reason = context.resourceTags?.[reasonKey]?.trim();
  if (!reason) return why(`it has no ${reasonKey} tag: an exemption without a reason exempts nothing`);
  return {
    use: { kind: 'tag', match: tag, matched, reason: tagText(reason), expires: tagText(value) },
    refused: [],
  };
}

/**
 * The exemption that applies to this event's fix, if any. The tag and the account, bucket and resource lists are
 * about the resource (its account, not the actor's: an exempt account's principals changing another account's
 * resources are not exempt); a principal exemption covers that principal's changes to resources of its own account
 * only. An expired entry applies to nothing, and says so.
 */
function exemptionOf(
  event: ScoredEvent,
  hit: DetectionHit,
  policy: Policy,
  context: DecideContext,
  now: Date,
): ExemptionCheck {
  const { exemptions } = policy;
  const resource = hit.resource;
  const nowMs = now.getTime();
  const tagged = tagExemption(policy, context, resource, nowMs);
  if (tagged?.use) return tagged;
  const refused: string[] = tagged ? [...tagged.refused] : [];
  if (
    exemptions.accounts.length === 0 &&
    exemptions.principals.length === 0 &&
    exemptions.buckets.length === 0 &&
    exemptions.resources.length === 0
  )
    return refused.length === 0 ? NO_EXEMPTION : { use: undefined, refused };

  type Entry = Policy['exemptions']['resources'][number];
  const first = (
    kind: ExemptionUse['kind'],
    entries: readonly Entry[],
    values: readonly (string | undefined)[],
  ) => {
    for (const entry of entries) {
      const matched = values.find(
        (value) => value !== undefined && firstMatchingGlob([entry.match], [value]),
      );
      if (matched === undefined) continue;
      if (Date.parse(entry.expires) <= nowMs) {
        refused.push(
          `exemption refused: exemptions.${kind === 'account' ? 'accounts' : `${kind}s`} ${entry.match} (${entry.reason}) expired on ${entry.expires}`,
        );
        continue;
      }
      return { kind, match: entry.match, matched, reason: entry.reason, expires: entry.expires };
    }
    return undefined;
  };
  const resourceAccount = resource?.account ?? event.summary.account;
  const actor = event.summary.actor;
  const use =
    first('account', exemptions.accounts, [resourceAccount]) ??
    (actor.accountId === resourceAccount
      ? first('principal', exemptions.principals, [actor.arn, principalKey(event.record)])
      : undefined) ??
    (resource?.type === 'AWS::S3::Bucket' ? first('bucket', exemptions.buckets, [resource.id]) : undefined) ??
    (resource ? first('resource', exemptions.resources, [resource.id, resource.arn]) : undefined);
  return { use, refused };
}

/** The reason's words for an exemption that applies. */
const describeExemption = (use: ExemptionUse): string =>
  `exempt by ${use.kind === 'tag' ? `tag ${use.match}` : `exemptions.${use.kind === 'account' ? 'accounts' : `${use.kind}s`} ${use.match}`} (matched ${use.matched}; reason: ${use.reason}; expires ${use.expires})`;

/** How the playbook's own descriptor says to act at this level (no override). */
function defaultAction(
  playbookId: string,
  descriptor: PlaybookDescriptor | undefined,
  level: 'MEDIUM' | 'HIGH',
  policy: Policy,
): { action: DecisionAction; why: string } {
  if (!descriptor)
    return {
      action: 'HUMAN_APPROVAL',
      why: `playbook ${playbookId} is unknown to this version: approval required`,
    };
  if (descriptor.safety === 'disruptive')
    return {
      action: 'HUMAN_APPROVAL',
      why: `playbook ${descriptor.id} is disruptive (${descriptor.description}): approval required`,
    };
  if (descriptor.defaultMode === 'approve')
    return { action: 'HUMAN_APPROVAL', why: `playbook ${descriptor.id} defaults to approval` };
  if (level === 'MEDIUM')
    return { action: 'AUTO_REMEDIATE', why: `playbook ${descriptor.id} is safe and reversible: automatic` };
  if (policy.autoAtHighForSafePlaybooks)
    return {
      action: 'AUTO_REMEDIATE',
      why: `playbook ${descriptor.id} is safe and reversible: automatic at HIGH too (autoAtHighForSafePlaybooks)`,
    };
  return { action: 'HUMAN_APPROVAL', why: `HIGH risk: approval required before playbook ${descriptor.id}` };
}

/** Why the deployment cannot run the playbook (a capability it lacks), or undefined. */
function missingCapability(
  descriptor: PlaybookDescriptor | undefined,
  event: ScoredEvent,
  policy: Policy,
): string | undefined {
  if (descriptor?.requires !== 'centralized-root-access') return undefined;
  const { enabled, managementAccount } = policy.centralizedRootAccess;
  if (!enabled)
    return `playbook ${descriptor.id} needs Organizations centralized root access (policy centralizedRootAccess.enabled is false), so a person must act: see the console steps in the alert`;
  if (managementAccount !== undefined && event.summary.account === managementAccount)
    return `playbook ${descriptor.id} cannot reach the root user of the management account ${managementAccount} (sts:AssumeRoot targets members only), so a person must act`;
  return undefined;
}

/** One literal with every field (no spread, no closure): decide runs once per event in `scan`. */
function makeDecision(
  action: DecisionAction,
  level: RiskLevel,
  reason: string,
  hit: DetectionHit | null,
  exempt: boolean,
  policy: Policy,
  decidedAt: string,
): Decision {
  return {
    action,
    level,
    reason,
    detectionId: hit === null ? null : hit.id,
    playbook: hit === null ? null : hit.playbook,
    dryRun: policy.dryRun,
    exempt,
    approvalTimeoutSeconds: policy.approvalTimeoutMinutes * 60,
    decidedAt,
  };
}

/**
 * The detection an ALERT is about: the most severe one that is not informational (a change monitor tells nobody) and
 * that the policy does not set to `log` (first on ties).
 */
function alertDetection(detections: readonly DetectionHit[], policy: Policy): DetectionHit | undefined {
  let chosen: DetectionHit | undefined;
  for (const hit of detections)
    if (
      !isInformational(hit) &&
      policy.detections[hit.id]?.mode !== 'log' &&
      (chosen === undefined || hit.severity > chosen.severity)
    )
      chosen = hit;
  return chosen;
}

/**
 * The decision for a scored event, pure and deterministic. LOG_ONLY means recorded and nobody is told; ALERT means a
 * person is told and nothing is changed. Rules, in order:
 * 1. no actionable hit with a playbook (failed call, alert-only detection, no detection): LOW, no detection, only
 *    informational detections, or every other detection set to `log` → LOG_ONLY; otherwise ALERT about the most severe detection, the reason says why no fix
 *    runs (no playbook exists, the call failed);
 * 2. a per-detection override `log` → LOG_ONLY;
 * 3. an exemption (a trusted resource tag; the account, principal, bucket, resource lists), unexpired, with its
 *    reason: no fix is permitted → ALERT, exempt, the exemption recorded on the decision (LOG_ONLY at LOW); one that
 *    matched but exempts nothing (expired, untrusted tag) is said in the reason and the rules go on;
 * 4. score below thresholds.medium (LOW) → LOG_ONLY: the score decides WHETHER to act, the mode decides HOW;
 * 5. a playbook that needs a capability the deployment lacks (a root session without centralized root access) →
 *    ALERT, the reason says which; override `alert` → ALERT; override `approve` → HUMAN_APPROVAL; override `auto` → AUTO_REMEDIATE (only allowed
 *    for safe playbooks); otherwise the playbook decides: disruptive or defaulting to approval → HUMAN_APPROVAL; safe
 *    at MEDIUM → AUTO_REMEDIATE; safe at HIGH → AUTO_REMEDIATE when autoAtHighForSafePlaybooks, else HUMAN_APPROVAL;
 * 6. the same resource fixed automatically rateLimit.perResource.maxAutoRemediations times in its window → ALERT:
 *    something keeps undoing the fix, so AISAWS stops and tells a person (loop breaker);
 *    rate limit across all resources reached → AUTO_REMEDIATE becomes HUMAN_APPROVAL (circuit breaker);
 * 7. dryRun keeps the action and marks the decision dry-run.
 */
function decide(event: ScoredEvent, policy: Policy, context: DecideContext = {}): Decision {
  const score = event.risk.score;
  const modelLevel = levelFor(score, policy);
  const floor = findingLevelFloor(event);
  const level =
    floor !== undefined && LEVEL_RANK[floor.level] > LEVEL_RANK[modelLevel] ? floor.level : modelLevel;
  const modelText =
    modelLevel === 'LOW'
      ? `score ${fixed(score)} is LOW (< ${fixed(policy.thresholds.medium)})`
      : modelLevel === 'MEDIUM'
        ? `score ${fixed(score)} is MEDIUM (≥ ${fixed(policy.thresholds.medium)}, < ${fixed(policy.thresholds.high)})`
        : `score ${fixed(score)} is HIGH (≥ ${fixed(policy.thresholds.high)})`;
  const scoreText =
    level === modelLevel ? modelText : `${modelText}, raised to ${level} by ${floor?.why ?? 'the finding'}`;
  const dryRunText = policy.dryRun ? 'dry run: nothing will be changed' : undefined;
  const decidedAt = isoOf(context.now ?? new Date(event.receivedAt));
  const hit = primaryDetection(event.detections);
  if (!hit || hit.playbook === null) {
    const why = whyNothingToFix(event);
    const about = level === 'LOW' ? undefined : alertDetection(event.detections, policy);
    if (about === undefined) {
      const signals = event.detections.filter((d) => !isInformational(d));
      const silenced =
        level === 'LOW' || event.detections.length === 0
          ? undefined
          : signals.length === 0
            ? 'informational detections only: nobody is told'
            : `policy sets ${signals.map((d) => `detections.${d.id}.mode`).join(', ')} = log`;
      return makeDecision(
        'LOG_ONLY',
        level,
        joinReason(`logged only: ${why}`, silenced, scoreText, dryRunText),
        null,
        false,
        policy,
        decidedAt,
      );
    }
    return makeDecision(
      'ALERT',
      level,
      joinReason(
        `alert: ${why}`,
        scoreText,
        `detection ${about.id} (severity ${fixed(about.severity)}): ${about.summary}`,
        dryRunText,
      ),
      { ...about, playbook: null },
      false,
      policy,
      decidedAt,
    );
  }
  const make = (action: DecisionAction, reason: string, hit: DetectionHit | null, exempt: boolean) =>
    makeDecision(action, level, reason, hit, exempt, policy, decidedAt);

  const detectionText = `detection ${hit.id} (severity ${fixed(hit.severity)}): ${hit.summary}`;
  const playbookText = `playbook ${hit.playbook}`;
  let refusedText: string | undefined;
  const decision = (action: DecisionAction, why: string, exempt = false): Decision =>
    make(
      action,
      joinReason(why, scoreText, detectionText, playbookText, refusedText, dryRunText),
      hit,
      exempt,
    );

  const override = policy.detections[hit.id]?.mode;
  if (override === 'log')
    return decision('LOG_ONLY', `logged only: policy sets detections.${hit.id}.mode = log`);

  const exemption = exemptionOf(event, hit, policy, context, context.now ?? new Date(event.receivedAt));
  if (exemption.refused.length > 0) refusedText = exemption.refused.join('; ');
  if (exemption.use) {
    const exempted =
      level === 'LOW'
        ? decision('LOG_ONLY', `logged only: ${describeExemption(exemption.use)}`, true)
        : decision('ALERT', `alert: ${describeExemption(exemption.use)}, so no fix is permitted`, true);
    return { ...exempted, exemption: exemption.use };
  }

  if (level === 'LOW')
    return decision(
      'LOG_ONLY',
      `logged only: risk below the MEDIUM threshold (${fixed(policy.thresholds.medium)})`,
    );
  if (override === 'alert')
    return decision('ALERT', `alert: policy sets detections.${hit.id}.mode = alert, so no fix is permitted`);

  const playbookId = hit.playbook;
  const descriptor = getPlaybook(playbookId);
  const missing = missingCapability(descriptor, event, policy);
  if (missing) return decision('ALERT', `alert: ${missing}`);
  let chosen: { action: DecisionAction; why: string };
  if (override === 'approve')
    chosen = { action: 'HUMAN_APPROVAL', why: `policy sets detections.${hit.id}.mode = approve` };
  else if (override === 'auto' && descriptor?.safety === 'safe')
    chosen = { action: 'AUTO_REMEDIATE', why: `policy sets detections.${hit.id}.mode = auto` };
  else chosen = defaultAction(playbookId, descriptor, level, policy);

  const perResource = policy.rateLimit.perResource;
  const resourceDone = context.resourceAutoRemediationsInWindow ?? 0;
  if (chosen.action === 'AUTO_REMEDIATE' && resourceDone >= perResource.maxAutoRemediations)
    return decision(
      'ALERT',
      `alert: loop breaker: ${hit.resource?.arn ?? 'this resource'} was already fixed automatically ${resourceDone} times in the last ${perResource.windowMinutes} min (limit ${perResource.maxAutoRemediations}); something keeps undoing the fix, so AISAWS stops and a person must look (${chosen.why})`,
    );

  const { maxAutoRemediations, windowMinutes } = policy.rateLimit;
  const done = context.autoRemediationsInWindow ?? 0;
  if (chosen.action === 'AUTO_REMEDIATE' && done >= maxAutoRemediations)
    chosen = {
      action: 'HUMAN_APPROVAL',
      why: `circuit breaker: ${done} automatic fixes in the last ${windowMinutes} min reached the limit of ${maxAutoRemediations}, so approval is required (${chosen.why})`,
    };

  const verb = chosen.action === 'AUTO_REMEDIATE' ? 'remediate automatically' : 'ask for approval';
  return decision(chosen.action, `${verb}: ${chosen.why}`);
}

export type { DecideContext };
export { decide, levelFor, primaryDetection };
