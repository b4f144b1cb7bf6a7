import { createHash } from 'node:crypto';
import { eventBridgeEnvelopeOf, findingEventIdOf } from '@aisaws/core/events';
import { type PublishFindingRequest, PublishFindingRequestSchema } from '@aisaws/core/publish';
import {
  type AlertOutboxMessage,
  AlertOutboxMessageSchema,
  CloudTrailRecordSchema,
  type ReconcileSourceKind,
} from '@aisaws/core/schemas';
import '@aisaws/core/zod-english';
import * as z from 'zod/mini';

/**
 * The reconcile job's decisions, pure: given where a message was read and what it holds, what to do with it. No SDK,
 * no I/O, so every rule is unit-tested on plain values (test/plan.test.ts).
 */

/** A queue the job drains, and what the messages in it should have reached. */
interface ReconcileSource {
  readonly kind: ReconcileSourceKind;
  readonly queueUrl: string;
  /**
   * Where the messages were going (EventBridge's TARGET_ARN attribute must name it when present): the triage state
   * machine for `events-dlq`, the security account's bus for `member-forward-dlq`.
   */
  readonly expectedTarget?: string;
  /** `member-forward-dlq`: the member account owning the queue; an event must come from that account. */
  readonly account?: string;
  /** Receives after which a message is parked (poison): it was tried that many times and never went through. */
  readonly maxReceives: number;
}

/** One message as read from SQS, reduced to what the rules look at. */
interface ReceivedMessage {
  readonly messageId: string;
  readonly body: string;
  /** String message attributes (EventBridge's RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE …). */
  readonly attributes: Readonly<Record<string, string>>;
  /** SQS ApproximateReceiveCount, this receive included. */
  readonly receiveCount: number;
}

type Plan =
  /** Start triage again on the original EventBridge event (Ingest dedupes by eventId: a replay counts once). */
  | { readonly action: 'replay'; readonly eventId: string; readonly event: Record<string, unknown> }
  /** Publish the alert the Alert Lambda kept, once per alert key. */
  | { readonly action: 'publish-alert'; readonly alert: AlertOutboxMessage }
  /**
   * Invoke the Findings Lambda again with the request Security Hub refused (the finding Id is stable per event: a
   * second publish is an upsert of the same finding).
   */
  | { readonly action: 'publish-finding'; readonly request: PublishFindingRequest }
  /**
   * Ingest failed and the workflow kept only a reference: look the event up in CloudTrail event history (its account
   * and region) and replay what is found; `unrecovered` is why a person must recover it when that is not possible.
   */
  | {
      readonly action: 'recover';
      readonly eventId: string;
      readonly account: string;
      readonly region: string;
      readonly eventTime?: string;
      readonly unrecovered: string;
    }
  /**
   * Move to the parked queue (kept for a person). `notify`: tell the alert topic (a poison message, something that
   * should not be there); not for an input that was invalid from the start and is already kept in S3.
   */
  | { readonly action: 'park'; readonly reason: string; readonly notify: boolean };

/** What the replay path needs of an EventBridge event; the rest is kept as it is (Ingest parses it fully). */
const ReplayableEventSchema = z.looseObject({
  source: z
    .string()
    .check(z.startsWith('aws.', 'must be an AWS source (aws.*): only AWS-emitted events start triage')),
  'detail-type': z.string().check(z.minLength(1)),
  account: z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit account id')),
  detail: z.looseObject({}),
});

/**
 * A triage failure with the event to replay: sent by Ingest itself (`failedStage: 'ingest'`, the input redacted) or
 * by the triage workflow after Ingest (the redacted record, or a finding as delivered).
 */
const TriageFailureSchema = z.looseObject({
  reason: z.literal('triage-failed'),
  input: z.unknown(),
  error: z.optional(z.string()),
  cause: z.optional(z.string()),
});

/**
 * What the triage workflow sends when Ingest failed without keeping the event itself: only a reference (the event's
 * id, name, source, time, account, region, or just the execution), never the delivered input, which may carry
 * credentials. Not replayable from here: a person recovers the record from CloudTrail event history.
 */
const UnkeptFailureSchema = z.looseObject({
  reason: z.literal('triage-failed-unkept'),
  error: z.optional(z.string()),
  execution: z.optional(z.string()),
  eventId: z.optional(z.string()),
  reference: z.optional(z.record(z.string(), z.unknown())),
});

/** A reference that says where to look the event up: its account and region (and time, when known). */
const LocatedReferenceSchema = z.looseObject({
  account: z.string().check(z.regex(/^\d{12}$/)),
  region: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d+$/)),
  eventTime: z.optional(z.string().check(z.maxLength(64))),
});

/**
 * What the workflows' `Keep Unpublished … Finding` states send once the Findings Lambda gave up (Security Hub refused,
 * throttled or failed after the retries): the request it was invoked with, to publish again.
 */
const UnpublishedFindingSchema = z.looseObject({
  reason: z.literal('finding-not-published'),
  request: z.unknown(),
  error: z.optional(z.string()),
  cause: z.optional(z.string()),
});

/** What Ingest sends for an input it refused (the input itself is in S3). */
const IngestQuarantineSchema = z.looseObject({
  stage: z.literal('ingest'),
  reason: z.string(),
  quarantinedAt: z.optional(z.string()),
});

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/**
 * The identity Ingest gives the event: CloudTrail's eventID, else a finding's `finding:<id>@<updatedAt>`
 * (GuardDuty `detail.id`, Security Hub `detail.findings[0].Id`).
 */
function eventIdOf(event: { detail: Record<string, unknown> }): string | undefined {
  const { detail } = event;
  const eventId = text(detail.eventID);
  if (eventId) return eventId;
  const finding = Array.isArray(detail.findings)
    ? (detail.findings[0] as Record<string, unknown> | undefined)
    : undefined;
  const id = text(detail.id) ?? text(finding?.Id);
  const updatedAt = text(detail.updatedAt) ?? text(finding?.UpdatedAt);
  return id && updatedAt ? findingEventIdOf(id, updatedAt) : undefined;
}

const issuesOf = (error: z.core.$ZodError): string =>
  error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');

function parseJson(body: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (error) {
    return { ok: false, error: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** The replay of an event, or why it cannot be replayed. */
function replayOf(candidate: unknown, source: ReconcileSource): Plan {
  const parsed = ReplayableEventSchema.safeParse(candidate);
  if (!parsed.success)
    return { action: 'park', reason: `not a replayable event: ${issuesOf(parsed.error)}`, notify: true };
  const event = parsed.data;
  // A member account can write into its own DLQ: an event it forged there may only be about that account.
  if (source.account !== undefined && event.account !== source.account)
    return {
      action: 'park',
      reason: `event names account ${event.account}, not ${source.account} whose queue it was read from`,
      notify: true,
    };
  const eventId = eventIdOf(event);
  if (!eventId)
    return {
      action: 'park',
      reason: 'event has no identity (detail.eventID, or a finding id and updatedAt)',
      notify: true,
    };
  // The event as it was received (zod's output may order keys differently): triage gets exactly the original.
  return { action: 'replay', eventId, event: candidate as Record<string, unknown> };
}

/** A UUID-formatted id derived from a seed: the same recovered event gets the same envelope id. */
function uuidFrom(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The replay of a record found in CloudTrail event history for a `recover` plan: it must be a CloudTrail record
 * with the event id and account looked up; it is put in the envelope EventBridge would have delivered and replayed
 * like a dead letter. Anything else is parked with the person's recovery note.
 */
function planRecovered(
  record: unknown,
  recover: Extract<Plan, { action: 'recover' }>,
  source: ReconcileSource,
): Plan {
  const parsed = CloudTrailRecordSchema.safeParse(record);
  const mismatch = !parsed.success
    ? `not a CloudTrail record (${issuesOf(parsed.error)})`
    : parsed.data.eventID !== recover.eventId
      ? `event history answered event ${parsed.data.eventID}, not ${recover.eventId}`
      : parsed.data.recipientAccountId !== undefined && parsed.data.recipientAccountId !== recover.account
        ? `the record is of account ${parsed.data.recipientAccountId}, not ${recover.account}`
        : undefined;
  if (!parsed.success || mismatch !== undefined)
    return {
      action: 'park',
      reason:
        `the event found in CloudTrail event history is unusable: ${mismatch}; ${recover.unrecovered}`.slice(
          0,
          600,
        ),
      notify: true,
    };
  const envelope = eventBridgeEnvelopeOf(parsed.data, {
    id: uuidFrom(`recovered:${recover.eventId}`),
    account: recover.account,
    region: recover.region,
    time: recover.eventTime ?? new Date(0).toISOString(),
  });
  return replayOf(envelope, source);
}

/**
 * What to do with one message. In order: a message received more than `maxReceives` times is parked (poison);
 * then by queue kind: an EventBridge dead letter (or a triage failure) is replayed when it holds an AWS event with an
 * identity, an unpublished finding (`finding-not-published`) is published again when its request is a valid
 * PublishFindingRequest, an outbox message is published when it is a valid AlertOutboxMessage; anything else is parked with the
 * reason. Nothing is ever deleted without being re-submitted or parked.
 */
function planMessage(source: ReconcileSource, message: ReceivedMessage): Plan {
  if (message.receiveCount > source.maxReceives)
    return {
      action: 'park',
      reason: `gave up after ${message.receiveCount - 1} receives (limit ${source.maxReceives}): the re-submission kept failing`,
      notify: true,
    };
  const json = parseJson(message.body);
  if (!json.ok) return { action: 'park', reason: `body is ${json.error}`, notify: true };

  switch (source.kind) {
    case 'events-dlq':
    case 'member-forward-dlq': {
      const target = message.attributes.TARGET_ARN;
      if (target !== undefined && source.expectedTarget !== undefined && target !== source.expectedTarget)
        return {
          action: 'park',
          reason: `dead letter of target ${target}, not ${source.expectedTarget}: not ours to replay`,
          notify: true,
        };
      return replayOf(json.value, source);
    }
    case 'quarantine': {
      const failure = TriageFailureSchema.safeParse(json.value);
      if (failure.success) return replayOf(failure.data.input, source);
      const unpublished = UnpublishedFindingSchema.safeParse(json.value);
      if (unpublished.success) {
        const request = PublishFindingRequestSchema.safeParse(unpublished.data.request);
        if (!request.success)
          return {
            action: 'park',
            reason: `unpublished finding without a valid request: ${issuesOf(request.error)}`.slice(0, 600),
            notify: true,
          };
        return { action: 'publish-finding', request: request.data };
      }
      const unkept = UnkeptFailureSchema.safeParse(json.value);
      if (unkept.success) {
        const { eventId, reference, error, execution } = unkept.data;
        const where = reference
          ? ` (${[reference.eventSource, reference.eventName, reference.account, reference.region, reference.eventTime].filter((v) => typeof v === 'string').join(', ')})`
          : '';
        const unrecovered =
          `Ingest failed (${error ?? 'unknown error'}) and the event was not kept (its credentials are never copied): ${eventId ? `recover event ${eventId}${where} from CloudTrail event history and replay it` : `only execution ${execution ?? '?'} is known`}`.slice(
            0,
            600,
          );
        const located = LocatedReferenceSchema.safeParse(reference);
        if (eventId && located.success)
          return {
            action: 'recover',
            eventId,
            account: located.data.account,
            region: located.data.region,
            ...(located.data.eventTime !== undefined ? { eventTime: located.data.eventTime } : {}),
            unrecovered,
          };
        return { action: 'park', reason: unrecovered, notify: true };
      }
      const refused = IngestQuarantineSchema.safeParse(json.value);
      if (refused.success)
        return {
          action: 'park',
          reason: `invalid input, not replayable (${refused.data.reason.slice(0, 300)}); kept at ${refused.data.quarantinedAt ?? 'the archive quarantine/'}`,
          notify: false,
        };
      return { action: 'park', reason: 'not a quarantine message of triage or Ingest', notify: true };
    }
    case 'alert-outbox': {
      const alert = AlertOutboxMessageSchema.safeParse(json.value);
      if (!alert.success)
        return { action: 'park', reason: `not an outbox alert: ${issuesOf(alert.error)}`, notify: true };
      return { action: 'publish-alert', alert: alert.data };
    }
  }
}

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` → its account, or undefined. */
function accountOfQueueUrl(queueUrl: string): string | undefined {
  const match = /^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\/(\d{12})\/[\w-]+$/.exec(queueUrl);
  return match?.[1];
}

export type { Plan, ReceivedMessage, ReconcileSource };
export { accountOfQueueUrl, eventIdOf, planMessage, planRecovered };
