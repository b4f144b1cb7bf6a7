/**
 * The deployed entry point (Powertools Parser + Logger + Metrics, env parsed at cold start): the queues in fauxqs
 * (AWS_ENDPOINT_URL_SQS), the state table in dynalite, Step Functions and SNS mocked at the class level.
 */

import { bucketMadePublicByAcl, eventBridgeEvent } from '@aisaws/testing/fixtures';
import {
  createTables,
  emulatedLambdaEnvironment,
  fakeLambdaContext,
  type RunningDynalite,
  startDynalite,
} from '@aisaws/testing/harness';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { type FauxqsServer, interceptLocalhostDns, startFauxqs } from 'fauxqs';

const TRIAGE = 'arn:aws:states:us-east-1:111111111111:stateMachine:aisaws-test-triage';
const sfnMock = mockClient(SFNClient);
const snsMock = mockClient(SNSClient);
let fauxqs: FauxqsServer;
let dynalite: RunningDynalite;
let dlq: string;
let handler: (event: unknown, context: Context) => Promise<unknown>;
// The handler's own SQS client (endpoint from the environment) sends to the queue URL's host, sqs.<region>.localhost:
// fauxqs resolves such names to loopback for this test file.
let restoreDns: () => void;

beforeAll(async () => {
  restoreDns = interceptLocalhostDns();
  fauxqs = await startFauxqs({ port: 0, logger: false });
  dynalite = await startDynalite();
  await createTables(dynalite.client, { state: 'test-state' });
  dlq = fauxqs.createQueue('test-events-dlq').queueUrl;
  const parked = fauxqs.createQueue('test-parked').queueUrl;
  Object.assign(process.env, emulatedLambdaEnvironment({ dynamodb: dynalite.endpoint }), {
    AWS_ENDPOINT_URL_SQS: `http://sqs.us-east-1.localhost:${fauxqs.port}`,
    TRIAGE_STATE_MACHINE_ARN: TRIAGE,
    SECURITY_BUS_ARN: 'arn:aws:events:us-east-1:111111111111:event-bus/default',
    ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:aisaws-test-alerts',
    STATE_TABLE_NAME: 'test-state',
    PARKED_QUEUE_URL: parked,
    EVENTS_DLQ_URL: dlq,
  });
  ({ handler } = (await import('../src/handler.js')) as unknown as { handler: typeof handler });
}, 30_000);
afterAll(async () => {
  await fauxqs.stop();
  await dynalite.stop();
  restoreDns();
});

describe('handler (Powertools middleware)', () => {
  it('refuses an input that is not a reconcile request before reading any queue', async () => {
    await expect(
      handler({ sources: ['everything'] }, fakeLambdaContext('aisaws-test-reconcile')),
    ).rejects.toThrow();
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('reads nothing when the invocation has too little time left', async () => {
    const sqs = new SQSClient({ endpoint: fauxqs.address });
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: dlq,
        MessageBody: JSON.stringify(eventBridgeEvent(bucketMadePublicByAcl())),
      }),
    );
    const hurried = { ...fakeLambdaContext('aisaws-test-reconcile'), getRemainingTimeInMillis: () => 5_000 };

    const report = await handler({}, hurried);

    expect(report).toMatchObject({ sources: [{ kind: 'events-dlq', received: 0 }] });
    sqs.destroy();
  });

  it('replays the dead letter on the scheduled input {} and reports per queue', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn:x' });
    snsMock.on(PublishCommand).resolves({ MessageId: 'm' });

    const report = await handler({}, fakeLambdaContext('aisaws-test-reconcile'));

    expect(report).toMatchObject({
      sources: [{ kind: 'events-dlq', received: 1, replayed: 1, parked: 0, left: 0 }],
      parkedAlert: 'none',
    });
    expect(sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input.stateMachineArn).toBe(TRIAGE);
  });
});
