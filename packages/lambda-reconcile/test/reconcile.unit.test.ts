/** The exact SDK calls of the reconcile job (aws-sdk-client-mock): what is started, deleted, released and kept. */
import { alertKeyOf } from '@aisaws/core/schemas';
import { bucketMadePublicByAcl, eventBridgeEvent } from '@aisaws/testing/fixtures';
import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
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

function deps(sources: readonly ReconcileSource[]): ReconcileDeps {
  return {
    sqs: new SQSClient({}),
    sns: new SNSClient({}),
    dynamo: new DynamoDBClient({}),
    triage: stepFunctionsTriageStarter(new SFNClient({}), TRIAGE),
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
  for (const mock of [sqs, sfn, sns, dynamo]) mock.reset();
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
});
