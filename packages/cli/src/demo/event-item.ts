import { EventStatusSchema, SnapshotSchema } from '@aisaws/core/schemas';
import { type DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod';
import { NotDoneError } from '../errors.js';

/**
 * Reads the `events` items the stages and the workflow's Record states wrote (the system of record for status and
 * rollback). Parsed leniently: stages add fields over time; the ones read here are checked.
 */

const EventItemSchema = z.looseObject({
  eventId: z.string(),
  status: EventStatusSchema,
  summary: z
    .looseObject({
      eventName: z.string(),
      eventSource: z.string().optional(),
      eventTime: z.string().optional(),
    })
    .optional(),
  /** stage → ISO time */
  timeline: z.record(z.string(), z.string()).default({}),
  risk: z.looseObject({ score: z.number() }).optional(),
  decision: z.looseObject({ action: z.string(), reason: z.string().optional() }).optional(),
  snapshot: z.optional(SnapshotSchema),
  alert: z.looseObject({ subject: z.string().optional(), kind: z.string().optional() }).optional(),
});

type EventItem = z.infer<typeof EventItemSchema>;

/** An events item is not what the stages write. */
class EventItemError extends NotDoneError {
  override readonly name = 'EventItemError';
}

function parseEventItem(raw: Record<string, unknown>): EventItem {
  const parsed = EventItemSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EventItemError(
      `events item ${String(raw.eventId)}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

async function readEventItem(
  client: DynamoDBClient,
  table: string,
  eventId: string,
): Promise<EventItem | undefined> {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: table, Key: { eventId: { S: eventId } }, ConsistentRead: true }),
  );
  return Item ? parseEventItem(unmarshall(Item)) : undefined;
}

/** Every events item, oldest first by the time it was received. */
async function listEventItems(client: DynamoDBClient, table: string): Promise<EventItem[]> {
  const items: EventItem[] = [];
  let startKey: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) items.push(parseEventItem(unmarshall(item)));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const receivedAt = (item: EventItem) => item.timeline.received ?? '';
  return items.sort((a, b) => receivedAt(a).localeCompare(receivedAt(b)));
}

/** The timeline as ordered steps with the time since the first one. */
function timelineSteps(item: EventItem): { stage: string; at: string; sinceStartMs: number }[] {
  const entries = Object.entries(item.timeline).sort(([, a], [, b]) => a.localeCompare(b));
  const start = entries[0] ? Date.parse(entries[0][1]) : 0;
  return entries.map(([stage, at]) => ({ stage, at, sinceStartMs: Date.parse(at) - start }));
}

export type { EventItem };
export { EventItemError, EventItemSchema, listEventItems, parseEventItem, readEventItem, timelineSteps };
