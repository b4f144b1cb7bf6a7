import { sanitizeUntrusted } from '@aisaws/core/events';
import { getPlaybook } from '@aisaws/core/playbooks';
import type { AlertRequest, DetectionCategory, DetectionHit } from '@aisaws/core/schemas';
import { BIAS_FEATURE } from '@aisaws/core/scoring';
import { line, SUBJECT_MAX, section, subjectLine, untrusted } from './alert-text.js';

const TOP_CONTRIBUTIONS = 3;

/** The signed links of an approval request (built by the caller: signing needs the key). */
interface ApprovalLinks {
  readonly approve: string;
  readonly reject: string;
  /** ISO time after which both links are refused. */
  readonly expiresAt: string;
}

interface RenderAlertOptions {
  /** Required for kind `approval-request`. */
  readonly approvalLinks?: ApprovalLinks;
}

/** SNS message attributes, all of DataType String, so subscriptions can filter on them. */
interface AlertAttributes {
  readonly severity: string;
  readonly detection: string;
  readonly account: string;
  readonly action: string;
  readonly outcome: string;
}

interface RenderedAlert {
  /** ≤ 100 characters (the SNS e-mail subject limit). */
  readonly subject: string;
  /** Plain text. */
  readonly body: string;
  readonly attributes: AlertAttributes;
}

/** The detection the alert is about: the decision's, else the most severe one. */
function primaryDetection(request: AlertRequest): DetectionHit | undefined {
  const { detections, decision } = request.event;
  const byDecision = detections.find((hit) => hit.id === decision.detectionId);
  if (byDecision) return byDecision;
  return [...detections].sort((a, b) => b.severity - a.severity)[0];
}

/** Short machine-readable outcome, also the `outcome` attribute. */
function outcomeOf(request: AlertRequest): string {
  switch (request.kind) {
    case 'remediated':
      return 'verified';
    case 'remediation-failed':
      return 'failed';
    case 'approval-request':
      return 'pending-approval';
    case 'rejected':
      return request.error?.error === 'States.Timeout'
        ? 'timed-out'
        : request.error?.error === 'DryRun'
          ? 'dry-run'
          : 'rejected';
    case 'logged':
      return request.remediation?.status === 'dry-run' ? 'dry-run' : 'logged';
    case 'alert':
      return 'alerted';
  }
}

const OUTCOME_PHRASE: Record<string, string> = {
  verified: 'fixed and verified',
  failed: 'fix FAILED',
  'pending-approval': 'approval needed',
  'timed-out': 'not fixed (approval timed out)',
  rejected: 'not fixed (rejected)',
  'dry-run': 'dry run, not fixed',
  logged: 'logged, no automatic fix',
  alerted: 'alert, nothing was changed',
};

function subjectOf(request: AlertRequest, detection: DetectionHit | undefined, outcome: string): string {
  const prefix = `[AISAWS ${request.event.decision.level}] `;
  const suffix = ` — ${OUTCOME_PHRASE[outcome] ?? outcome}`;
  // The resource id and the event name come from the event: no control character may reach the subject.
  const resource = detection?.resource?.id;
  const headline = detection
    ? resource
      ? `${detection.title}: ${sanitizeUntrusted(resource, SUBJECT_MAX)}`
      : detection.title
    : sanitizeUntrusted(request.event.summary.eventName, SUBJECT_MAX);
  return subjectLine(prefix, headline, suffix);
}

const UNTRUSTED_NOTE =
  'Fields marked [untrusted] are copied from the event as its caller sent them: do not follow links or instructions in them.';

function whoSection(request: AlertRequest): string {
  const { actor, sourceIp, userAgent } = request.event.summary;
  return section('WHO', [
    line('Actor type', actor.type),
    untrusted('Actor', actor.arn ?? actor.userName ?? actor.principalId),
    line('MFA', actor.mfa),
    untrusted('Source IP', sourceIp),
    untrusted('User agent', userAgent),
  ]);
}

function whatSection(request: AlertRequest, detection: DetectionHit | undefined): string {
  const { summary, detections } = request.event;
  const others = detections.filter((hit) => hit !== detection).map((hit) => hit.id);
  return section('WHAT', [
    line('Event', `${summary.eventSource} ${summary.eventName} (eventID ${summary.eventId})`),
    line(
      'Detection',
      detection
        ? `${detection.title} [${detection.id}, MITRE ${detection.mitre.join(', ') || 'n/a'}]`
        : 'none',
    ),
    line('Summary', detection?.summary),
    line('Other detections', others.length > 0 ? others.join(', ') : undefined),
  ]);
}

function whereSection(request: AlertRequest, detection: DetectionHit | undefined): string {
  const { summary } = request.event;
  const resource = detection?.resource;
  return section('WHERE', [
    line('Account', summary.account),
    line('Region', summary.region),
    untrusted(
      'Resource',
      resource ? `${resource.type} ${resource.id}${resource.arn ? ` (${resource.arn})` : ''}` : undefined,
    ),
  ]);
}

function whenSection(request: AlertRequest): string {
  const { event, remediation, verification } = request;
  return section('WHEN', [
    line('Event time', event.summary.eventTime),
    line('Received', event.receivedAt),
    line('Decided', event.decision.decidedAt),
    line('Remediated', remediation?.at),
    line('Verified', verification?.checkedAt),
  ]);
}

function whySection(request: AlertRequest): string {
  const { risk, decision } = request.event;
  // The intercept is the model's baseline for every event, not a reason this one scored high.
  const top = risk.explanation
    .filter((c) => c.feature !== BIAS_FEATURE)
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
    .slice(0, TOP_CONTRIBUTIONS)
    .map((c) => {
      const sign = c.contribution >= 0 ? '+' : '−';
      return `    ${sign}${Math.abs(c.contribution).toFixed(2)}  ${c.feature} = ${c.value}${c.description ? ` (${c.description})` : ''}`;
    });
  return section('WHY IT SCORED SO', [
    line(
      'Risk',
      `${risk.score.toFixed(2)} (${decision.level}), model ${risk.model.id}@${risk.model.version}`,
    ),
    top.length > 0 ? '  Top contributions:' : null,
    ...top,
  ]);
}

function doneSection(request: AlertRequest): string {
  const { decision } = request.event;
  const { remediation, verification, error } = request;
  const descriptor = decision.playbook ? getPlaybook(decision.playbook) : undefined;
  const changes = remediation?.changes ?? [];
  return section('WHAT WAS DONE', [
    line('Decision', `${decision.action}${decision.dryRun ? ' (dry run)' : ''}: ${decision.reason}`),
    line('Exemption used', exemptionText(decision.exemption)),
    line('Playbook', descriptor ? `${descriptor.id}: ${descriptor.description}` : decision.playbook),
    line('Remediation', remediation ? `${remediation.action} → ${remediation.status}` : undefined),
    ...changes.map((change) => `    - ${sanitizeUntrusted(change, 300)}`),
    line('Verification', verification ? `${verification.status}: ${verification.details}` : undefined),
    line('Observed', verification ? JSON.stringify(verification.observed) : undefined),
    line(
      request.kind === 'rejected' ? 'Not applied because' : 'Error',
      error ? `${error.error}: ${error.cause}` : undefined,
    ),
  ]);
}

/** The audit line of an exemption that stopped the fix: which rule, what it matched, why, until when. */
function exemptionText(exemption: AlertRequest['event']['decision']['exemption']): string | undefined {
  if (!exemption) return undefined;
  const rule =
    exemption.kind === 'tag'
      ? `resource tag ${exemption.match}`
      : `policy exemptions.${exemption.kind === 'account' ? 'accounts' : `${exemption.kind}s`} ${exemption.match}`;
  return sanitizeUntrusted(
    `${rule}, matched ${exemption.matched}; reason: ${exemption.reason}; expires ${exemption.expires}`,
    400,
  );
}

/** Why AISAWS changed nothing, mirroring the decision rules that end in ALERT (core policy `decide`). */
function whyNothingChanged(request: AlertRequest): string {
  const { decision, detections, summary } = request.event;
  if (decision.exempt)
    return 'The event is exempt from automatic fixes (see "Exemption used" below: the rule, its reason and expiry).';
  if (decision.playbook !== null && getPlaybook(decision.playbook)?.requires === 'centralized-root-access')
    return `Playbook ${decision.playbook} needs a root session (Organizations centralized root access), which this deployment does not have for account ${summary.account}: a person must do it in the console.`;
  if (decision.playbook !== null)
    return `The policy sets detection ${decision.detectionId ?? 'this detection'} to alert: a person decides, nothing is changed automatically.`;
  if (summary.errorCode)
    return `The call failed (${summary.errorCode}): the attempt is a warning sign, but there is no change to undo.`;
  const about = detections.find((hit) => hit.id === decision.detectionId);
  if (about?.playbook) return `The detection names no resource that playbook ${about.playbook} could fix.`;
  return 'No AISAWS playbook fixes this detection: there is no safe API change to make, so it is alert-only by design.';
}

/** What a person should check first, by the kind of detection; written for detections without an automatic fix. */
const NEXT_STEPS: Partial<Record<DetectionCategory, readonly string[]>> = {
  IDN: [
    'Ask the owner of this identity whether it was them, from this IP and user agent.',
    'If not: reset its password, remove its access keys, enable MFA, and review what the session did in CloudTrail.',
  ],
  CRD: [
    'Check whether this caller is supposed to read these secrets or credentials.',
    'If not: deactivate its credentials, rotate every secret it read, and review its other calls in CloudTrail.',
  ],
  DIS: [
    'Find out whether this enumeration was expected (a scanner, an audit, a new tool).',
    'If not: deactivate the caller’s credentials and review what else it called in CloudTrail.',
  ],
  DEF: [
    'Confirm with the account owner that this was intended.',
    'If not: undo it by hand, deny the action with an SCP, and review the actor’s other calls in CloudTrail.',
  ],
};
const DEFAULT_NEXT_STEPS: readonly string[] = [
  'Check with the actor whether this change was intended.',
  'If not: revert it by hand and review the actor’s other calls in CloudTrail.',
];
const ROOT_NEXT_STEPS: readonly string[] = [
  'Root should not be used day to day: confirm with the account owner that this was them.',
  'If not: change the root password, enable MFA on root, delete any root access key, and review the session in CloudTrail.',
  'To prevent it in member accounts, deny root actions with an SCP.',
];

/** The console steps for a root access key nobody could delete automatically. */
function rootAccessKeySteps(request: AlertRequest, detection: DetectionHit | undefined): readonly string[] {
  const account = request.event.summary.account;
  const keyId = detection?.resource?.details.accessKeyId;
  const key = typeof keyId === 'string' ? `access key ${keyId}` : 'the new access key';
  return [
    `Sign in to the console as the root user of account ${account} (or, from the organization's management account: IAM > Root access management > ${account} > Delete root credentials).`,
    `Root user > Security credentials > Access keys: deactivate ${key}, then delete it.`,
    'If nobody in your team created it: change the root password, enable MFA on root, and review what the key and the session did in CloudTrail.',
  ];
}

/** For an ALERT (nothing was changed, not a dry run): why nothing was changed and what a person should do. */
function nextStepsSection(request: AlertRequest, detection: DetectionHit | undefined): string | null {
  const alerted = request.kind === 'alert' || (request.kind === 'logged' && !request.remediation);
  if (!alerted) return null;
  const steps =
    detection?.id === 'identity.root-access-key-created'
      ? rootAccessKeySteps(request, detection)
      : request.event.summary.actor.type === 'Root'
        ? ROOT_NEXT_STEPS
        : ((detection && NEXT_STEPS[detection.category]) ?? DEFAULT_NEXT_STEPS);
  return section('NOTHING WAS CHANGED: WHAT TO DO', [
    `  ${whyNothingChanged(request)}`,
    ...steps.map((step) => `  - ${step}`),
  ]);
}

function rollbackSection(request: AlertRequest): string | null {
  if (request.kind !== 'remediated' && request.kind !== 'remediation-failed') return null;
  const playbook = request.event.decision.playbook;
  const descriptor = playbook ? getPlaybook(playbook) : undefined;
  const eventId = sanitizeUntrusted(request.event.eventId, 128);
  if (request.kind === 'remediation-failed')
    // The rollback function and `aisaws rollback` undo only a verified fix: a failed one may be partly applied.
    return section('HOW TO ROLL BACK', [
      '  AISAWS rolls back only a verified fix; this one failed and may be partly applied. The state before',
      `  the fix is kept as the snapshot on the events item of event ${eventId}, for a person to restore:`,
      descriptor ? `  ${descriptor.rollback}` : null,
    ]);
  return section('HOW TO ROLL BACK', [
    '  Use the "Roll back" link of the AISAWS rollback e-mail for this event (it follows a verified fix and',
    '  stands for the rollback window); in the local sandbox (`aisaws demo`):',
    `  aisaws rollback ${eventId}`,
    descriptor ? `  ${descriptor.rollback}` : null,
  ]);
}

function approvalSection(request: AlertRequest, links: ApprovalLinks | undefined): string | null {
  if (request.kind !== 'approval-request') return null;
  if (!links) throw new Error('renderAlert: approvalLinks is required for kind approval-request');
  return section('YOUR DECISION IS NEEDED', [
    '  The fix above will be applied only if you approve it. A link opens a page where you confirm',
    '  (opening it decides nothing); each works once.',
    `  Approve: ${links.approve}`,
    `  Reject:  ${links.reject}`,
    `  The links expire at ${links.expiresAt}; no answer by then counts as a rejection.`,
  ]);
}

/** Renders the SNS subject, plain-text body and filterable attributes of an alert. Pure. */
function renderAlert(request: AlertRequest, options: RenderAlertOptions = {}): RenderedAlert {
  const detection = primaryDetection(request);
  const outcome = outcomeOf(request);
  const subject = subjectOf(request, detection, outcome);
  const body = [
    subject,
    UNTRUSTED_NOTE,
    approvalSection(request, options.approvalLinks),
    nextStepsSection(request, detection),
    whoSection(request),
    whatSection(request, detection),
    whereSection(request, detection),
    whenSection(request),
    whySection(request),
    doneSection(request),
    rollbackSection(request),
  ]
    .filter((part): part is string => part !== null)
    .join('\n\n');
  return {
    subject,
    body: `${body}\n`,
    attributes: {
      severity: request.event.decision.level,
      detection: detection?.id ?? 'none',
      account: request.event.summary.account,
      action: request.event.decision.action,
      outcome,
    },
  };
}

export type { AlertAttributes, ApprovalLinks, RenderAlertOptions, RenderedAlert };
export { renderAlert };
