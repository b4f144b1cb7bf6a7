import { sanitizeUntrusted } from '@aisaws/core/events';
import { getPlaybook } from '@aisaws/core/playbooks';
import {
  DecisionSchema,
  DetectionHitSchema,
  EventStatusSchema,
  type RollbackAlertKind,
  type RollbackAlertRequest,
} from '@aisaws/core/schemas';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import '@aisaws/core/zod-english';
import * as z from 'zod/mini';
import { line, SUBJECT_MAX, section, subjectLine, untrusted } from './alert-text.js';
import type { AlertAttributes, RenderedAlert } from './render-alert.js';

/**
 * The events item as the rollback workflow's GetItem projected it, read leniently (the stages wrote it; unknown
 * fields are ignored), every field the e-mail shows checked. The summary is optional: a finding's item has one too,
 * but an item written by an older version might not.
 */
const StoredEventViewSchema = z.looseObject({
  eventId: z.string(),
  status: EventStatusSchema,
  summary: z.optional(
    z.looseObject({
      eventName: z.string(),
      eventSource: z.string(),
      eventTime: z.optional(z.string()),
      account: z.string(),
      region: z.string(),
      actor: z.looseObject({
        type: z.string(),
        arn: z.optional(z.string()),
        userName: z.optional(z.string()),
        principalId: z.optional(z.string()),
      }),
      sourceIp: z.optional(z.string()),
    }),
  ),
  decision: z.optional(DecisionSchema),
  detections: z.optional(z.array(DetectionHitSchema)),
  snapshot: z.optional(
    z.looseObject({
      playbook: z.string(),
      takenAt: z.optional(z.string()),
      resource: z.looseObject({ type: z.string(), id: z.string(), account: z.string(), region: z.string() }),
    }),
  ),
  remediation: z.optional(z.looseObject({ status: z.string(), changes: z.optional(z.array(z.string())) })),
  verification: z.optional(z.looseObject({ status: z.string(), checkedAt: z.optional(z.string()) })),
});
type StoredEventView = z.infer<typeof StoredEventViewSchema>;

/** The item in the request is not an events item the stages wrote (a bad workflow input): a clear error. */
class StoredEventViewError extends Error {
  override readonly name = 'StoredEventViewError';
}

/** DynamoDB attribute values (as `dynamodb:getItem` returns them) → the checked view of the events item. */
function storedEventViewOf(request: RollbackAlertRequest): StoredEventView {
  let plain: unknown;
  try {
    plain = unmarshall(request.item as Parameters<typeof unmarshall>[0]);
  } catch (error) {
    throw new StoredEventViewError(
      `event ${request.eventId}: item is not DynamoDB attribute values: ${(error as Error).message}`,
    );
  }
  const parsed = StoredEventViewSchema.safeParse(plain);
  if (!parsed.success)
    throw new StoredEventViewError(
      `event ${request.eventId}: item is not an events item: ${parsed.error.issues
        .map((issue) => `${issue.path.join('.') || '(item)'}: ${issue.message}`)
        .join('; ')}`,
    );
  if (parsed.data.eventId !== request.eventId)
    throw new StoredEventViewError(
      `the item is event ${parsed.data.eventId}, the request is for ${request.eventId}`,
    );
  return parsed.data;
}

/** The signed links of a rollback offer. */
interface RollbackLinks {
  readonly approve: string;
  readonly reject: string;
  /** ISO time after which both links are refused (the end of the rollback window). */
  readonly expiresAt: string;
}

const OUTCOME: Record<RollbackAlertKind, { readonly outcome: string; readonly phrase: string }> = {
  'rollback-offer': { outcome: 'rollback-offered', phrase: 'fixed; rollback available' },
  'rolled-back': { outcome: 'rolled-back', phrase: 'ROLLED BACK (fix undone)' },
  'rollback-refused': { outcome: 'rollback-refused', phrase: 'rollback refused' },
  'rollback-failed': { outcome: 'rollback-failed', phrase: 'rollback FAILED' },
};

const clean = (value: unknown, max = 500) => sanitizeUntrusted(value, max);

const UNTRUSTED_NOTE =
  'Fields marked [untrusted] are copied from the event or the resource as their owner set them: do not follow links or instructions in them.';

function subjectOf(request: RollbackAlertRequest, view: StoredEventView): string {
  const level = view.decision?.level;
  const prefix = `[AISAWS${level ? ` ${level}` : ''}] `;
  const suffix = ` — ${OUTCOME[request.kind].phrase}`;
  const resource = view.snapshot?.resource.id;
  const playbook = view.snapshot?.playbook ?? view.decision?.playbook ?? 'fix';
  const headline = resource
    ? `${playbook}: ${clean(resource, SUBJECT_MAX)}`
    : `${playbook}: event ${clean(request.eventId, 64)}`;
  return subjectLine(prefix, headline, suffix);
}

function offerSection(request: RollbackAlertRequest, links: RollbackLinks | undefined): string | null {
  if (request.kind !== 'rollback-offer') return null;
  if (!links) throw new Error('renderRollbackAlert: links are required for kind rollback-offer');
  return section('ROLL BACK THIS FIX?', [
    '  AISAWS fixed the resource below and verified the fix. Rolling back RE-OPENS it (restores the state before',
    '  the fix). Do nothing to keep the fix. A link opens a page where you confirm (opening it decides nothing);',
    '  each works once. A rollback is refused, and the difference shown, if the resource changed after the fix.',
    `  Roll back:   ${links.approve}`,
    `  Keep the fix: ${links.reject}`,
    `  The offer closes at ${links.expiresAt}; after that nothing is rolled back.`,
  ]);
}

function whoSection(view: StoredEventView): string {
  const actor = view.summary?.actor;
  return section('WHO (the change AISAWS fixed)', [
    line('Actor type', actor?.type),
    untrusted('Actor', actor?.arn ?? actor?.userName ?? actor?.principalId),
    untrusted('Source IP', view.summary?.sourceIp),
  ]);
}

function whatSection(request: RollbackAlertRequest, view: StoredEventView): string {
  const { summary, decision, detections } = view;
  const detection = detections?.find((hit) => hit.id === decision?.detectionId);
  return section('WHAT', [
    line(
      'Event',
      summary ? `${summary.eventSource} ${summary.eventName} (eventID ${request.eventId})` : request.eventId,
    ),
    line('Event time', summary?.eventTime),
    line('Detection', detection ? `${detection.title} [${detection.id}]` : decision?.detectionId),
    untrusted('Summary', detection?.summary),
    line('Account', summary?.account ?? view.snapshot?.resource.account),
    line('Region', summary?.region ?? view.snapshot?.resource.region),
  ]);
}

function fixSection(view: StoredEventView): string {
  const { snapshot, remediation, verification, decision } = view;
  const playbookId = snapshot?.playbook ?? decision?.playbook;
  const descriptor = playbookId ? getPlaybook(playbookId) : undefined;
  return section('THE FIX (what a rollback undoes)', [
    line('Playbook', descriptor ? `${descriptor.id}: ${descriptor.description}` : playbookId),
    untrusted('Resource', snapshot ? `${snapshot.resource.type} ${snapshot.resource.id}` : undefined),
    line('Decision', decision ? `${decision.action}: ${decision.reason}` : undefined),
    line('Remediation', remediation?.status),
    ...(remediation?.changes ?? []).map((change) => `    - ${clean(change, 300)}`),
    line('Verified', verification ? `${verification.status} at ${verification.checkedAt ?? '?'}` : undefined),
    line('Snapshot taken', snapshot?.takenAt),
    line('Rollback restores', descriptor?.rollback),
  ]);
}

function outcomeSection(request: RollbackAlertRequest): string | null {
  switch (request.kind) {
    case 'rollback-offer':
      return null;
    case 'rolled-back':
      return section('ROLLED BACK', [
        '  The state before the fix was restored: the exposure the fix closed is open again.',
        line('At', request.remediation?.at),
        ...(request.remediation?.changes ?? []).map((change) => `    - ${clean(change, 300)}`),
      ]);
    case 'rollback-refused':
      return section('ROLLBACK REFUSED: NOTHING WAS CHANGED', [...errorLines('Reason', request.error)]);
    case 'rollback-failed':
      return section('ROLLBACK FAILED', [
        '  Check the resource by hand: the rollback may have been partly applied.',
        ...errorLines('Error', request.error),
      ]);
  }
}

/**
 * A Lambda error's `Cause` as Step Functions passes it in AWS: the function's error as JSON text
 * (`{"errorType", "errorMessage", "trace"}`). aws-local-stepfunctions passes the message as plain text instead.
 */
const LambdaErrorCauseSchema = z.looseObject({ errorType: z.string(), errorMessage: z.string() });

/**
 * The error of a Catch as text a person reads: `errorType: errorMessage` from the JSON form of a Lambda error's
 * cause (the stack trace left out), else `error: cause` as given (plain text, or JSON of another shape).
 */
function errorText(error: { readonly error: string; readonly cause: string }): string {
  let json: unknown;
  try {
    json = JSON.parse(error.cause);
  } catch {
    return `${error.error}: ${error.cause}`;
  }
  const parsed = LambdaErrorCauseSchema.safeParse(json);
  return parsed.success
    ? `${parsed.data.errorType}: ${parsed.data.errorMessage}`
    : `${error.error}: ${error.cause}`;
}

const ERROR_MAX = 3000;
const ERROR_LINES = 40;

/**
 * An error of the rollback function, labelled untrusted (it quotes live resource values, e.g. the drift diff), kept
 * on several lines: the first after the label, each further one behind `    | ` so no line of it starts the e-mail's
 * own lines. Every line is stripped of control characters; at most ERROR_LINES lines and ERROR_MAX characters.
 */
function errorLines(label: string, error: { readonly error: string; readonly cause: string } | undefined) {
  if (!error) return [];
  const all = errorText(error).split(/\r\n|\r|\n/);
  const lines: string[] = [];
  let room = ERROR_MAX;
  for (const text of all.slice(0, ERROR_LINES)) {
    if (room <= 0) break;
    const cleaned = clean(text, Math.min(room, 500));
    room -= cleaned.length;
    lines.push(lines.length === 0 ? `  ${label} [untrusted]: ${cleaned}` : `    | ${cleaned}`);
  }
  const cut = all.length - lines.length;
  if (cut > 0) lines.push(`    | … (${cut} more lines)`);
  return lines;
}

/**
 * Renders an alert of the rollback workflow from the stored events item. Pure. Every value from the item is stripped
 * of control characters and cut; the ones the event's caller or the resource's owner chose are labelled untrusted.
 */
function renderRollbackAlert(
  request: RollbackAlertRequest,
  view: StoredEventView,
  links?: RollbackLinks,
): RenderedAlert {
  const subject = subjectOf(request, view);
  const body = [
    subject,
    UNTRUSTED_NOTE,
    offerSection(request, links),
    outcomeSection(request),
    fixSection(view),
    whatSection(request, view),
    whoSection(view),
  ]
    .filter((part): part is string => part !== null)
    .join('\n\n');
  const attributes: AlertAttributes = {
    severity: view.decision?.level ?? 'n/a',
    detection: view.decision?.detectionId ?? 'none',
    account: clean(view.summary?.account ?? view.snapshot?.resource.account ?? 'unknown', 64),
    action: 'ROLLBACK',
    outcome: OUTCOME[request.kind].outcome,
  };
  return { subject, body: `${body}\n`, attributes };
}

export type { RollbackLinks, StoredEventView };
export { renderRollbackAlert, StoredEventViewError, storedEventViewOf };
