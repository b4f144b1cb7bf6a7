import { isInformational } from '../detections/define.js';
import type { BaselineSnapshot } from '../ports/index.js';
import type { DetectionCategory, IngestedEvent } from '../schemas/stages.js';
import {
  classifyError,
  classifyIdentity,
  classifySourceIp,
  classifyUserAgent,
  type ErrorClass,
  type IdentityClass,
  isOffensiveUserAgent,
  isReadOnlyCall,
  type SourceIpClass,
  type UserAgentFamily,
} from './classify.js';

/**
 * The model's inputs. Every feature is bounded to [0, 1] (flags are 0/1, counts are capped and scaled), so a
 * weight reads directly as "how many logits this signal adds at full strength" and needs no standardisation.
 * One-hot groups (identity, source IP, user agent, error) have no "base" member on purpose: the absent class is
 * all zeros. The order here is the order of the weights file.
 */
const FEATURES = [
  { name: 'identity_root', description: 'The caller is the account root user.' },
  { name: 'identity_iam_user', description: 'The caller is an IAM user (long-term credentials).' },
  { name: 'identity_assumed_role', description: 'The caller is an assumed-role session.' },
  {
    name: 'identity_federated',
    description: 'The caller is a federated, SAML, web-identity or Identity Center user.',
  },
  {
    name: 'identity_aws_service',
    description: 'The caller is an AWS service or another AWS account acting for it.',
  },
  { name: 'mfa_absent', description: 'The record says the session or console login did not use MFA.' },
  {
    name: 'ip_aws_service',
    description: 'The source is an AWS service name (e.g. ec2.amazonaws.com) or AWS Internal.',
  },
  { name: 'ip_private', description: 'The source IP is private (RFC 1918, loopback, link-local).' },
  { name: 'ip_public', description: 'The source IP is a public internet address.' },
  { name: 'ip_invalid', description: 'The source IP is malformed or reserved (anonymized or spoofed data).' },
  { name: 'ua_console', description: 'The call came from the AWS console or a browser sign-in.' },
  { name: 'ua_aws_cli', description: 'The call came from the AWS CLI.' },
  { name: 'ua_sdk', description: 'The call came from an AWS SDK (boto3, aws-sdk-*).' },
  {
    name: 'ua_iac',
    description: 'The call came from infrastructure as code (Terraform, CDK, Pulumi, CloudFormation).',
  },
  {
    name: 'ua_offensive',
    description: 'The user agent names attack tooling (Stratus Red Team, Pacu, TruffleHog, Kali …).',
  },
  { name: 'error_denied', description: 'The call was denied (AccessDenied*, UnauthorizedOperation).' },
  { name: 'error_other', description: 'The call failed for another reason (not found, limit exceeded …).' },
  {
    name: 'read_only',
    description: 'The call only reads (CloudTrail readOnly, or a Get/List/Describe verb).',
  },
  {
    name: 'detection_max_severity',
    description: 'Severity of the most severe detection hit, informational ones left out (0 when none).',
  },
  {
    name: 'detection_count',
    description: 'Number of detection hits, informational ones left out, capped at 3, divided by 3.',
  },
  {
    name: 'detection_actionable',
    description: 'At least one hit is actionable: a successful change with a playbook.',
  },
  { name: 'category_exposure', description: 'A hit exposes or shares a resource (EXP, EXF).' },
  {
    name: 'category_defense_evasion',
    description: 'A hit weakens logging, monitoring or hardening (LOG, DEF, HRD).',
  },
  {
    name: 'category_identity',
    description: 'A hit concerns identity, persistence, privilege or credentials.',
  },
  { name: 'first_seen_principal', description: 'First call of this principal the baseline has seen.' },
  { name: 'new_api_for_principal', description: 'A known principal calls this API for the first time.' },
  { name: 'new_ip_for_principal', description: 'A known principal calls from a source IP it never used.' },
  { name: 'new_region_for_principal', description: 'A known principal calls in a region it never used.' },
  {
    name: 'recent_denied',
    description: 'Denied calls of this principal in the window, capped at 10, divided by 10.',
  },
  {
    name: 'call_rate',
    description: 'Calls of this principal in the window, log-scaled: log(1+n)/log(1+100), capped at 1.',
  },
] as const;

type FeatureName = (typeof FEATURES)[number]['name'];

/** One event's feature values, keyed by name; every name of FEATURES is present. */
type FeatureVector = Readonly<Record<FeatureName, number>>;

const FEATURE_NAMES: readonly FeatureName[] = Object.freeze(FEATURES.map((f) => f.name));
const FEATURE_DESCRIPTIONS: ReadonlyMap<string, string> = new Map(
  FEATURES.map((f) => [f.name, f.description]),
);

const EXPOSURE: ReadonlySet<DetectionCategory> = new Set(['EXP', 'EXF']);
const DEFENSE_EVASION: ReadonlySet<DetectionCategory> = new Set(['LOG', 'DEF', 'HRD']);
const IDENTITY: ReadonlySet<DetectionCategory> = new Set(['IDN', 'PER', 'PRV', 'CRD']);

const DENIED_CAP = 10;
const CALLS_CAP = 100;
const LOG_CALLS_CAP = Math.log1p(CALLS_CAP);

const flag = (condition: boolean): number => (condition ? 1 : 0);

/**
 * The event plus what the baseline knew before it → the feature vector. Pure and allocation-light (one object);
 * `scan` calls it on every event.
 */
function extractFeatures(event: IngestedEvent, baseline: BaselineSnapshot): FeatureVector {
  const { summary, detections } = event;
  const identity = classifyIdentity(summary.actor.type);
  const ip = classifySourceIp(summary.sourceIp);
  const ua = classifyUserAgent(summary.userAgent);
  const error = classifyError(summary.errorCode);

  let maxSeverity = 0;
  let counted = 0;
  let actionable = false;
  let exposure = false;
  let evasion = false;
  let identityHit = false;
  for (const hit of detections) {
    // Informational hits (CRUD, discovery) are context for the analyst, not risk signals: they do not move the score.
    if (isInformational(hit)) continue;
    counted += 1;
    if (hit.severity > maxSeverity) maxSeverity = hit.severity;
    if (hit.actionable && hit.playbook !== null) actionable = true;
    if (EXPOSURE.has(hit.category)) exposure = true;
    else if (DEFENSE_EVASION.has(hit.category)) evasion = true;
    else if (IDENTITY.has(hit.category)) identityHit = true;
  }

  const known = baseline.principalSeenBefore;
  return {
    identity_root: flag(identity === 'root'),
    identity_iam_user: flag(identity === 'iam-user'),
    identity_assumed_role: flag(identity === 'assumed-role'),
    identity_federated: flag(identity === 'federated'),
    identity_aws_service: flag(identity === 'aws-service'),
    mfa_absent: flag(summary.actor.mfa === false),
    ip_aws_service: flag(ip === 'aws-service'),
    ip_private: flag(ip === 'private'),
    ip_public: flag(ip === 'public'),
    ip_invalid: flag(ip === 'invalid'),
    ua_console: flag(ua === 'console'),
    ua_aws_cli: flag(ua === 'aws-cli'),
    ua_sdk: flag(ua === 'sdk'),
    ua_iac: flag(ua === 'iac'),
    ua_offensive: flag(isOffensiveUserAgent(summary.userAgent)),
    error_denied: flag(error === 'denied'),
    error_other: flag(error === 'other'),
    read_only: flag(isReadOnlyCall(summary.readOnly, summary.eventName)),
    detection_max_severity: maxSeverity,
    detection_count: Math.min(counted, 3) / 3,
    detection_actionable: flag(actionable),
    category_exposure: flag(exposure),
    category_defense_evasion: flag(evasion),
    category_identity: flag(identityHit),
    first_seen_principal: flag(!known),
    new_api_for_principal: flag(known && !baseline.apiSeenBefore),
    new_ip_for_principal: flag(known && !baseline.ipSeenBefore),
    new_region_for_principal: flag(known && !baseline.regionSeenBefore),
    recent_denied: Math.min(baseline.recentDenied, DENIED_CAP) / DENIED_CAP,
    call_rate: Math.min(Math.log1p(Math.max(0, baseline.recentCalls)) / LOG_CALLS_CAP, 1),
  };
}

const IDENTITY_CLASSES: readonly IdentityClass[] = [
  'root',
  'iam-user',
  'assumed-role',
  'federated',
  'aws-service',
  'other',
];
const SOURCE_IP_CLASSES: readonly SourceIpClass[] = ['aws-service', 'private', 'public', 'invalid', 'absent'];
const USER_AGENT_FAMILIES: readonly UserAgentFamily[] = [
  'console',
  'aws-cli',
  'sdk',
  'iac',
  'other',
  'absent',
];
const ERROR_CLASSES: readonly ErrorClass[] = ['none', 'denied', 'other'];

/**
 * For an event without detections: one small integer that determines `extractFeatures(event, baseline)`, so a caller
 * can remember the vector's risk by it and skip building the vector (`scan` does, for every quiet event). It encodes
 * exactly what extractFeatures reads of such an event: the classes of the identity, source IP, user agent and error,
 * the MFA flag, read-only, the four seen-before flags and the two window counts as far as their features tell them
 * apart (denied calls up to the cap, calls up to the cap). Undefined for an event with detections, or counts that are
 * not whole numbers (the caller then extracts the features). Equal keys give equal vectors (a test holds this).
 * Change it with extractFeatures.
 */
function quietFeatureKey(event: IngestedEvent, baseline: BaselineSnapshot): number | undefined {
  const eventKey = quietEventKey(event);
  return eventKey === undefined ? undefined : quietFeatureKeyOf(eventKey, baseline);
}

/**
 * The part of `quietFeatureKey` that the event alone decides (identity, MFA, source IP, user agent, error and
 * read-only classes), undefined for an event with detections. A worker thread computes it where the record is read;
 * `quietFeatureKeyOf` completes it with the baseline snapshot.
 */
function quietEventKey(event: IngestedEvent): number | undefined {
  if (event.detections.length > 0) return undefined;
  const { summary } = event;
  let key = IDENTITY_CLASSES.indexOf(classifyIdentity(summary.actor.type));
  key = key * 2 + (summary.actor.mfa === false ? 1 : 0);
  key = key * 5 + SOURCE_IP_CLASSES.indexOf(classifySourceIp(summary.sourceIp));
  key = key * 6 + USER_AGENT_FAMILIES.indexOf(classifyUserAgent(summary.userAgent));
  key = key * 2 + (isOffensiveUserAgent(summary.userAgent) ? 1 : 0);
  key = key * 3 + ERROR_CLASSES.indexOf(classifyError(summary.errorCode));
  return key * 2 + (isReadOnlyCall(summary.readOnly, summary.eventName) ? 1 : 0);
}

/** `quietFeatureKey` from the event's `quietEventKey` and the baseline snapshot. */
function quietFeatureKeyOf(eventKey: number, baseline: BaselineSnapshot): number | undefined {
  const { recentCalls, recentDenied } = baseline;
  if (!Number.isInteger(recentCalls) || !Number.isInteger(recentDenied) || recentDenied < 0) return undefined;
  let key =
    eventKey * 16 +
    (baseline.principalSeenBefore ? 8 : 0) +
    (baseline.apiSeenBefore ? 4 : 0) +
    (baseline.ipSeenBefore ? 2 : 0) +
    (baseline.regionSeenBefore ? 1 : 0);
  key = key * (DENIED_CAP + 1) + Math.min(recentDenied, DENIED_CAP);
  return key * (CALLS_CAP + 1) + Math.min(Math.max(0, recentCalls), CALLS_CAP);
}

export type { FeatureName, FeatureVector };
export {
  extractFeatures,
  FEATURE_DESCRIPTIONS,
  FEATURE_NAMES,
  FEATURES,
  quietEventKey,
  quietFeatureKey,
  quietFeatureKeyOf,
};
