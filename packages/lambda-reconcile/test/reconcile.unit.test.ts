/** The exact SDK calls of the reconcile job (aws-sdk-client-mock): what is started, deleted, released and kept. */
import { alertKeyOf } from '@aisaws/core/schemas';
import { bucketMadePublicByAcl, eventBridgeEvent } from '@aisaws/testing/fixtures';
import { publicBucketDecidedEvent } from '@aisaws/testing/workflow';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { cloudTrailEventHistory } from '../src/event-history.js';
import { lambdaFindingsPublisher } from '../src/findings-publisher.js';
import type { ReconcileSource } from '../src/plan.js';
import { executionNameFor, type ReconcileDeps, reconcile } from '../src/reconcile.js';
import { stepFunctionsTriageStarter } from '../src/triage-starter.js';

const TRIAGE = 'arn:aws:states:eu-west-1:111111111111:stateMachine:aisaws-dev-triage';
const TOPIC = 'arn:aws:sns:eu-west-1:111111111111:aisaws-dev-alerts';
const DLQ = 'https://sqs.eu-west-1.amazonaws.com/111111111111/aisaws-dev-events-dlq';
const OUTBOX = 'https://sqs.eu-west-1.amazonaws.com/111111111111/aisaws-dev-alert-outbox';
const PARKED = 'https://sqs.eu-west-1.amazonaws.com/111111111111/aisaws-dev-parked';

const sqs = mockClient(SQSClient);
const sfn = mockClient(SFNClient);
const sns = mockClient(SNSClient);
const dynamo = mockClient(DynamoDBClient);
const lambda = mockClient(LambdaClient);
const cloudtrail = mockClient(CloudTrailClient);
const sts = mockClient(STSClient);
const FINDINGS = 'arn:aws:lambda:eu-west-1:111111111111:function:aisaws-dev-findings:live';
const QUARANTINE = 'https://sqs.eu-west-1.amazonaws.com/111111111111/aisaws-dev-quarantine';

function deps(sources: readonly ReconcileSource[]): ReconcileDeps {
  return {
    sqs: new SQSClient({}),
    sns: new SNSClient({}),
    dynamo: new DynamoDBClient({}),
    triage: stepFunctionsTriageStarter(new SFNClient({}), TRIAGE),
    findings: lambdaFindingsPublisher(new LambdaClient({}), FINDINGS),
    sources,
    parkedQueueUrl: PARKED,
    alertTopicArn: TOPIC,
    stateTable: 'aisaws-dev-state',
    maxReplaysPerEvent: 3,
    maxMessagesPerQueue: 100,
    visibilityTimeoutSeconds: 360,
    clock: { now: () => new Date('2026-12-05T03:00:00Z') },
  };
}

const dlqSource: ReconcileSource = {
  kind: 'events-dlq',
  queueUrl: DLQ,
  expectedTarget: TRIAGE,
  maxReceives: 5,
};
const outboxSource: ReconcileSource = { kind: 'alert-outbox', queueUrl: OUTBOX, maxReceives: 96 };

beforeEach(() => {
  for (const mock of [sqs, sfn, sns, dynamo, lambda, cloudtrail, sts]) mock.reset();
  dynamo.on(UpdateItemCommand).resolves({ Attributes: { replays: { N: '1' } } });
  dynamo.on(GetItemCommand).resolves({});
});

describe('reconcile: SDK calls', () => {
  it('starts triage with the original event, then deletes the message with its receipt handle', async () => {
    // Prepare
    const event = eventBridgeEvent(bucketMadePublicByAcl());
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          {
            MessageId: 'm-1',
            ReceiptHandle: 'rh-1',
            Body: JSON.stringify(event),
            Attributes: { ApproximateReceiveCount: '1' },
          },
        ],
      })
      .resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x' });

    // Act
    const report = await reconcile({}, deps([dlqSource]));

    // Assess
    expect(sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input)).toEqual([
      { stateMachineArn: TRIAGE, name: executionNameFor('m-1'), input: JSON.stringify(event) },
    ]);
    expect(sqs.commandCalls(DeleteMessageCommand).map((call) => call.args[0].input)).toEqual([
      { QueueUrl: DLQ, ReceiptHandle: 'rh-1' },
    ]);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toMatchObject({
      QueueUrl: DLQ,
      VisibilityTimeout: 360,
      MessageSystemAttributeNames: expect.arrayContaining(['ApproximateReceiveCount']),
    });
    expect(dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input).toMatchObject({
      TableName: 'aisaws-dev-state',
      Key: { pk: { S: `replay#${event.detail.eventID}` } },
    });
    expect(report.sources[0]).toMatchObject({ received: 1, replayed: 1 });
  });

  it('deletes nothing when StartExecution fails: the message stays for a later run', async () => {
    const event = eventBridgeEvent(bucketMadePublicByAcl());
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: 'm-1', ReceiptHandle: 'rh-1', Body: JSON.stringify(event) }] })
      .resolves({});
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('boom'), { name: 'ServiceUnavailable' }));

    const report = await reconcile({}, deps([dlqSource]));

    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(0);
    expect(report.sources[0]).toMatchObject({ received: 1, replayed: 0, left: 1 });
  });

  it('parks an event replayed too often (triage keeps failing), and does not start it again', async () => {
    const event = eventBridgeEvent(bucketMadePublicByAcl());
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: 'm-1', ReceiptHandle: 'rh-1', Body: JSON.stringify(event) }] })
      .resolves({});
    dynamo.on(GetItemCommand).resolves({ Item: { replays: { N: '3' } } });
    sns.on(PublishCommand).resolves({ MessageId: 'x' });

    const report = await reconcile({}, deps([dlqSource]));

    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(0);
    expect(report.parked).toEqual([
      expect.objectContaining({ reason: expect.stringContaining('replayed 3 times already (limit 3)') }),
    ]);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(1);
  });

  it('SNS still down: one Publish is tried, nothing is deleted or marked sent, the outbox waits for the next run', async () => {
    const alert = {
      schemaVersion: 1,
      type: 'alert-outbox',
      alertKey: alertKeyOf({ eventId: 'e-1', kind: 'remediated' }),
      eventId: 'e-1',
      kind: 'remediated',
      topicArn: TOPIC,
      subject: 'AISAWS: fixed',
      message: 'body',
      attributes: {},
      queuedAt: '2026-12-05T02:00:00.000Z',
      publishError: 'InternalErrorException: down',
    };
    const body = JSON.stringify(alert);
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [
        { MessageId: 'm-1', ReceiptHandle: 'rh-1', Body: body },
        { MessageId: 'm-2', ReceiptHandle: 'rh-2', Body: body },
      ],
    });
    dynamo.on(GetItemCommand).resolves({});
    sns.on(PublishCommand).rejects(
      Object.assign(new Error('down'), {
        name: 'InternalErrorException',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
      }),
    );

    const report = await reconcile({}, deps([outboxSource]));

    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(1);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(0);
    expect(report.sources[0]).toMatchObject({ received: 2, published: 0, left: 2 });
  });

  describe('an Ingest failure kept only by reference (quarantine, triage-failed-unkept)', () => {
    const quarantineSource: ReconcileSource = { kind: 'quarantine', queueUrl: QUARANTINE, maxReceives: 5 };
    const EVENT_ID = '0b1c2d3e-0000-4000-8000-000000000001';
    const MEMBER = '222222222222';
    const record = {
      eventVersion: '1.08',
      userIdentity: { type: 'IAMUser', accountId: MEMBER, arn: `arn:aws:iam::${MEMBER}:user/alice` },
      eventTime: '2026-12-05T02:40:00Z',
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRole',
      awsRegion: 'us-east-1',
      eventID: EVENT_ID,
      eventType: 'AwsApiCall',
      recipientAccountId: MEMBER,
    };
    const referenceOnly = (receiveCount: number, account = MEMBER) => ({
      MessageId: 'u-1',
      ReceiptHandle: 'rh-u-1',
      Body: JSON.stringify({
        reason: 'triage-failed-unkept',
        error: 'Lambda.ServiceException',
        execution: 'arn:aws:states:eu-west-1:111111111111:express:aisaws-dev-triage:x:y',
        eventId: EVENT_ID,
        reference: {
          eventName: 'AssumeRole',
          eventSource: 'sts.amazonaws.com',
          account,
          region: 'us-east-1',
          eventTime: '2026-12-05T02:40:00Z',
        },
      }),
      Attributes: { ApproximateReceiveCount: String(receiveCount) },
    });
    const withHistory = (): ReconcileDeps => ({
      ...deps([quarantineSource]),
      eventHistory: cloudTrailEventHistory({
        ownAccountId: '111111111111',
        memberRoleName: 'aisaws-dev-member-event-reader',
        externalId: 'aisaws-dev-external-id',
        clock: { now: () => new Date('2026-12-05T03:00:00Z') },
      }),
    });
    const memberCredentials = {
      AccessKeyId: 'ASIAEVENTREADER00001',
      SecretAccessKey: 'secret',
      SessionToken: 'token',
      Expiration: new Date('2026-12-05T04:00:00Z'),
    };

    it('looks the event up in the member account’s event history and replays it as EventBridge delivers it', async () => {
      // Prepare
      sqs
        .on(ReceiveMessageCommand)
        .resolvesOnce({ Messages: [referenceOnly(1)] })
        .resolves({});
      sts.on(AssumeRoleCommand).resolves({ Credentials: memberCredentials });
      cloudtrail
        .on(LookupEventsCommand)
        .resolves({ Events: [{ EventId: EVENT_ID, CloudTrailEvent: JSON.stringify(record) }] });
      // Act
      const report = await reconcile({}, withHistory());
      // Assess
      expect(sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toEqual([
        {
          RoleArn: `arn:aws:iam::${MEMBER}:role/aisaws-dev-member-event-reader`,
          RoleSessionName: 'aisaws-reconcile',
          ExternalId: 'aisaws-dev-external-id',
          DurationSeconds: 3600,
        },
      ]);
      const [lookup, ...otherLookups] = cloudtrail.commandCalls(LookupEventsCommand);
      expect(otherLookups).toHaveLength(0);
      expect(lookup?.args[0].input).toEqual({
        LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: EVENT_ID }],
        StartTime: new Date('2026-12-04T02:40:00Z'),
        EndTime: new Date('2026-12-06T02:40:00Z'),
        MaxResults: 1,
      });
      const client = lookup?.thisValue as CloudTrailClient;
      expect(await client.config.region()).toBe('us-east-1');
      expect(await client.config.credentials()).toMatchObject({ accessKeyId: 'ASIAEVENTREADER00001' });
      const started = sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
      expect(started).toHaveLength(1);
      expect(JSON.parse(String(started[0]?.input))).toMatchObject({
        'detail-type': 'AWS API Call via CloudTrail',
        source: 'aws.sts',
        account: MEMBER,
        region: 'us-east-1',
        detail: record,
      });
      expect(sqs.commandCalls(DeleteMessageCommand).map((call) => call.args[0].input)).toEqual([
        { QueueUrl: QUARANTINE, ReceiptHandle: 'rh-u-1' },
      ]);
      expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
      expect(report.sources[0]).toMatchObject({ received: 1, replayed: 1, parked: 0, left: 0 });
    });

    it("reads the security account's own event history with its own role", async () => {
      sqs
        .on(ReceiveMessageCommand)
        .resolvesOnce({ Messages: [referenceOnly(1, '111111111111')] })
        .resolves({});
      cloudtrail.on(LookupEventsCommand).resolves({
        Events: [
          {
            EventId: EVENT_ID,
            CloudTrailEvent: JSON.stringify({ ...record, recipientAccountId: '111111111111' }),
          },
        ],
      });

      const report = await reconcile({}, withHistory());

      expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
      expect(report.sources[0]).toMatchObject({ replayed: 1 });
    });

    it('leaves it while event history does not show it yet; parks it, with the note, after 3 lookups', async () => {
      sts.on(AssumeRoleCommand).resolves({ Credentials: memberCredentials });
      cloudtrail.on(LookupEventsCommand).resolves({ Events: [] });
      sqs
        .on(ReceiveMessageCommand)
        .resolvesOnce({ Messages: [referenceOnly(1)] })
        .resolvesOnce({})
        .resolvesOnce({ Messages: [referenceOnly(3)] })
        .resolves({});
      const reconciler = withHistory();

      const early = await reconcile({}, reconciler);
      const late = await reconcile({}, reconciler);

      expect(early.sources[0]).toMatchObject({ received: 1, left: 1, parked: 0 });
      expect(late.sources[0]).toMatchObject({ received: 1, left: 0, parked: 1 });
      expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
      const parked = sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
      expect(parked).toHaveLength(1);
      expect(parked[0]?.QueueUrl).toBe(PARKED);
      expect(late.parked[0]?.reason).toMatch(
        /^not found in the CloudTrail event history of 222222222222 us-east-1 after 3 lookups \(data events are not kept there\): Ingest failed \(Lambda.ServiceException\)/,
      );
    });

    it('parks it for a person when no event history is configured', async () => {
      sqs
        .on(ReceiveMessageCommand)
        .resolvesOnce({ Messages: [referenceOnly(1)] })
        .resolves({});

      const report = await reconcile({}, deps([quarantineSource]));

      expect(cloudtrail.calls()).toHaveLength(0);
      expect(report.sources[0]).toMatchObject({ parked: 1 });
      expect(report.parked[0]?.reason).toContain(`recover event ${EVENT_ID}`);
    });
  });

  describe('findings Security Hub refused (quarantine, finding-not-published)', () => {
    const quarantineSource: ReconcileSource = { kind: 'quarantine', queueUrl: QUARANTINE, maxReceives: 5 };
    const request = { schemaVersion: 1, outcome: 'VERIFIED', event: publicBucketDecidedEvent() };
    const kept = (receiveCount: number) => ({
      MessageId: 'q-1',
      ReceiptHandle: 'rh-q-1',
      Body: JSON.stringify({
        reason: 'finding-not-published',
        error: 'FindingNotImportedError',
        cause: 'InvalidAccess',
        execution: 'arn:aws:states:eu-west-1:111111111111:execution:aisaws-dev-remediation:x',
        request,
      }),
      Attributes: { ApproximateReceiveCount: String(receiveCount) },
    });
    /** The Payload as the SDK hands it back: bytes that can also be read as text. */
    const answer = (value: unknown) => {
      const bytes = new TextEncoder().encode(JSON.stringify(value));
      return Object.assign(bytes, { transformToString: () => new TextDecoder().decode(bytes) });
    };
    const published = {
      schemaVersion: 1,
      eventId: request.event.eventId,
      status: 'published',
      findingId: `aisaws/${request.event.eventId}`,
      workflowStatus: 'RESOLVED',
      reason: 'imported',
    };

    it('invokes the Findings Lambda synchronously with the kept request, then deletes the message', async () => {
      sqs
        .on(ReceiveMessageCommand)
        .resolvesOnce({ Messages: [kept(1)] })
        .resolves({});
      lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: answer(published) });

      const report = await reconcile({}, deps([quarantineSource]));

      const invokes = lambda.commandCalls(InvokeCommand).map((call) => call.args[0].input);
      expect(invokes).toHaveLength(1);
      expect(invokes[0]).toMatchObject({ FunctionName: FINDINGS, InvocationType: 'RequestResponse' });
      expect(JSON.parse(new TextDecoder().decode(invokes[0]?.Payload as Uint8Array))).toEqual(request);
      expect(sqs.commandCalls(DeleteMessageCommand).map((call) => call.args[0].input)).toEqual([
        { QueueUrl: QUARANTINE, ReceiptHandle: 'rh-q-1' },
      ]);
      expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
      expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
      expect(report.sources[0]).toMatchObject({ received: 1, findingsPublished: 1, parked: 0, left: 0 });
    });

    it('deletes nothing when the Findings Lambda answers a function error (Security Hub refused again)', async () => {
      sqs
        .on(ReceiveMessageCommand)
        .resolvesOnce({ Messages: [kept(2)] })
        .resolves({});
      lambda.on(InvokeCommand).resolves({
        StatusCode: 200,
        FunctionError: 'Unhandled',
        Payload: answer({ errorType: 'FindingNotImportedError', errorMessage: 'InvalidAccess' }),
      });

      const report = await reconcile({}, deps([quarantineSource]));

      expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
      expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
      expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
      expect(report.sources[0]).toMatchObject({ received: 1, findingsPublished: 0, left: 1 });
    });

    it('deletes nothing when Invoke itself fails or the answer is not a PublishFindingResult', async () => {
      sqs
        .on(ReceiveMessageCommand)
        .resolvesOnce({ Messages: [kept(1)] })
        .resolvesOnce({ Messages: [{ ...kept(1), MessageId: 'q-2', ReceiptHandle: 'rh-q-2' }] })
        .resolves({});
      lambda
        .on(InvokeCommand)
        .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }))
        .resolves({ StatusCode: 200, Payload: answer({ ok: true }) });

      const report = await reconcile({}, deps([quarantineSource]));

      expect(lambda.commandCalls(InvokeCommand)).toHaveLength(2);
      expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
      expect(report.sources[0]).toMatchObject({ received: 2, findingsPublished: 0, left: 2 });
    });

    it('parks it with the reason after the max receives, without invoking the Findings Lambda', async () => {
      sqs
        .on(ReceiveMessageCommand)
        .resolvesOnce({ Messages: [kept(6)] })
        .resolves({});
      sns.on(PublishCommand).resolves({ MessageId: 'x' });

      const report = await reconcile({}, deps([quarantineSource]));

      expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
      const parkedCalls = sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
      expect(parkedCalls).toHaveLength(1);
      expect(parkedCalls[0]?.QueueUrl).toBe(PARKED);
      expect(JSON.parse(parkedCalls[0]?.MessageBody ?? '{}')).toMatchObject({
        reason: 'gave up after 5 receives (limit 5): the re-submission kept failing',
        source: 'quarantine',
      });
      expect(sqs.commandCalls(DeleteMessageCommand).map((call) => call.args[0].input)).toEqual([
        { QueueUrl: QUARANTINE, ReceiptHandle: 'rh-q-1' },
      ]);
      expect(report.sources[0]).toMatchObject({ parked: 1, findingsPublished: 0 });
    });

    it('parks it, as before, when no Findings function is configured', async () => {
      sqs
        .on(ReceiveMessageCommand)
        .resolvesOnce({ Messages: [kept(1)] })
        .resolves({});
      sns.on(PublishCommand).resolves({ MessageId: 'x' });
      const { findings: _none, ...withoutFindings } = deps([quarantineSource]);

      const report = await reconcile({}, withoutFindings);

      expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
      expect(report.parked).toEqual([
        expect.objectContaining({ reason: expect.stringContaining('no Findings function configured') }),
      ]);
    });
  });
});
