/**
 * Signed approve/reject links for the HUMAN_APPROVAL path. The Alert Lambda signs them into the e-mail; the Approval
 * Lambda verifies them: opening a link (GET) only shows a confirmation page, and the POST of that page's form (the
 * same signed fields) is what acts. A link names the key it was signed with (`kid`, a one-way id of the key), so
 * after the key is rotated an old link is refused as such rather than as tampered.
 *
 * Purity note: core has no I/O. HMAC-SHA256 from node:crypto is a deterministic computation over its arguments (no
 * clock, no randomness, no network), so it is acceptable here; the key and the current time are arguments.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import '../zod-english.js';
import { KEY_PREFIX } from '../storage/tables.js';

const ApprovalDecisionSchema = z.enum(['approve', 'reject']);
type ApprovalDecision = z.infer<typeof ApprovalDecisionSchema>;

/** The query string of a link, as the function URL delivers it (every value a string, or missing). */
const ApprovalLinkQuerySchema = z.object({
  token: z.string().check(z.regex(/^[A-Za-z0-9_-]+$/, 'token: expected URL-safe base64')),
  decision: ApprovalDecisionSchema,
  expires: z.string().check(z.regex(/^\d{1,12}$/, 'expires: expected epoch seconds')),
  kid: z.string().check(z.regex(/^[0-9a-f]{16}$/, 'kid: expected 16 lowercase hex characters')),
  sig: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'sig: expected 64 lowercase hex characters')),
  /**
   * Present on a rollback approval link: the event whose verified fix the approver lets AISAWS roll back. Signed
   * with the rest, so the Approval Lambda can issue the RollbackApproval for this event and no other.
   */
  rollback: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
});
type ApprovalLinkQuery = z.infer<typeof ApprovalLinkQuerySchema>;

interface SignApprovalLinkInput {
  /** The Approval Lambda's function URL, e.g. `https://abc.lambda-url.eu-west-1.on.aws/`. */
  readonly baseUrl: string;
  /** The Step Functions task token, as received. */
  readonly taskToken: string;
  readonly decision: ApprovalDecision;
  /** Epoch seconds after which the link is refused. */
  readonly expiresAt: number;
  /** The HMAC key (the SSM SecureString value). */
  readonly key: string;
  /** A rollback approval link: the event whose fix would be rolled back. */
  readonly rollbackOf?: string;
}

type ApprovalLinkVerdict =
  | {
      readonly valid: true;
      readonly taskToken: string;
      readonly decision: ApprovalDecision;
      readonly expiresAt: number;
      /** Set for a rollback approval link: the event whose fix the approver decides to roll back or not. */
      readonly rollbackOf?: string;
    }
  | {
      readonly valid: false;
      readonly reason: 'malformed' | 'rotated' | 'tampered' | 'expired';
      readonly message: string;
    };

function encodeToken(taskToken: string): string {
  return Buffer.from(taskToken, 'utf8').toString('base64url');
}

/**
 * The public id of a signing key: 16 hex characters of an HMAC of a fixed label under the key. It tells keys apart
 * (a link signed before a rotation) and reveals nothing about the key.
 */
function approvalKeyId(key: string): string {
  return createHmac('sha256', key).update('aisaws approval link key id').digest('hex').slice(0, 16);
}

/**
 * Hex HMAC-SHA256 over `token|decision|expires|kid` (token as it appears in the URL), and for a rollback link
 * `|rollback:` and the event id as JSON (a fix's link and a rollback's link can never be swapped).
 */
function signatureOf(
  encodedToken: string,
  decision: ApprovalDecision,
  expiresAt: number,
  kid: string,
  key: string,
  rollbackOf?: string,
): string {
  const rollback = rollbackOf === undefined ? '' : `|rollback:${JSON.stringify(rollbackOf)}`;
  return createHmac('sha256', key)
    .update(`${encodedToken}|${decision}|${expiresAt}|${kid}${rollback}`)
    .digest('hex');
}

/** `<baseUrl>?token=…&decision=…&expires=…&kid=…&sig=…` */
function signApprovalLink(input: SignApprovalLinkInput): string {
  if (input.key.length === 0) throw new Error('signApprovalLink: key is empty');
  if (!Number.isInteger(input.expiresAt) || input.expiresAt <= 0)
    throw new Error(`signApprovalLink: expiresAt must be positive epoch seconds, got ${input.expiresAt}`);
  const token = encodeToken(input.taskToken);
  const url = new URL(input.baseUrl);
  url.searchParams.set('token', token);
  url.searchParams.set('decision', input.decision);
  url.searchParams.set('expires', String(input.expiresAt));
  const kid = approvalKeyId(input.key);
  url.searchParams.set('kid', kid);
  if (input.rollbackOf !== undefined) url.searchParams.set('rollback', input.rollbackOf);
  url.searchParams.set(
    'sig',
    signatureOf(token, input.decision, input.expiresAt, kid, input.key, input.rollbackOf),
  );
  return url.toString();
}

/**
 * Checks a link's fields (its query, or the form posted from its confirmation page): shape first (malformed), then
 * the key id (rotated: signed with a key that is no longer the current one), then the signature in constant time
 * (tampered), then the expiry (expired) — the expiry is only trusted once the signature proves it was not edited.
 */
function verifyApprovalLink(query: unknown, key: string, now: Date): ApprovalLinkVerdict {
  const parsed = ApprovalLinkQuerySchema.safeParse(query);
  if (!parsed.success) {
    const message = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(query)'}: ${issue.message}`)
      .join('; ');
    return { valid: false, reason: 'malformed', message };
  }
  const { token, decision, expires, kid, sig, rollback } = parsed.data;
  if (kid !== approvalKeyId(key))
    return {
      valid: false,
      reason: 'rotated',
      message: 'the link was signed with a key that has since been replaced (rotated)',
    };
  const expiresAt = Number(expires);
  const expected = Buffer.from(signatureOf(token, decision, expiresAt, kid, key, rollback), 'hex');
  const given = Buffer.from(sig, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { valid: false, reason: 'tampered', message: 'the signature does not match the link parameters' };
  if (Math.floor(now.getTime() / 1000) > expiresAt)
    return {
      valid: false,
      reason: 'expired',
      message: `the link expired at ${new Date(expiresAt * 1000).toISOString()}`,
    };
  return {
    valid: true,
    taskToken: Buffer.from(token, 'base64url').toString('utf8'),
    decision,
    expiresAt,
    ...(rollback === undefined ? {} : { rollbackOf: rollback }),
  };
}

/** Key of the once-only marker of a task token in the state table: `approval#<sha256 hex of the token>`. */
function approvalMarkerKey(taskToken: string): string {
  return `${KEY_PREFIX.approval}${createHash('sha256').update(taskToken, 'utf8').digest('hex')}`;
}

export type { ApprovalDecision, ApprovalLinkQuery, ApprovalLinkVerdict, SignApprovalLinkInput };
export {
  ApprovalDecisionSchema,
  ApprovalLinkQuerySchema,
  approvalKeyId,
  approvalMarkerKey,
  signApprovalLink,
  verifyApprovalLink,
};
