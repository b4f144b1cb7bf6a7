/**
 * The reconcile job against the real workflows: the real triage and remediation ASL with the real handlers
 * (dynalite, s3rver; the member S3 control plane by aws-sdk-client-mock, see world.ts), SQS queues in fauxqs (an SQS
 * emulator in-process), and SNS as the SIMULATED account's topic (@aisaws/simulated-account: an e-mail file per
 * Publish, and its "SNS down" fault switch).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentialPaths } from '@aisaws/core/events';
import { type CloudTrailRecord, CloudTrailRecordSchema } from '@aisaws/core/schemas';
import { createAlertHandler } from '@aisaws/lambda-alert';
import { createIngestHandler } from '@aisaws/lambda-ingest';
import {
  type ReconcileDeps,
  type ReconcileSource,
  reconcile,
  type TriageStarter,
} from '@aisaws/lambda-reconcile';
import { createDefaultScoringHandler } from '@aisaws/lambda-scoring';
import { createOutbox, type Outbox, SimulatedAccount } from '@aisaws/simulated-account';
import { eventBridgeEvent } from '@aisaws/testing/fixtures';
import { LOCAL_EMULATOR_REGION, localEmulatorCredentials } from '@aisaws/testing/harness';
import { publicBucketEventBridgeEvent } from '@aisaws/testing/workflow';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutBucketAclCommand } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { SIGNING_KEY, startWorld, type World } from './world.js';

jest.setTimeout(60_000);

const TOPIC = 'arn:aws:sns:eu-west-1:999999999999:aisaws-test-alerts';
const TRIAGE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:aisaws-test-triage';

let fauxqs: FauxqsServer;
let sqs: SQSClient;
let world: World | undefined;
let counter = 0;

beforeAll(async () => {
  fauxqs = await startFauxqs({ port: 0, logger: false });
  sqs = new SQSClient({
    endpoint: fauxqs.address,
    region: LOCAL_EMULATOR_REGION,
    credentials: localEmulatorCredentials(),
  });
});
afterAll(async () => {
  sqs.destroy();
  await fauxqs.stop();
});
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

function freshQueues() {
  counter += 1;
  const create = (name: string) => fauxqs.createQueue(`${name}-${counter}`).queueUrl;
  return { dlq: create('events-dlq'), outbox: create('alert-outbox'), parked: create('parked') };
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

/** StartExecution on the local triage: runs the real ASL; the remediation it starts is awaited by the test. */
function localTriage(current: World): TriageStarter & { readonly runs: Promise<unknown>[] } {
  const runs: Promise<unknown>[] = [];
  return {
    runs,
    async start(event) {
      const run = current.workflows.runTriage(event).then(async ({ triage, remediation }) => ({
        triage,
        remediation: await remediation,
      }));
      runs.push(run);
      await run;
    },
  };
}

function reconcileDeps(
  sources: readonly ReconcileSource[],
  parked: string,
  triage: TriageStarter,
  sns: SNSClient,
  visibilityTimeoutSeconds = 30,
): ReconcileDeps {
  if (!world) throw new Error('no world');
  return {
    sqs,
    sns,
    dynamo: world.dynalite.client,
    triage,
    sources,
    parkedQueueUrl: parked,
    alertTopicArn: TOPIC,
    stateTable: world.tables.state,
    maxReplaysPerEvent: 3,
    maxMessagesPerQueue: 100,
    visibilityTimeoutSeconds,
    clock: { now: () => new Date() },
  };
}

describe('reconcile through the real workflows', () => {
  it('a dead-lettered bucket event is replayed through triage into one verified fix; a second replay changes nothing', async () => {
    // Prepare
    world = await startWorld();
    const { dlq, parked } = freshQueues();
    const eventId = '5c0ffee0-0000-4000-8000-000000000001';
    const event = publicBucketEventBridgeEvent({ eventId, bucket: 'demo-bucket' });
    const deadLetter = () =>
      sqs.send(
        new SendMessageCommand({
          QueueUrl: dlq,
          MessageBody: JSON.stringify(event),
          MessageAttributes: {
            TARGET_ARN: { DataType: 'String', StringValue: TRIAGE },
            ERROR_CODE: { DataType: 'String', StringValue: 'ThrottlingException' },
          },
        }),
      );
    const source: ReconcileSource = {
      kind: 'events-dlq',
      queueUrl: dlq,
      expectedTarget: TRIAGE,
      maxReceives: 5,
    };
    const triage = localTriage(world);
    const snsClient = new SNSClient({ region: LOCAL_EMULATOR_REGION });
    mockClient(snsClient).on(PublishCommand).resolves({ MessageId: 'parked-report' });

    // Act
    await deadLetter();
    await reconcile({}, reconcileDeps([source], parked, triage, snsClient));
    const afterFirst = await world.eventsItem(eventId);
    await deadLetter();
    await reconcile({}, reconcileDeps([source], parked, triage, snsClient));
    const outcomes = (await Promise.all(triage.runs)) as {
      triage: { states: { name: string }[] };
      remediation?: { status: string };
    }[];

    // Assess
    expect(afterFirst).toMatchObject({ eventId, status: 'VERIFIED' });
    expect(await world.eventsItem(eventId)).toEqual(afterFirst);
    expect(outcomes[0]?.remediation?.status).toBe('SUCCEEDED');
    expect(outcomes[1]?.triage.states.map((state) => state.name)).toContain('Duplicate Ignored');
    expect(world.memberS3.commandCalls(PutBucketAclCommand)).toHaveLength(1);
    expect(world.publishedInputs()).toHaveLength(1);
    expect(await depth(dlq)).toBe(0);
    expect(await depth(parked)).toBe(0);
  });

  it('a triage failure kept on the quarantine queue is replayed once the failing stage works again: one verified fix', async () => {
    // Prepare: Score fails (as a stage fails after its retries) until the test repairs it.
    let scoreWorks = false;
    let realScoring: ((event: unknown) => Promise<unknown>) | undefined;
    world = await startWorld({
      tasks: {
        scoring: async (event) => {
          if (!scoreWorks || !realScoring)
            throw Object.assign(new Error('Task timed out'), { name: 'States.Timeout' });
          return realScoring(event);
        },
      },
    });
    const current = world;
    realScoring = createDefaultScoringHandler({
      dynamo: current.dynalite.client,
      eventsTable: current.tables.events,
      baselineTable: current.tables.baseline,
      clock: { now: () => new Date() },
    });
    const { dlq: quarantine, parked } = freshQueues();
    const eventId = '5c0ffee0-0000-4000-8000-000000000003';
    const source: ReconcileSource = { kind: 'quarantine', queueUrl: quarantine, maxReceives: 5 };
    const triage = localTriage(current);
    const snsClient = new SNSClient({ region: LOCAL_EMULATOR_REGION });
    mockClient(snsClient).on(PublishCommand).resolves({ MessageId: 'parked-report' });

    // Act: triage fails and quarantines (the message the real ASL builds goes on the queue), then Score is repaired.
    const first = await current.workflows.runTriage(
      publicBucketEventBridgeEvent({ eventId, bucket: 'demo-bucket' }),
    );
    const [kept] = current.workflows.quarantined;
    await sqs.send(new SendMessageCommand({ QueueUrl: quarantine, MessageBody: JSON.stringify(kept?.body) }));
    scoreWorks = true;
    const report = await reconcile({}, reconcileDeps([source], parked, triage, snsClient));
    const [replayed] = (await Promise.all(triage.runs)) as { remediation?: { status: string } }[];

    // Assess
    expect(first.triage.status).toBe('FAILED');
    expect(kept?.body).toMatchObject({ reason: 'triage-failed', error: 'States.Timeout' });
    expect(report.sources[0]).toMatchObject({ received: 1, replayed: 1, parked: 0 });
    expect(replayed?.remediation?.status).toBe('SUCCEEDED');
    expect(await current.eventsItem(eventId)).toMatchObject({ status: 'VERIFIED' });
    expect(current.memberS3.commandCalls(PutBucketAclCommand)).toHaveLength(1);
    expect(await depth(quarantine)).toBe(0);
  });

  it('SNS down: the fix is verified, the alert kept, the execution ends AlertQueued; SNS back, reconcile: one e-mail', async () => {
    // Prepare: the Alert Lambda publishes to the simulated account's topic, with SNS down, and has an outbox queue.
    const account = SimulatedAccount.create({ faults: { snsDown: true } });
    const mail: Outbox = createOutbox({
      directory: mkdtempSync(join(tmpdir(), 'aisaws-reconcile-mail-')),
      faults: account.faults,
    });
    const { outbox, parked } = freshQueues();
    const alertTasks = {
      alert: createAlertHandler({
        sns: mail.client as unknown as SNSClient,
        topicArn: TOPIC,
        clock: { now: () => new Date() },
        approval: { baseUrl: 'https://approval.example/', signingKey: async () => SIGNING_KEY },
        outbox: { sqs, queueUrl: outbox },
      }),
    };
    world = await startWorld({ tasks: alertTasks });
    const eventId = '5c0ffee0-0000-4000-8000-000000000002';
    const source: ReconcileSource = { kind: 'alert-outbox', queueUrl: outbox, maxReceives: 96 };
    const noTriage: TriageStarter = {
      async start() {
        throw new Error('the outbox never starts triage');
      },
    };
    const snsClient = mail.client as unknown as SNSClient;

    // Act 1: the event while SNS is down.
    const { remediation } = await world.workflows.runTriage(
      publicBucketEventBridgeEvent({ eventId, bucket: 'demo-bucket' }),
    );
    const execution = await remediation;
    const item = await world.eventsItem(eventId);
    const keptWhileDown = await depth(outbox);
    const whileDown = await reconcile({}, reconcileDeps([source], parked, noTriage, snsClient, 1));

    // Act 2: SNS is back (and the message visible again); the reconcile job runs, then runs again.
    account.faults.clear();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const back = await reconcile({}, reconcileDeps([source], parked, noTriage, snsClient));
    const again = await reconcile({}, reconcileDeps([source], parked, noTriage, snsClient));

    // Assess
    expect(world.bucket.grants.map((grant) => grant.Grantee.Type)).toEqual(['CanonicalUser']);
    expect(item).toMatchObject({
      status: 'VERIFIED',
      alert: { kind: 'remediated', messageId: expect.stringMatching(/^outbox:[0-9a-f]{64}$/) },
    });
    expect(execution?.status).toBe('FAILED');
    expect(execution?.error?.error).toBe('AlertQueued');
    expect(execution?.states.map((state) => state.name).slice(-5)).toEqual([
      'Record Verified',
      'Publish Resolved Finding',
      'Start Rollback Offer',
      'Check Remediated Alert Delivery',
      'Alert Queued',
    ]);
    expect(keptWhileDown).toBe(1);
    expect(whileDown.sources[0]).toMatchObject({ received: 1, published: 0, left: 1 });
    expect(account.faults.stats.snsRejected).toBe(2);
    expect(back.sources[0]).toMatchObject({ published: 1, left: 0 });
    expect(again.sources[0]?.received).toBe(0);
    expect(mail.messages).toHaveLength(1);
    expect(mail.messages[0]?.subject).toBe(
      '[AISAWS HIGH] S3 bucket or object made public by its ACL: demo-bucket — fixed and verified',
    );
    expect(await depth(outbox)).toBe(0);
  });
});

/**
 * Ingest itself fails (not an invalid input): no AISAWS store may hold the credentials an event carries, and the event
 * must stay replayable. Ingest keeps it on the quarantine queue redacted and the workflow copies nothing; when Ingest's
 * code never ran, the workflow keeps only a reference, which reconcile parks for a person. The AssumeRole record is a
 * real one with a live-looking session token (Invictus IR dataset, read in place, never copied).
 */
describe('reconcile after an Ingest failure: the quarantine holds no credentials', () => {
  const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
  const datasets = resolve(process.env.AISAWS_DATASETS ?? join(repoRoot, '..', 'shared', 'datasets'));
  const invictus = join(
    datasets,
    'cloudtrail',
    'invictus-ir-aws-dataset',
    '218007301253_CloudTrail_us-east-1_20230710T1220Z_sM25jC0Ku0QcGkDa.json',
  );
  const withDataset = existsSync(invictus) ? it : it.skip;

  /** The AssumeRole record of the dataset whose responseElements carry a session token. */
  function assumeRoleRecord(): CloudTrailRecord {
    const { Records } = JSON.parse(readFileSync(invictus, 'utf8')) as { Records: Record<string, unknown>[] };
    const record = Records.find(
      (r) =>
        r.eventName === 'AssumeRole' && JSON.stringify(r.responseElements ?? {}).includes('sessionToken'),
    );
    if (!record) throw new Error('no AssumeRole record with a session token in the dataset');
    return CloudTrailRecordSchema.parse(record);
  }
  const secretsOf = (record: CloudTrailRecord): string[] => {
    const credentials =
      (record.responseElements as { credentials?: Record<string, unknown> }).credentials ?? {};
    return ['sessionToken', 'secretAccessKey']
      .map((field) => credentials[field])
      .filter((value): value is string => typeof value === 'string' && value.length >= 16);
  };

  /**
   * A world whose Ingest has the quarantine queue and a DynamoDB that is unreachable (closed port) until repaired:
   * the real Ingest code fails, as with DynamoDB down.
   */
  async function worldWithFailingIngest(quarantine: string) {
    let repaired = false;
    let healthy: ((event: unknown) => Promise<unknown>) | undefined;
    let broken: ((event: unknown) => Promise<unknown>) | undefined;
    const current = await startWorld({
      tasks: {
        ingest: async (event) => {
          const handle = repaired ? healthy : broken;
          if (!handle) throw new Error('ingest not set up');
          return handle(event);
        },
      },
    });
    const deps = {
      s3: current.s3rver.client,
      sqs,
      quarantineQueueUrl: quarantine,
      archiveBucket: current.archiveBucket,
      eventsTable: current.tables.events,
      ttlDays: 30,
      clock: { now: () => new Date() },
    };
    healthy = createIngestHandler({ ...deps, dynamo: current.dynalite.client });
    broken = createIngestHandler({
      ...deps,
      dynamo: new DynamoDBClient({
        endpoint: 'http://127.0.0.1:9',
        region: LOCAL_EMULATOR_REGION,
        credentials: localEmulatorCredentials(),
        maxAttempts: 1,
      }),
    });
    return { current, repair: () => (repaired = true) };
  }

  async function peek(queueUrl: string): Promise<unknown[]> {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
    );
    return (Messages ?? []).map((message) => JSON.parse(message.Body ?? 'null'));
  }

  withDataset(
    'an AssumeRole event: Ingest keeps it redacted, the workflow copies nothing, the replay decides as a healthy run',
    async () => {
      // Prepare
      const record = assumeRoleRecord();
      const secrets = secretsOf(record);
      const event = eventBridgeEvent(record);
      const { dlq: quarantine, parked } = freshQueues();
      const { current, repair } = await worldWithFailingIngest(quarantine);
      world = current;
      const snsClient = new SNSClient({ region: LOCAL_EMULATOR_REGION });
      mockClient(snsClient).on(PublishCommand).resolves({ MessageId: 'report' });
      const triage = localTriage(current);

      // Act: Ingest fails; then DynamoDB is back and the reconcile job runs.
      const first = await current.workflows.runTriage(event);
      const [kept, ...others] = await peek(quarantine);
      repair();
      const report = await reconcile(
        {},
        reconcileDeps(
          [{ kind: 'quarantine', queueUrl: quarantine, maxReceives: 5 }],
          parked,
          triage,
          snsClient,
        ),
      );
      const [replayed] = (await Promise.all(triage.runs)) as { triage: { status: string } }[];
      const item = await current.eventsItem(record.eventID);
      // The control: the same event through a healthy Ingest in a fresh world.
      const control = await startWorld();
      await control.workflows.runTriage(event);
      const expected = await control.eventsItem(record.eventID);
      await control.stop();

      // Assess
      expect(secrets.length).toBeGreaterThan(0);
      expect(first.triage.status).toBe('FAILED');
      expect(first.triage.error?.error).toBe('IngestFailedError');
      expect(current.workflows.quarantined).toEqual([]);
      expect(others).toEqual([]);
      expect(kept).toMatchObject({ reason: 'triage-failed', failedStage: 'ingest', eventId: record.eventID });
      expect(credentialPaths(kept)).toEqual([]);
      for (const secret of secrets) expect(JSON.stringify(kept)).not.toContain(secret);
      expect(report.sources[0]).toMatchObject({ received: 1, replayed: 1, parked: 0 });
      expect(replayed?.triage.status).toBe('SUCCEEDED');
      expect(item?.status).toBe(expected?.status);
      const healthy = expected?.decision as { action?: string; detectionId?: string } | undefined;
      expect(healthy?.action).toBeDefined();
      expect(item?.decision).toMatchObject({ action: healthy?.action, detectionId: healthy?.detectionId });
      expect(item?.detections).toEqual(expected?.detections);
      expect(await depth(quarantine)).toBe(0);
    },
  );

  it('a public bucket event: Ingest fails, keeps it; the replay after repair is one verified fix', async () => {
    // Prepare
    const { dlq: quarantine, parked } = freshQueues();
    const { current, repair } = await worldWithFailingIngest(quarantine);
    world = current;
    const eventId = '5c0ffee0-0000-4000-8000-000000000004';
    const snsClient = new SNSClient({ region: LOCAL_EMULATOR_REGION });
    mockClient(snsClient).on(PublishCommand).resolves({ MessageId: 'report' });
    const triage = localTriage(current);
    const source: ReconcileSource = { kind: 'quarantine', queueUrl: quarantine, maxReceives: 5 };

    // Act
    const first = await current.workflows.runTriage(
      publicBucketEventBridgeEvent({ eventId, bucket: 'demo-bucket' }),
    );
    repair();
    const report = await reconcile({}, reconcileDeps([source], parked, triage, snsClient));
    const [replayed] = (await Promise.all(triage.runs)) as { remediation?: { status: string } }[];
    const again = await reconcile({}, reconcileDeps([source], parked, triage, snsClient));

    // Assess
    expect(first.triage.error?.error).toBe('IngestFailedError');
    expect(report.sources[0]).toMatchObject({ received: 1, replayed: 1 });
    expect(replayed?.remediation?.status).toBe('SUCCEEDED');
    expect(await current.eventsItem(eventId)).toMatchObject({ status: 'VERIFIED' });
    expect(current.memberS3.commandCalls(PutBucketAclCommand)).toHaveLength(1);
    expect(again.sources[0]?.received).toBe(0);
  });

  withDataset(
    "Ingest's code never ran (timed out): only a reference is kept, and reconcile parks it for a person",
    async () => {
      // Prepare
      const record = assumeRoleRecord();
      const secrets = secretsOf(record);
      world = await startWorld({
        tasks: {
          ingest: async () => {
            throw Object.assign(new Error('Task timed out after 60.00 seconds'), { name: 'States.Timeout' });
          },
        },
      });
      const current = world;
      const { dlq: quarantine, parked } = freshQueues();
      const snsClient = new SNSClient({ region: LOCAL_EMULATOR_REGION });
      const sns = mockClient(snsClient);
      sns.on(PublishCommand).resolves({ MessageId: 'report' });
      const triage = localTriage(current);

      // Act
      const first = await current.workflows.runTriage(eventBridgeEvent(record));
      const [kept] = current.workflows.quarantined;
      await sqs.send(
        new SendMessageCommand({ QueueUrl: quarantine, MessageBody: JSON.stringify(kept?.body) }),
      );
      const report = await reconcile(
        {},
        reconcileDeps(
          [{ kind: 'quarantine', queueUrl: quarantine, maxReceives: 5 }],
          parked,
          triage,
          snsClient,
        ),
      );

      // Assess
      expect(first.triage.status).toBe('FAILED');
      expect(first.triage.states.map((state) => state.name).slice(-3)).toEqual([
        'Quarantine Which Failed Input',
        'Quarantine Event Reference',
        'Triage Failed',
      ]);
      expect(kept?.body).toEqual({
        reason: 'triage-failed-unkept',
        error: 'States.Timeout',
        cause: expect.any(String),
        execution: expect.any(String),
        eventId: record.eventID,
        reference: expect.objectContaining({ eventName: 'AssumeRole', eventSource: 'sts.amazonaws.com' }),
      });
      expect(credentialPaths(kept?.body)).toEqual([]);
      for (const secret of secrets) expect(JSON.stringify(kept?.body)).not.toContain(secret);
      expect(triage.runs).toHaveLength(0);
      expect(report.sources[0]).toMatchObject({ received: 1, replayed: 0, parked: 1 });
      expect(await depth(parked)).toBe(1);
      expect(
        JSON.stringify(sns.commandCalls(PublishCommand).map((call) => call.args[0].input.Message)),
      ).toContain(`recover event ${record.eventID}`);
    },
  );
});
