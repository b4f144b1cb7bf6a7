import { IngestedEventSchema } from '@aisaws/core/schemas';
import { instanceCredentialExfiltration, instanceCryptoMining } from '@aisaws/testing/fixtures';
import {
  type RunningDynalite,
  type RunningIngestStorage,
  type RunningS3rver,
  startIngestStorage,
} from '@aisaws/testing/harness';
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createIngestHandler, type IngestDeps, InvalidEventError } from '../src/index.js';

// Real dynalite + s3rver: a finding is archived, recorded and keyed like a CloudTrail event, or quarantined.
const BUCKET = 'aisaws-it-findings';
const TABLE = 'aisaws-it-finding-events';
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
    clock: { now: () => new Date(Date.UTC(2026, 10, 25, 9, 0, tick++)) },
  };
});

afterAll(async () => {
  await storage?.stop();
});

async function quarantinedAfter(action: () => Promise<unknown>) {
  const before = await s3.listKeys(BUCKET, 'quarantine/');
  const error = await action().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  const created = (await s3.listKeys(BUCKET, 'quarantine/')).filter((key) => !before.includes(key));
  return { error, created };
}

describe('ingest of GuardDuty findings against dynalite + s3rver', () => {
  it('archives and records a finding under finding id + updatedAt, once for three deliveries', async () => {
    // Prepare
    const event = instanceCredentialExfiltration('web-app-instance-role', {
      id: 'f0000000000000000000000000000001',
    });
    const ingest = createIngestHandler(deps);
    // Act
    const outputs = [await ingest(event), await ingest(event), await ingest(event)];
    // Assess
    const eventId = 'finding:f0000000000000000000000000000001@2026-11-24T10:20:00.000Z';
    expect(outputs.map((output) => output.eventId)).toEqual([eventId, eventId, eventId]);
    expect(outputs[1]).toEqual(outputs[0]);
    expect(IngestedEventSchema.parse(outputs[0])).toEqual(outputs[0]);
    expect(outputs[0]?.detections.map((hit) => hit.id)).toEqual(['finding.role-credentials-compromised']);
    const key = `raw/${event.account}/${event.region}/2026/11/24/finding_f0000000000000000000000000000001_2026-11-24T10_20_00.000Z.json`;
    expect(outputs[0]?.archive?.key).toBe(key);
    expect(await s3.readJson(BUCKET, key)).toEqual(event);
    const { Items } = await dynamo.client.send(new ScanCommand({ TableName: TABLE }));
    expect((Items ?? []).filter((item) => item.eventId?.S === eventId)).toHaveLength(1);
    const { Item } = await dynamo.client.send(
      new GetItemCommand({ TableName: TABLE, Key: { eventId: { S: eventId } } }),
    );
    expect(Item?.status?.S).toBe('RECEIVED');
    expect(Item?.finding?.M?.type?.S).toBe(
      'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
    );
  });

  it('treats a later update of the finding (new updatedAt) as a new event', async () => {
    const first = instanceCryptoMining('i-0abcd1234ef567890', ['sg-0a1b2c3d'], {
      id: 'f0000000000000000000000000000002',
    });
    const update = instanceCryptoMining('i-0abcd1234ef567890', ['sg-0a1b2c3d'], {
      id: 'f0000000000000000000000000000002',
      updatedAt: '2026-11-24T10:50:00.000Z',
    });
    const ingest = createIngestHandler(deps);
    const [a, b] = [await ingest(first), await ingest(update)];
    expect(a.eventId).not.toBe(b.eventId);
  });

  it('records a sample finding with no detection: nothing will be acted on', async () => {
    const output = await createIngestHandler(deps)(
      instanceCryptoMining('i-0abcd1234ef567890', [], {
        id: 'f0000000000000000000000000000003',
        sample: true,
      }),
    );
    expect(output.detections).toEqual([]);
    expect(output.finding?.ignoredBecause).toMatch(/sample finding/);
  });

  it.each([
    [
      'missing resource',
      (event: Record<string, unknown>) => {
        delete (event.detail as Record<string, unknown>).resource;
      },
      /^not a GuardDuty Finding event AISAWS can read: detail\.resource: /,
    ],
    [
      'unknown resource kind',
      (event: Record<string, unknown>) => {
        (event.detail as Record<string, unknown>).resource = { resourceType: 'Mainframe' };
      },
      /detail\.resource\.resourceType: "Mainframe" is not a resource kind AISAWS reads/,
    ],
    [
      'huge array',
      (event: Record<string, unknown>) => {
        const resource = (event.detail as { resource: { instanceDetails: Record<string, unknown> } })
          .resource;
        resource.instanceDetails.networkInterfaces = Array.from({ length: 50_000 }, () => ({}));
      },
      /detail\.resource\.instanceDetails\.networkInterfaces: Too big/i,
    ],
  ])(
    'quarantines a hostile finding (%s) with a clear reason, and records nothing',
    async (_name, spoil, reason) => {
      // Prepare
      const event = instanceCryptoMining('i-0abcd1234ef567890', ['sg-0a1b2c3d'], {
        id: `f00000000000000000000000000000${String(tick).padStart(2, '0')}`,
      }) as unknown as Record<string, unknown>;
      spoil(event);
      const itemsBefore = (await dynamo.client.send(new ScanCommand({ TableName: TABLE }))).Count;
      // Act
      const { error, created } = await quarantinedAfter(() => createIngestHandler(deps)(event));
      // Assess
      expect(error).toBeInstanceOf(InvalidEventError);
      expect((error as InvalidEventError).reason).toMatch(reason);
      expect(created).toHaveLength(1);
      const kept = (await s3.readJson(BUCKET, created[0] ?? '')) as { reason: string; input: unknown };
      expect(kept.reason).toMatch(reason);
      expect(kept.input).toEqual(event);
      expect((await dynamo.client.send(new ScanCommand({ TableName: TABLE }))).Count).toBe(itemsBefore);
    },
  );
});
