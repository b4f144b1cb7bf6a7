/**
 * The signed approval a rollback needs. A rollback re-opens what a fix closed (a public ACL, a world-open port, an
 * attached admin policy), so it is never run on a request alone: the request carries this approval, HMAC-signed with
 * the approval key over the event it is for, who approved, when, and until when it may be used. The rollback
 * function verifies it before reading anything else, so a crafted request (another event's approval, an edited
 * approver, an expired or unsigned approval) is refused with the reason.
 *
 * Purity note: as for the approval links, HMAC-SHA256 is a deterministic computation; key and time are arguments.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import '../zod-english.js';

const RollbackApprovalSchema = z.strictObject({
  /** The CloudTrail eventID whose fix may be rolled back: the approval is good for this event only. */
  eventId: z.string().check(z.minLength(1), z.maxLength(256)),
  approvedBy: z.string().check(z.minLength(1), z.maxLength(256)),
  /** ISO-8601 time of the approval. */
  approvedAt: z.iso.datetime(),
  /** Epoch seconds after which the approval is refused. */
  expiresAt: z.number().check(z.int(), z.positive()),
  signature: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'signature: expected 64 lowercase hex characters')),
});
type RollbackApproval = z.infer<typeof RollbackApprovalSchema>;

type RollbackApprovalVerdict =
  | { readonly valid: true; readonly approval: RollbackApproval }
  | {
      readonly valid: false;
      readonly reason: 'malformed' | 'tampered' | 'other-event' | 'expired';
      readonly message: string;
    };

/** Hex HMAC-SHA256 over `rollback|eventId|approvedBy|approvedAt|expiresAt` (JSON-encoded fields, no ambiguity). */
function rollbackSignature(approval: Omit<RollbackApproval, 'signature'>, key: string): string {
  const message = JSON.stringify([
    'aisaws-rollback-approval-v1',
    approval.eventId,
    approval.approvedBy,
    approval.approvedAt,
    approval.expiresAt,
  ]);
  return createHmac('sha256', key).update(message).digest('hex');
}

/** Signs an approval of the rollback of one event. */
function signRollbackApproval(input: Omit<RollbackApproval, 'signature'>, key: string): RollbackApproval {
  if (key.length === 0) throw new Error('signRollbackApproval: key is empty');
  const unsigned = z.omit(RollbackApprovalSchema, { signature: true }).parse(input);
  return { ...unsigned, signature: rollbackSignature(unsigned, key) };
}

/**
 * Checks an approval for the rollback of `eventId`: shape, then signature (constant time), then that it names this
 * event, then expiry (trusted only once the signature holds).
 */
function verifyRollbackApproval(
  approval: unknown,
  expected: { readonly eventId: string; readonly key: string; readonly now: Date },
): RollbackApprovalVerdict {
  const parsed = RollbackApprovalSchema.safeParse(approval);
  if (!parsed.success)
    return {
      valid: false,
      reason: 'malformed',
      message: `the rollback approval is malformed: ${parsed.error.issues
        .map((issue) => `${issue.path.join('.') || '(approval)'}: ${issue.message}`)
        .join('; ')}`,
    };
  const given = Buffer.from(parsed.data.signature, 'hex');
  const wanted = Buffer.from(rollbackSignature(parsed.data, expected.key), 'hex');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
    return {
      valid: false,
      reason: 'tampered',
      message: 'the rollback approval is not signed by AISAWS (bad signature)',
    };
  if (parsed.data.eventId !== expected.eventId)
    return {
      valid: false,
      reason: 'other-event',
      message: `the rollback approval is for event ${parsed.data.eventId}, not ${expected.eventId}`,
    };
  if (Math.floor(expected.now.getTime() / 1000) > parsed.data.expiresAt)
    return {
      valid: false,
      reason: 'expired',
      message: `the rollback approval expired at ${new Date(parsed.data.expiresAt * 1000).toISOString()}`,
    };
  return { valid: true, approval: parsed.data };
}

export type { RollbackApproval, RollbackApprovalVerdict };
export { RollbackApprovalSchema, signRollbackApproval, verifyRollbackApproval };
