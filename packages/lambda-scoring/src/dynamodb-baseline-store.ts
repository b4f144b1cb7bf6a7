import type { BaselineObservation, BaselineSnapshot, BaselineStore, Clock } from '@aisaws/core/ports';
import { expiresAtSeconds, KEY_PREFIX } from '@aisaws/core/storage';
import { createDocumentClient, isConditionalCheckFailed } from '@aisaws/lambda-runtime/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

interface DynamoDbBaselineStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly clock: Clock;
  /** Sliding window of recentCalls/recentDenied; default 5 minutes. */
  readonly windowMs?: number;
  /** Width of one window counter item; default 1 minute (the window is summed from these buckets). */
  readonly bucketMs?: number;
  /** Days a first-seen API/IP/region is kept after it was last seen; default 90. */
  readonly ttlDays?: number;
  /** Days an `event#<eventId>` answer is kept for redeliveries; default 7. */
  readonly eventTtlDays?: number;
}

const FIRST_SEEN_KINDS = ['api', 'ip', 'region'] as const;
type FirstSeenKind = (typeof FIRST_SEEN_KINDS)[number];

const isSnapshot = (value: unknown): value is BaselineSnapshot => {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.principalSeenBefore === 'boolean' &&
    typeof v.apiSeenBefore === 'boolean' &&
    typeof v.ipSeenBefore === 'boolean' &&
    typeof v.regionSeenBefore === 'boolean' &&
    typeof v.recentCalls === 'number' &&
    typeof v.recentDenied === 'number'
  );
};

const snapshotOf = (value: BaselineSnapshot): BaselineSnapshot => ({
  principalSeenBefore: value.principalSeenBefore,
  apiSeenBefore: value.apiSeenBefore,
  ipSeenBefore: value.ipSeenBefore,
  regionSeenBefore: value.regionSeenBefore,
  recentCalls: value.recentCalls,
  recentDenied: value.recentDenied,
});

/**
 * The behaviour baseline in the DynamoDB `baseline` table (pk `principal#<key>`):
 * - `api#<eventSource:eventName>`, `ip#<address>`, `region#<name>`: first-seen items (firstSeen, lastSeen, TTL);
 * - `window#<bucket start ms>`: counters `calls`/`denied` per time bucket (event time); the window sums buckets;
 * - `event#<eventId>`: the snapshot answered for that event. It is written (conditionally) BEFORE the counters and
 *   first-seen items, so a redelivery answers the same snapshot and is counted once. If the Lambda dies between the
 *   claim and the counter updates, the event is under-counted rather than counted twice.
 * Semantics follow core's InMemoryBaselineStore: "seen before" means recorded before this observation; a missing
 * IP or region counts as seen; the window is by event time, with bucket granularity.
 */
class DynamoDbBaselineStore implements BaselineStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly clock: Clock;
  private readonly windowMs: number;
  private readonly bucketMs: number;
  private readonly ttlDays: number;
  private readonly eventTtlDays: number;

  constructor(options: DynamoDbBaselineStoreOptions) {
    this.documents = createDocumentClient(options.client);
    this.tableName = options.tableName;
    this.clock = options.clock;
    this.windowMs = options.windowMs ?? 5 * 60_000;
    this.bucketMs = options.bucketMs ?? 60_000;
    this.ttlDays = options.ttlDays ?? 90;
    this.eventTtlDays = options.eventTtlDays ?? 7;
    if (!(this.windowMs > 0)) throw new RangeError('DynamoDbBaselineStore: windowMs must be > 0');
    if (!(this.bucketMs > 0 && this.bucketMs <= this.windowMs))
      throw new RangeError('DynamoDbBaselineStore: bucketMs must be > 0 and ≤ windowMs');
  }

  async observe(observation: BaselineObservation): Promise<BaselineSnapshot> {
    const pk = `${KEY_PREFIX.principal}${observation.principal}`;
    const eventKey = { pk, sk: `${KEY_PREFIX.event}${observation.eventId}` };

    const remembered = await this.rememberedSnapshot(eventKey);
    if (remembered) return remembered;

    const snapshot = await this.readSnapshot(pk, observation);
    const claimed = await this.claim(eventKey, snapshot);
    if (!claimed) return (await this.rememberedSnapshot(eventKey)) ?? snapshot;
    await this.record(pk, observation);
    return snapshot;
  }

  private async rememberedSnapshot(key: { pk: string; sk: string }): Promise<BaselineSnapshot | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return isSnapshot(Item?.snapshot) ? snapshotOf(Item.snapshot) : undefined;
  }

  private firstSeenValue(kind: FirstSeenKind, observation: BaselineObservation): string | undefined {
    if (kind === 'api') return observation.api;
    if (kind === 'ip') return observation.sourceIp;
    return observation.region;
  }

  private bucketStarts(at: number): number[] {
    const first = Math.floor((at - this.windowMs) / this.bucketMs) * this.bucketMs;
    const starts: number[] = [];
    for (let start = first; start <= at; start += this.bucketMs) starts.push(start);
    return starts;
  }

  private async readSnapshot(pk: string, observation: BaselineObservation): Promise<BaselineSnapshot> {
    const { Items: any } = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: 'sk',
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    if (!any || any.length === 0)
      return {
        principalSeenBefore: false,
        apiSeenBefore: false,
        ipSeenBefore: false,
        regionSeenBefore: false,
        recentCalls: 0,
        recentDenied: 0,
      };

    const keys: { pk: string; sk: string }[] = [];
    for (const kind of FIRST_SEEN_KINDS) {
      const value = this.firstSeenValue(kind, observation);
      if (value !== undefined) keys.push({ pk, sk: `${KEY_PREFIX[kind]}${value}` });
    }
    const finiteAt = Number.isFinite(observation.at);
    if (finiteAt)
      for (const start of this.bucketStarts(observation.at))
        keys.push({ pk, sk: `${KEY_PREFIX.window}${start}` });

    const found = await this.batchGet(keys);
    const has = (kind: FirstSeenKind): boolean => {
      const value = this.firstSeenValue(kind, observation);
      return value === undefined || found.has(`${KEY_PREFIX[kind]}${value}`);
    };
    let recentCalls = 0;
    let recentDenied = 0;
    for (const [sk, item] of found) {
      if (!sk.startsWith(KEY_PREFIX.window)) continue;
      recentCalls += typeof item.calls === 'number' ? item.calls : 0;
      recentDenied += typeof item.denied === 'number' ? item.denied : 0;
    }
    return {
      principalSeenBefore: true,
      apiSeenBefore: has('api'),
      ipSeenBefore: has('ip'),
      regionSeenBefore: has('region'),
      recentCalls,
      recentDenied,
    };
  }

  /** BatchGet (≤ 100 keys here), retrying unprocessed keys; returns items by sort key. */
  private async batchGet(keys: { pk: string; sk: string }[]): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    let pending: Record<string, unknown>[] = keys;
    for (let attempt = 0; pending.length > 0 && attempt < 5; attempt += 1) {
      const response = await this.documents.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of response.Responses?.[this.tableName] ?? [])
        if (typeof item.sk === 'string') found.set(item.sk, item);
      pending = response.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
    }
    if (pending.length > 0) throw new Error(`baseline BatchGet left ${pending.length} keys unprocessed`);
    return found;
  }

  /** Writes `event#<eventId>` once; false when another delivery of the same event claimed it first. */
  private async claim(key: { pk: string; sk: string }, snapshot: BaselineSnapshot): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, snapshot, expiresAt: expiresAtSeconds(this.clock.now(), this.eventTtlDays) },
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  private async record(pk: string, observation: BaselineObservation): Promise<void> {
    const now = this.clock.now();
    const expiresAt = expiresAtSeconds(now, this.ttlDays);
    const writes: Promise<unknown>[] = [];
    for (const kind of FIRST_SEEN_KINDS) {
      const value = this.firstSeenValue(kind, observation);
      if (value === undefined) continue;
      writes.push(
        this.documents.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk, sk: `${KEY_PREFIX[kind]}${value}` },
            UpdateExpression: 'SET #first = if_not_exists(#first, :at), #last = :at, #expires = :exp',
            ExpressionAttributeNames: { '#first': 'firstSeen', '#last': 'lastSeen', '#expires': 'expiresAt' },
            ExpressionAttributeValues: { ':at': observation.at, ':exp': expiresAt },
          }),
        ),
      );
    }
    if (Number.isFinite(observation.at)) {
      const start = Math.floor(observation.at / this.bucketMs) * this.bucketMs;
      const bucketExpiry = Math.ceil((start + this.bucketMs + this.windowMs) / 1000) + 3600;
      writes.push(
        this.documents.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk, sk: `${KEY_PREFIX.window}${start}` },
            UpdateExpression: 'ADD #calls :one, #denied :denied SET #expires = :exp',
            ExpressionAttributeNames: { '#calls': 'calls', '#denied': 'denied', '#expires': 'expiresAt' },
            ExpressionAttributeValues: {
              ':one': 1,
              ':denied': observation.denied ? 1 : 0,
              ':exp': Math.max(bucketExpiry, Math.floor(now.getTime() / 1000) + 3600),
            },
          }),
        ),
      );
    }
    await Promise.all(writes);
  }
}

export type { DynamoDbBaselineStoreOptions };
export { DynamoDbBaselineStore };
