import { type BaselineObservation, InMemoryBaselineStore } from '@aisaws/core/ports';
import { createTables, type RunningDynalite, startDynalite } from '@aisaws/testing/harness';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDbBaselineStore } from '../src/index.js';

const TABLE = 'aisaws-it-baseline';
const T0 = Date.UTC(2026, 10, 25, 8, 0, 0);
let dynamo: RunningDynalite;
let principalCounter = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
  await createTables(dynamo.client, { baseline: TABLE });
});

afterAll(async () => {
  await dynamo?.stop();
});

const store = () =>
  new DynamoDbBaselineStore({ client: dynamo.client, tableName: TABLE, clock: { now: () => new Date(T0) } });

/** Observations of one principal, unique to the calling test so tests never share state. */
function principalStream() {
  const principal = `arn:aws:iam::111122223333:user/it-${principalCounter++}`;
  let n = 0;
  return (overrides: Partial<BaselineObservation> = {}): BaselineObservation => ({
    eventId: `${principal}-e${n++}`,
    principal,
    api: 'ec2.amazonaws.com:DescribeInstances',
    sourceIp: '203.0.113.10',
    region: 'eu-west-1',
    at: T0 + n * 1000,
    denied: false,
    ...overrides,
  });
}

describe('DynamoDbBaselineStore against dynalite', () => {
  it('answers "nothing known" for a principal it has never seen', async () => {
    // Act
    const snapshot = await store().observe(principalStream()());
    // Assess
    expect(snapshot).toEqual({
      principalSeenBefore: false,
      apiSeenBefore: false,
      ipSeenBefore: false,
      regionSeenBefore: false,
      recentCalls: 0,
      recentDenied: 0,
    });
  });

  it('remembers APIs, IPs, regions and counts recent and denied calls', async () => {
    // Prepare
    const next = principalStream();
    const baseline = store();
    await baseline.observe(next());
    await baseline.observe(next({ denied: true, api: 'iam.amazonaws.com:ListUsers' }));
    // Act
    const snapshot = await baseline.observe(
      next({ api: 's3.amazonaws.com:PutBucketAcl', sourceIp: '198.51.100.7', region: 'eu-west-1' }),
    );
    // Assess
    expect(snapshot).toEqual({
      principalSeenBefore: true,
      apiSeenBefore: false,
      ipSeenBefore: false,
      regionSeenBefore: true,
      recentCalls: 2,
      recentDenied: 1,
    });
  });

  it('is idempotent per eventId: a redelivery answers the first snapshot and is counted once', async () => {
    // Prepare
    const next = principalStream();
    const baseline = store();
    await baseline.observe(next());
    const second = next({ api: 'iam.amazonaws.com:CreateUser' });
    const firstAnswer = await baseline.observe(second);
    // Act: the same event delivered twice more, then a new event
    const redelivered = [await baseline.observe(second), await baseline.observe({ ...second })];
    const after = await baseline.observe(next());
    // Assess
    expect(redelivered).toEqual([firstAnswer, firstAnswer]);
    expect(firstAnswer.apiSeenBefore).toBe(false);
    expect(after.recentCalls).toBe(2);
  });

  it('keeps the redelivery answer across store instances (a new Lambda container)', async () => {
    // Prepare
    const observation = principalStream()();
    const first = await store().observe(observation);
    // Act
    const again = await store().observe(observation);
    // Assess
    expect(again).toEqual(first);
    const { Items } = await dynamo.client.send(new ScanCommand({ TableName: TABLE }));
    const eventItems = (Items ?? []).filter((item) => item.sk?.S === `event#${observation.eventId}`);
    expect(eventItems).toHaveLength(1);
  });

  it('forgets calls older than the window', async () => {
    // Prepare
    const next = principalStream();
    const baseline = store();
    await baseline.observe(next({ at: T0 }));
    // Act
    const later = await baseline.observe(next({ at: T0 + 10 * 60_000 }));
    // Assess
    expect(later.principalSeenBefore).toBe(true);
    expect(later.recentCalls).toBe(0);
  });

  it('agrees with core InMemoryBaselineStore on an in-order stream inside one window', async () => {
    // Prepare
    const next = principalStream();
    const stream: BaselineObservation[] = [
      next(),
      next({ api: 'iam.amazonaws.com:ListRoles', denied: true }),
      next({ sourceIp: '198.51.100.9' }),
      next({ region: 'us-east-1', api: 'ec2.amazonaws.com:RunInstances' }),
      next({ sourceIp: undefined, region: undefined }),
    ];
    const reference = new InMemoryBaselineStore();
    const baseline = store();
    // Act
    const expected = [];
    const actual = [];
    for (const observation of stream) {
      expected.push(await reference.observe(observation));
      actual.push(await baseline.observe(observation));
    }
    // Assess
    expect(actual).toEqual(expected);
  });
});
