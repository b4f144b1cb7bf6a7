import type { ResourceRef } from '@aisaws/core/schemas';
import { KEY_PREFIX } from '@aisaws/core/storage';
import { isConditionalCheckFailed } from '@aisaws/lambda-runtime/dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';

/**
 * One fix per resource + playbook for one change. A GuardDuty finding, a Security Hub finding and the CloudTrail
 * call behind the same change arrive as different events (different eventIds), each decided on its own; the first
 * to claim `fix#<playbook>#<account>#<type>#<id>` in the state table leads to the fix, the others are logged only.
 *
 * A finding reports a change that already happened, so a finding never claims a fix someone claimed within the
 * window. A CloudTrail call IS a change: it is a duplicate only when a finding holds the claim and the call happened
 * before that claim (it is the change the finding reported); a call after the claim, or after another call's claim,
 * is a new change (the attacker did it again) and is fixed again.
 *
 * Region is left out on purpose: a bucket name, an instance id or a role name is unique in its account, while the
 * region a finding and a CloudTrail record report for it can differ (S3, IAM).
 */

const fixClaimKey = (resource: ResourceRef, playbook: string): string =>
  `${KEY_PREFIX.fixClaim}${playbook}#${resource.account}#${resource.type}#${resource.id}`;

type FixClaim =
  | { readonly claimed: true }
  | { readonly claimed: false; readonly byEventId: string; readonly claimedAt: string };

/**
 * Conditional put: succeeds when nobody holds the claim, the holder's claim is older than the window, or the holder
 * is this event (a retried Decide). Otherwise reads back who holds it.
 */
interface FixClaimant {
  readonly eventId: string;
  /** `finding` for a GuardDuty / Security Hub finding, `cloudtrail` for an API call. */
  readonly kind: 'finding' | 'cloudtrail';
  /** When the change happened (CloudTrail eventTime); only read for a CloudTrail call. */
  readonly changedAtMs: number;
}

async function claimFix(
  key: string,
  claimant: FixClaimant,
  now: Date,
  windowMinutes: number,
  table: string,
  documents: DynamoDBDocumentClient,
): Promise<FixClaim> {
  const windowMs = windowMinutes * 60_000;
  const free = 'attribute_not_exists(pk) OR claimedAtMs < :cutoff OR eventId = :eventId';
  const newChange = 'kind <> :finding OR claimedAtMs < :changedAtMs';
  try {
    await documents.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: key,
          eventId: claimant.eventId,
          kind: claimant.kind,
          claimedAt: now.toISOString(),
          claimedAtMs: now.getTime(),
          expiresAt: Math.ceil((now.getTime() + windowMs) / 1000) + 86_400,
        },
        ConditionExpression: claimant.kind === 'finding' ? free : `${free} OR ${newChange}`,
        ExpressionAttributeValues: {
          ':cutoff': now.getTime() - windowMs,
          ':eventId': claimant.eventId,
          ...(claimant.kind === 'finding'
            ? {}
            : { ':finding': 'finding', ':changedAtMs': claimant.changedAtMs }),
        },
      }),
    );
    return { claimed: true };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const { Item } = await documents.send(
      new GetCommand({ TableName: table, Key: { pk: key }, ConsistentRead: true }),
    );
    return {
      claimed: false,
      byEventId: typeof Item?.eventId === 'string' ? Item.eventId : 'unknown',
      claimedAt: typeof Item?.claimedAt === 'string' ? Item.claimedAt : 'unknown',
    };
  }
}

export type { FixClaim, FixClaimant };
export { claimFix, fixClaimKey };
