import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import '../zod-english.js';
import { AlertKindSchema, SCHEMA_VERSION } from './stages.js';

/**
 * Contracts of the reconcile job (`@aisaws/lambda-reconcile`) and of the queues it drains. Pure data: the Alert
 * Lambda writes the outbox message, the reconcile Lambda reads it; neither imports the other.
 */

/** Prefix of an AlertResult.messageId when the alert was kept in the outbox instead of published. */
const OUTBOX_MESSAGE_ID_PREFIX = 'outbox:';

/**
 * An alert the Alert Lambda could not publish (SNS throttled, 5xx or timed out after the SDK's retries), kept on the
 * alert outbox queue as rendered, so the reconcile job publishes exactly this text later. `alertKey` identifies the
 * alert (sha-256 of eventId, kind and task token): the reconcile job publishes each key once.
 */
const AlertOutboxMessageSchema = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  type: z.literal('alert-outbox'),
  alertKey: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be a sha-256 hex digest')),
  eventId: z.string().check(z.minLength(1)),
  kind: AlertKindSchema,
  topicArn: z.string().check(z.startsWith('arn:', 'must be an SNS topic ARN')),
  subject: z.string().check(z.minLength(1), z.maxLength(100)),
  message: z.string().check(z.minLength(1)),
  attributes: z.record(z.string(), z.string()),
  /** When the Alert Lambda gave up publishing, and why (the SDK error name and message). */
  queuedAt: z.iso.datetime(),
  publishError: z.string(),
});

/**
 * Which queue a message was read from decides where it goes back to:
 * - `events-dlq`: EventBridge dead letters of the security account's rules (target: the triage state machine);
 * - `member-forward-dlq`: dead letters of a member account's forwarding rules (target: the security bus, whose
 *   rules start triage: the event is started on triage directly, since PutEvents refuses `aws.*` sources);
 * - `quarantine`: triage failures after retries (`reason: triage-failed`, the execution input kept) and findings
 *   Security Hub refused (`reason: finding-not-published`, the Findings Lambda's request kept);
 * - `alert-outbox`: alerts SNS refused (AlertOutboxMessage).
 */
const ReconcileSourceKindSchema = z.enum(['events-dlq', 'member-forward-dlq', 'quarantine', 'alert-outbox']);

/** A manual or scheduled run: everything when empty; `sources` limits the kinds, `maxMessages` each queue's share. */
const ReconcileRequestSchema = z.looseObject({
  sources: z.optional(z.array(ReconcileSourceKindSchema).check(z.minLength(1))),
  maxMessages: z.optional(z.number().check(z.int(), z.gte(1), z.lte(10_000))),
  /** Plan only: read and classify, change nothing (messages become visible again after the visibility timeout). */
  dryRun: z.optional(z.boolean()),
});

/**
 * The identity of one alert: sha-256 of its eventId, kind and task token (an approval request per wait), the same
 * triple the Alert Lambda's idempotency layer keys on. The reconcile job publishes each key at most once.
 */
function alertKeyOf(alert: { eventId: string; kind: string; taskToken?: string | undefined }): string {
  return createHash('sha256')
    .update(`${alert.eventId}\n${alert.kind}\n${alert.taskToken ?? ''}`, 'utf8')
    .digest('hex');
}

type AlertOutboxMessage = z.infer<typeof AlertOutboxMessageSchema>;
type ReconcileSourceKind = z.infer<typeof ReconcileSourceKindSchema>;
type ReconcileRequest = z.infer<typeof ReconcileRequestSchema>;

export type { AlertOutboxMessage, ReconcileRequest, ReconcileSourceKind };
export {
  AlertOutboxMessageSchema,
  alertKeyOf,
  OUTBOX_MESSAGE_ID_PREFIX,
  ReconcileRequestSchema,
  ReconcileSourceKindSchema,
};
