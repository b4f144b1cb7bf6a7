import { IngestedEventSchema } from '@aisaws/core/schemas';
import { bucketMadePublicByAcl, eventBridgeEvent, trailLoggingStopped } from '@aisaws/testing/fixtures';
import {
  type RunningDynalite,
  type RunningIngestStorage,
  type RunningS3rver,
  startIngestStorage,
} from '@aisaws/testing/harness';
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createIngestHandler, type IngestDeps, InvalidEventError } from '../src/index.js';

// Real dynalite + s3rver, shared by the file: the ingest's writes land in real (local) storage.
const BUCKET = 'aisaws-it-archive';
const TABLE = 'aisaws-it-events';
let storage: RunningIngestStorage;
let dynamo: RunningDynalite;
let s3: RunningS3rver;
let deps: IngestDeps;
let tick = 0;

beforeAll(async () => {
  storage = await startIngestStorage({ archiveBucket: BUCKET, tables: { events: TABLE } });
  ({ dynamo, s3 } = storage);
  deps = {
    ...storage.ingestStorage,
    ttlDays: 7,
    // Each delivery happens one second later, so a duplicate would show a different receivedAt.
    clock: { now: () => new Date(Date.UTC(2026, 10, 25, 8, 0, tick++)) },
  };
});

afterAll(async () => {
  await storage?.stop();
});

async function itemsFor(eventId: string): Promise<number> {
  const { Items } = await dynamo.client.send(new ScanCommand({ TableName: TABLE }));
  return (Items ?? []).filter((item) => item.eventId?.S === eventId).length;
}

describe('ingest against dynalite + s3rver', () => {
  it('writes the raw object into s3rver and the RECEIVED item into dynalite', async () => {
    // Prepare
    const record = bucketMadePublicByAcl('it-reports', { eventTime: '2026-11-24T10:15:30Z' });
    const event = eventBridgeEvent(record);
    // Act
    const output = await createIngestHandler(deps)(event);
    // Assess
    const key = `raw/${event.account}/${event.region}/2026/11/24/${record.eventID}.json`;
    expect(output.archive).toEqual({ bucket: BUCKET, key });
    expect(await s3.readJson(BUCKET, key)).toEqual(event);
    const { Item } = await dynamo.client.send(
      new GetItemCommand({ TableName: TABLE, Key: { eventId: { S: record.eventID } } }),
    );
    expect(Item?.status?.S).toBe('RECEIVED');
    expect(Item?.timeline?.M?.received?.S).toBe(output.receivedAt);
    expect(Number(Item?.expiresAt?.N)).toBe(Date.parse(output.receivedAt) / 1000 + 7 * 86_400);
    expect(Item?.detections?.L?.[0]?.M?.id?.S).toBe('s3.bucket-acl-public');
    expect(IngestedEventSchema.safeParse(output).success).toBe(true);
  });

  it('given the same EventBridge event three times, keeps one item, one object and returns the same output', async () => {
    // Prepare
    const record = trailLoggingStopped('org-trail');
    const event = eventBridgeEvent(record);
    const handler = createIngestHandler(deps);
    // Act
    const outputs = [];
    for (let delivery = 0; delivery < 3; delivery += 1) outputs.push(await handler(structuredClone(event)));
    // Assess
    expect(outputs[1]).toEqual(outputs[0]);
    expect(outputs[2]).toEqual(outputs[0]);
    expect(await itemsFor(record.eventID)).toBe(1);
    const objects = (await s3.listKeys(BUCKET, 'raw/')).filter((key) =>
      key.endsWith(`/${record.eventID}.json`),
    );
    expect(objects).toHaveLength(1);
  });

  it('quarantines malformed input with its reason in s3rver and throws InvalidEventError', async () => {
    // Prepare
    const malformed = { ...eventBridgeEvent(trailLoggingStopped()), detail: { eventName: 'StopLogging' } };
    const before = await s3.listKeys(BUCKET, 'quarantine/');
    // Act
    const error = await createIngestHandler(deps)(malformed).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(InvalidEventError);
    const created = (await s3.listKeys(BUCKET, 'quarantine/')).filter((key) => !before.includes(key));
    expect(created).toHaveLength(1);
    const quarantined = (await s3.readJson(BUCKET, created[0] ?? '')) as Record<string, unknown>;
    expect(quarantined.reason).toMatch(/detail\.eventSource/);
    expect(quarantined.reason).toMatch(/detail\.eventID/);
    expect(quarantined.input).toEqual(malformed);
    expect((error as InvalidEventError).quarantinedAt).toBe(`s3://${BUCKET}/${created[0]}`);
  });
});
