import {
  CancelKeyDeletionCommand,
  DescribeKeyCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import * as z from 'zod';
import { definePlaybookImplementation } from '../define.js';
import { firstDefined, resourceRefSchema } from '../shared.js';
import type { PlaybookContext } from '../types.js';

const DAY_MS = 86_400_000;
/** ScheduleKeyDeletion accepts a pending window of 7 to 30 days. */
const MIN_WINDOW_DAYS = 7;
const MAX_WINDOW_DAYS = 30;

/** Key: details.keyId, else the ResourceRef ARN, else its id (key id, key ARN or alias all work with DescribeKey). */
const KeyTargetSchema = resourceRefSchema(
  ['AWS::KMS::Key'],
  z.object({ keyId: z.string().min(1).optional() }),
).transform((ref) => ({
  keyId: firstDefined(ref.details.keyId, ref.arn) ?? ref.id,
  region: ref.region,
}));
type KeyTarget = z.infer<typeof KeyTargetSchema>;

const KeyStateSchema = z.object({
  keyId: z.string(),
  keyState: z.string(),
  deletionDate: z.string().nullable(),
  pendingDeletionWindowInDays: z.number().int().nullable(),
});
type KeyState = z.infer<typeof KeyStateSchema>;

const kms = (target: KeyTarget, ctx: PlaybookContext) => ctx.clients(KMSClient, target.region);

async function readKey(target: KeyTarget, ctx: PlaybookContext): Promise<KeyState> {
  const metadata = (await kms(target, ctx).send(new DescribeKeyCommand({ KeyId: target.keyId }))).KeyMetadata;
  return {
    keyId: metadata?.KeyId ?? target.keyId,
    keyState: metadata?.KeyState ?? 'Unknown',
    deletionDate: metadata?.DeletionDate ? new Date(metadata.DeletionDate).toISOString() : null,
    pendingDeletionWindowInDays: metadata?.PendingDeletionWindowInDays ?? null,
  };
}

/**
 * The pending window that puts the deletion back where it was: the days left until the snapshot's deletion date
 * (rounded up, kept within 7–30), else the window KMS reported, else the 30-day default.
 */
function windowFor(state: KeyState, now: Date): number {
  if (state.deletionDate !== null) {
    const daysLeft = Math.ceil((Date.parse(state.deletionDate) - now.getTime()) / DAY_MS);
    return Math.min(MAX_WINDOW_DAYS, Math.max(MIN_WINDOW_DAYS, daysLeft));
  }
  return state.pendingDeletionWindowInDays ?? MAX_WINDOW_DAYS;
}

const cancelKeyDeletion = definePlaybookImplementation({
  id: 'kms.cancel-key-deletion',
  permissions: ['kms:CancelKeyDeletion', 'kms:DescribeKey'],
  rollbackPermissions: ['kms:DescribeKey', 'kms:ScheduleKeyDeletion'],
  target: KeyTargetSchema,
  state: KeyStateSchema,
  snapshot: readKey,
  async apply(target, _state, ctx) {
    const key = await readKey(target, ctx);
    if (key.keyState !== 'PendingDeletion') return { status: 'already-compliant', changes: [] };
    await kms(target, ctx).send(new CancelKeyDeletionCommand({ KeyId: key.keyId }));
    return {
      status: 'applied',
      changes: [
        `CancelKeyDeletion ${key.keyId}: deletion on ${key.deletionDate} cancelled (the key stays Disabled)`,
      ],
    };
  },
  async verify(target, ctx) {
    const key = await readKey(target, ctx);
    const converged = key.keyState !== 'PendingDeletion' && key.keyState !== 'PendingReplicaDeletion';
    return {
      converged,
      observed: { ...key },
      details: converged
        ? `Key ${key.keyId} is no longer pending deletion (state ${key.keyState}).`
        : `Key ${key.keyId} is still ${key.keyState}.`,
    };
  },
  async rollback(target, state, ctx) {
    if (state.keyState !== 'PendingDeletion') return { changes: [] };
    const current = await readKey(target, ctx);
    if (current.keyState === 'PendingDeletion') return { changes: [] };
    const days = windowFor(state, ctx.now());
    await kms(target, ctx).send(
      new ScheduleKeyDeletionCommand({ KeyId: state.keyId, PendingWindowInDays: days }),
    );
    return { changes: [`ScheduleKeyDeletion ${state.keyId}: pending window ${days} days`] };
  },
});

export { cancelKeyDeletion };
