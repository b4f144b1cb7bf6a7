import { KEY_PREFIX } from '@aisaws/core/storage';
import { isConditionalCheckFailed } from '@aisaws/lambda-runtime/dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';

/** A fixed rate-limit window: `[start, start + minutes)`, aligned on the epoch. */
interface RateLimitWindow {
  readonly key: string;
  readonly startMs: number;
  readonly endMs: number;
}

function rateLimitWindow(now: Date, windowMinutes: number): RateLimitWindow {
  const width = windowMinutes * 60_000;
  const startMs = Math.floor(now.getTime() / width) * width;
  return {
    key: `${KEY_PREFIX.rateLimit}${new Date(startMs).toISOString()}`,
    startMs,
    endMs: startMs + width,
  };
}

/** The loop breaker's window for one resource: `fixes#<arn>#<window start>`. */
function resourceFixesWindow(arn: string, now: Date, windowMinutes: number): RateLimitWindow {
  const window = rateLimitWindow(now, windowMinutes);
  return { ...window, key: `${KEY_PREFIX.resourceFixes}${arn}#${new Date(window.startMs).toISOString()}` };
}

/**
 * Takes one slot of the window atomically: ADD 1 only while the count is below `max`. False when the window is
 * full (another decision took the last slot first): the caller falls back to approval.
 */
async function tryConsumeSlot(
  window: RateLimitWindow,
  max: number,
  table: string,
  documents: DynamoDBDocumentClient,
): Promise<boolean> {
  try {
    await documents.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: window.key },
        UpdateExpression: 'ADD #count :one SET expiresAt = :expiresAt',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':max': max,
          ':expiresAt': Math.ceil(window.endMs / 1000) + 86_400,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

export type { RateLimitWindow };
export { rateLimitWindow, resourceFixesWindow, tryConsumeSlot };
