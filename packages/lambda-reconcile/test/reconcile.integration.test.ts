/**
 * The reconcile job against real emulators: SQS queues in fauxqs (an SQS/SNS emulator, in-process), the state and
 * events tables in dynalite, the archive bucket in s3rver, and the real Ingest handler as what triage runs first.
 * StartExecution itself has no emulator here: `triage.start` runs the Ingest handler on the input, the first state of
 * the triage workflow (infra/test/workflow/reconcile.test.ts replays through the whole real triage ASL). Invoke of
 * the Findings Lambda has no emulator either: `findings.publish` runs the real Findings handler over the SIMULATED
 * Security Hub of @aisaws/simulated-account.
 */
import { alertKeyOf } from '@aisaws/core/schemas';
import { createFindingsHandler } from '@aisaws/lambda-findings';
import { createIngestHandler } from '@aisaws/lambda-ingest';
import { SimulatedSecurityHub } from '@aisaws/simulated-account';
import { bucketMadePublicByAcl, eventBridgeEvent } from '@aisaws/testing/fixtures';
import {
  LOCAL_EMULATOR_REGION,
  localEmulatorCredentials,
  type RunningDynalite,
  type RunningIngestStorage,
  type RunningS3rver,
  startIngestStorage,
  tableNamesWithPrefix,
} from '@aisaws/testing/harness';
import { publicBucketDecidedEvent } from '@aisaws/testing/workflow';
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import type { ReconcileSource } from '../src/plan.js';
import {
  type FindingsPublisher,
  type ReconcileDeps,
  reconcile,
  type TriageStarter,
} from '../src/reconcile.js';

const TRIAGE = 'arn:aws:states:us-east-1:111111111111:stateMachine:aisaws-it-triage';
const TOPIC = 'arn:aws:sns:us-east-1:111111111111:aisaws-it-alerts';

let fauxqs: FauxqsServer;
let storage: RunningIngestStorage;
let dynalite: RunningDynalite;
let s3rver: RunningS3rver;
let sqs: SQSClient;
const tables = tableNamesWithPrefix('reconcile-it');
const archiveBucket = 'aisaws-reconcile-it-archive';
let queueCounter = 0;

beforeAll(async () => {
  fauxqs = await startFauxqs({ port: 0, logger: false });
  storage = await startIngestStorage({ archiveBucket, tables });
  ({ dynamo: dynalite, s3: s3rver } = storage);
  sqs = new SQSClient({
    endpoint: fauxqs.address,
    region: LOCAL_EMULATOR_REGION,
    credentials: localEmulatorCredentials(),
  });
}, 30_000);

afterAll(async () => {
  sqs.destroy();
  await fauxqs.stop();
  await storage.stop();
});

/** Fresh queues for one test: the DLQ, the outbox, the parked queue. */
function queues() {
  queueCounter += 1;
  const create = (name: string) => fauxqs.createQueue(`${name}-${queueCounter}`).queueUrl;
  return { dlq: create('events-dlq'), outbox: create('alert-outbox'), parked: create('parked') };
}

/** What EventBridge puts on a target's DLQ: the event as the body, the failure as message attributes. */
async function deadLetter(queueUrl: string, event: unknown): Promise<void> {
  const attribute = (value: string) => ({ DataType: 'String', StringValue: value });
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(event),
      MessageAttributes: {
        RULE_ARN: attribute('arn:aws:events:us-east-1:111111111111:rule/aisaws-it-s3-bucket-made-public'),
        TARGET_ARN: attribute(TRIAGE),
        ERROR_CODE: attribute('SDK_CLIENT_ERROR'),
        ERROR_MESSAGE: attribute('Unable to invoke the target'),
        EXHAUSTED_RETRY_CONDITION: attribute('MaximumRetryAttemptsExhausted'),
        RETRY_ATTEMPTS: attribute('20'),
      },
    }),
  );
}

async function depth(queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

async function receiveAll(queueUrl: string): Promise<Message[]> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      MessageAttributeNames: ['All'],
    }),
  );
  return Messages;
}

/** The Ingest handler, the first state triage runs on what StartExecution is given. */
function ingestTriage(): TriageStarter & { readonly started: string[] } {
  const ingest = createIngestHandler({
    ...storage.ingestStorage,
    ttlDays: 30,
    clock: { now: () => new Date() },
  });
  const started: string[] = [];
  return {
    started,
    async start(event, name) {
      started.push(name);
      await ingest(event);
    },
  };
}

function depsFor(
  sources: readonly ReconcileSource[],
  parked: string,
  overrides: Partial<ReconcileDeps> = {},
): ReconcileDeps {
  const sns = new SNSClient({ region: LOCAL_EMULATOR_REGION });
  mockClient(sns).on(PublishCommand).resolves({ MessageId: 'report-1' });
  return {
    sqs,
    sns,
    dynamo: dynalite.client,
    triage: ingestTriage(),
    sources,
    parkedQueueUrl: parked,
    alertTopicArn: TOPIC,
    stateTable: tables.state,
    maxReplaysPerEvent: 3,
    maxMessagesPerQueue: 100,
    visibilityTimeoutSeconds: 30,
    clock: { now: () => new Date() },
    ...overrides,
  };
}

async function eventsItem(eventId: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await dynalite.client.send(
    new GetItemCommand({ TableName: tables.events, Key: { eventId: { S: eventId } }, ConsistentRead: true }),
  );
  return Item ? unmarshall(Item) : undefined;
}

describe('reconcile on emulated queues', () => {
  it('replays a dead-lettered event through the real Ingest once; replaying it again changes nothing', async () => {
    // Prepare
    const { dlq, parked } = queues();
    const event = eventBridgeEvent(bucketMadePublicByAcl('reconcile-it-bucket'));
    const eventId = event.detail.eventID;
    await deadLetter(dlq, event);
    const source: ReconcileSource = {
      kind: 'events-dlq',
      queueUrl: dlq,
      expectedTarget: TRIAGE,
      maxReceives: 5,
    };

    // Act
    const first = await reconcile({}, depsFor([source], parked));
    const afterFirst = await eventsItem(eventId);
    await deadLetter(dlq, event); // the same event dead-lettered again (a redelivery that also failed)
    const second = await reconcile({}, depsFor([source], parked));
    const afterSecond = await eventsItem(eventId);

    // Assess
    expect(first.sources).toEqual([
      expect.objectContaining({ received: 1, replayed: 1, parked: 0, left: 0 }),
    ]);
    expect(second.sources).toEqual([
      expect.objectContaining({ received: 1, replayed: 1, parked: 0, left: 0 }),
    ]);
    expect(afterFirst).toMatchObject({ eventId, status: 'RECEIVED' });
    expect(afterSecond).toEqual(afterFirst);
    const archived = await s3rver.listKeys(archiveBucket);
    expect(archived.filter((key) => key.includes(eventId))).toHaveLength(1);
    expect(await depth(dlq)).toBe(0);
    expect(await depth(parked)).toBe(0);
    const { Items = [] } = await dynalite.client.send(new ScanCommand({ TableName: tables.state }));
    expect(Items.map((item) => unmarshall(item))).toContainEqual(
      expect.objectContaining({ pk: `replay#${eventId}`, replays: 2 }),
    );
  }, 30_000);

  it('leaves a message whose re-submission fails, then parks it once it came back too often, and says so', async () => {
    // Prepare
    const { dlq, parked } = queues();
    const event = eventBridgeEvent(bucketMadePublicByAcl('reconcile-it-poison'));
    await deadLetter(dlq, event);
    const source: ReconcileSource = {
      kind: 'events-dlq',
      queueUrl: dlq,
      expectedTarget: TRIAGE,
      maxReceives: 1,
    };
    const failing: TriageStarter = {
      async start() {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      },
    };
    const sns = new SNSClient({ region: LOCAL_EMULATOR_REGION });
    const topic = mockClient(sns).on(PublishCommand).resolves({ MessageId: 'report-1' });

    // Act
    const first = await reconcile(
      {},
      depsFor([source], parked, { triage: failing, sns, visibilityTimeoutSeconds: 1 }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const second = await reconcile(
      {},
      depsFor([source], parked, { triage: failing, sns, visibilityTimeoutSeconds: 1 }),
    );

    // Assess
    expect(first.sources[0]).toMatchObject({ received: 1, left: 1, parked: 0 });
    expect(second.sources[0]).toMatchObject({ received: 1, left: 0, parked: 1 });
    expect(await depth(dlq)).toBe(0);
    const [kept] = await receiveAll(parked);
    const body = JSON.parse(kept?.Body ?? '{}');
    expect(body).toMatchObject({
      type: 'reconcile-parked',
      source: 'events-dlq',
      receiveCount: 2,
      reason: 'gave up after 1 receives (limit 1): the re-submission kept failing',
      attributes: expect.objectContaining({ TARGET_ARN: TRIAGE, ERROR_CODE: 'SDK_CLIENT_ERROR' }),
    });
    expect(JSON.parse(body.body)).toEqual(event);
    expect(second.parkedAlert).toBe('published');
    const published = topic.commandCalls(PublishCommand).map((call) => call.args[0].input);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      TopicArn: TOPIC,
      Subject: expect.stringContaining('1 message(s) parked'),
    });
  }, 30_000);

  it("moves Ingest's notice of a refused input to parked, without an alert: nothing to replay, the input is in S3", async () => {
    // Prepare: the real Ingest refuses an input and announces it on the (emulated) quarantine queue.
    const { dlq: quarantine, parked } = queues();
    const ingest = createIngestHandler({
      ...storage.ingestStorage,
      sqs,
      quarantineQueueUrl: quarantine,
      ttlDays: 30,
      clock: { now: () => new Date() },
    });
    await expect(ingest({ 'detail-type': 'AWS API Call via CloudTrail', detail: {} })).rejects.toMatchObject({
      name: 'InvalidEventError',
    });
    const sns = new SNSClient({ region: LOCAL_EMULATOR_REGION });
    const topic = mockClient(sns).on(PublishCommand).resolves({ MessageId: 'report-1' });
    const source: ReconcileSource = { kind: 'quarantine', queueUrl: quarantine, maxReceives: 5 };

    // Act
    const report = await reconcile({}, depsFor([source], parked, { sns }));

    // Assess
    expect(report.sources[0]).toMatchObject({ received: 1, replayed: 0, parked: 1 });
    expect(report.parked).toEqual([
      expect.objectContaining({
        notify: false,
        reason: expect.stringContaining('s3://aisaws-reconcile-it-archive/quarantine/'),
      }),
    ]);
    expect(report.parkedAlert).toBe('none');
    expect(topic.commandCalls(PublishCommand)).toHaveLength(0);
    expect(await depth(quarantine)).toBe(0);
    expect(await depth(parked)).toBe(1);
  }, 30_000);

  it('publishes an outbox alert once, even when the same alert is in the outbox twice', async () => {
    // Prepare
    const { outbox, parked } = queues();
    const alert = {
      schemaVersion: 1,
      type: 'alert-outbox',
      alertKey: alertKeyOf({ eventId: 'outbox-event-1', kind: 'remediated' }),
      eventId: 'outbox-event-1',
      kind: 'remediated',
      topicArn: TOPIC,
      subject: 'AISAWS: bucket made private',
      message: 'What was fixed …',
      attributes: { severity: 'HIGH', outcome: 'VERIFIED' },
      queuedAt: new Date().toISOString(),
      publishError: 'InternalErrorException: SNS down',
    };
    for (let copy = 0; copy < 2; copy += 1)
      await sqs.send(new SendMessageCommand({ QueueUrl: outbox, MessageBody: JSON.stringify(alert) }));
    const sns = new SNSClient({ region: LOCAL_EMULATOR_REGION });
    const topic = mockClient(sns).on(PublishCommand).resolves({ MessageId: 'sns-message-1' });
    const source: ReconcileSource = { kind: 'alert-outbox', queueUrl: outbox, maxReceives: 96 };

    // Act
    const report = await reconcile({}, depsFor([source], parked, { sns }));

    // Assess
    expect(report.sources[0]).toMatchObject({ received: 2, published: 1, alreadySent: 1, left: 0 });
    expect(topic.commandCalls(PublishCommand).map((call) => call.args[0].input)).toEqual([
      {
        TopicArn: TOPIC,
        Subject: alert.subject,
        Message: alert.message,
        MessageAttributes: {
          severity: { DataType: 'String', StringValue: 'HIGH' },
          outcome: { DataType: 'String', StringValue: 'VERIFIED' },
        },
      },
    ]);
    expect(await depth(outbox)).toBe(0);
  }, 30_000);

  it('publishes a finding Security Hub refused once it accepts it again; a second publish upserts the same finding', async () => {
    // Prepare: the workflow kept the request on the (emulated) quarantine queue, as `Keep Unpublished … Finding` does.
    const { dlq: quarantine, parked } = queues();
    const account = '111111111111';
    const event = publicBucketDecidedEvent();
    const request = { schemaVersion: 1, outcome: 'VERIFIED', event };
    const keep = () =>
      sqs.send(
        new SendMessageCommand({
          QueueUrl: quarantine,
          MessageBody: JSON.stringify({
            reason: 'finding-not-published',
            error: 'FindingNotImportedError',
            cause: 'InvalidAccess',
            execution: 'arn:aws:states:us-east-1:111111111111:execution:aisaws-it-remediation:x',
            request,
          }),
        }),
      );
    await keep();
    /** The Findings Lambda as Invoke runs it, over a SIMULATED Security Hub (no emulator exists). */
    const findingsOver = (securityHub: SimulatedSecurityHub): FindingsPublisher => {
      const handler = createFindingsHandler({
        securityHub,
        account,
        region: 'us-east-1',
        clock: { now: () => new Date() },
      });
      return {
        async publish(kept) {
          await handler(kept);
        },
      };
    };
    // Still refusing: a Security Hub of another account answers InvalidAccess in FailedFindings.
    const refusing = new SimulatedSecurityHub({ account: '123456789012', region: 'us-east-1' });
    const securityHub = new SimulatedSecurityHub({ account, region: 'us-east-1' });
    const source: ReconcileSource = { kind: 'quarantine', queueUrl: quarantine, maxReceives: 5 };

    // Act
    const refused = await reconcile(
      {},
      depsFor([source], parked, { findings: findingsOver(refusing), visibilityTimeoutSeconds: 1 }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const accepted = await reconcile({}, depsFor([source], parked, { findings: findingsOver(securityHub) }));
    const afterFirst = securityHub.findings();
    await keep(); // the same request kept twice (the workflow's retry, or a delete that did not reach SQS)
    const again = await reconcile({}, depsFor([source], parked, { findings: findingsOver(securityHub) }));

    // Assess
    expect(refused.sources[0]).toMatchObject({ received: 1, findingsPublished: 0, left: 1 });
    expect(refusing.findings()).toEqual([]);
    expect(accepted.sources[0]).toMatchObject({ received: 1, findingsPublished: 1, left: 0, parked: 0 });
    expect(afterFirst).toHaveLength(1);
    expect(afterFirst[0]).toMatchObject({
      Id: `aisaws/${event.eventId}`,
      AwsAccountId: account,
      Workflow: { Status: 'RESOLVED' },
    });
    // Idempotent: the finding Id is stable per event, so publishing it again upserts that one finding.
    expect(again.sources[0]).toMatchObject({ received: 1, findingsPublished: 1 });
    expect(securityHub.findings().map((finding) => finding.Id)).toEqual([`aisaws/${event.eventId}`]);
    expect(securityHub.calls.filter((call) => call.operation === 'BatchImportFindings')).toHaveLength(2);
    expect(await depth(quarantine)).toBe(0);
    expect(await depth(parked)).toBe(0);
  }, 30_000);
});
