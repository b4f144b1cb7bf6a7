import { AlertOutboxMessageSchema, type AlertRequest, alertKeyOf } from '@aisaws/core/schemas';
import { publicBucketDecidedEvent } from '@aisaws/testing/workflow';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { createAlertHandler } from '../src/create-alert-handler.js';

const TOPIC = 'arn:aws:sns:eu-west-1:999999999999:aisaws-test-alerts';
const OUTBOX = 'https://sqs.eu-west-1.amazonaws.com/999999999999/aisaws-test-alert-outbox';
const NOW = new Date('2026-12-05T03:00:00Z');
const snsMock = mockClient(SNSClient);
const sqsMock = mockClient(SQSClient);

/** What the SDK throws for SNS after its retries when the service fails (5xx). */
const snsDown = () =>
  Object.assign(new Error('We encountered an internal error'), {
    name: 'InternalErrorException',
    $fault: 'server',
    $metadata: { httpStatusCode: 500 },
  });

const handlerWith = (outbox: boolean) =>
  createAlertHandler({
    sns: new SNSClient({ region: 'eu-west-1' }),
    topicArn: TOPIC,
    clock: { now: () => NOW },
    ...(outbox ? { outbox: { sqs: new SQSClient({ region: 'eu-west-1' }), queueUrl: OUTBOX } } : {}),
  });

const request = (): AlertRequest => ({
  schemaVersion: 1,
  kind: 'remediation-failed',
  event: publicBucketDecidedEvent(),
  error: { error: 'Boom', cause: 'x' },
});

beforeEach(() => {
  snsMock.reset();
  sqsMock.reset();
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'sqs-1' });
});

describe('Alert outbox (SNS down)', () => {
  it('keeps the rendered alert in the outbox and says it is queued, not published', async () => {
    // Prepare
    snsMock.on(PublishCommand).rejects(snsDown());
    const alert = request();

    // Act
    const result = await handlerWith(true)(alert);

    // Assess
    const key = alertKeyOf({ eventId: alert.event.eventId, kind: 'remediation-failed' });
    expect(result).toEqual({
      schemaVersion: 1,
      eventId: alert.event.eventId,
      kind: 'remediation-failed',
      messageId: `outbox:${key}`,
      subject: expect.stringMatching(/fix FAILED$/),
      delivery: 'queued',
    });
    const sent = sqsMock.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.QueueUrl).toBe(OUTBOX);
    const body = AlertOutboxMessageSchema.parse(JSON.parse(sent[0]?.MessageBody ?? ''));
    const published = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(body).toMatchObject({
      alertKey: key,
      topicArn: TOPIC,
      subject: published?.Subject,
      message: published?.Message,
      queuedAt: NOW.toISOString(),
      publishError: 'InternalErrorException: We encountered an internal error',
    });
    expect(body.attributes).toEqual(
      Object.fromEntries(
        Object.entries(published?.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue]),
      ),
    );
  });

  it('throws what SNS threw when it is no outage (access denied), and keeps nothing', async () => {
    snsMock.on(PublishCommand).rejects(
      Object.assign(new Error('not authorized'), {
        name: 'AuthorizationErrorException',
        $metadata: { httpStatusCode: 403 },
      }),
    );

    await expect(handlerWith(true)(request())).rejects.toMatchObject({ name: 'AuthorizationErrorException' });
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('without an outbox, an SNS outage fails the alert as before', async () => {
    snsMock.on(PublishCommand).rejects(snsDown());

    await expect(handlerWith(false)(request())).rejects.toMatchObject({ name: 'InternalErrorException' });
  });

  it('a published alert says so', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'msg-1' });

    const result = await handlerWith(true)(request());

    expect(result).toMatchObject({ messageId: 'msg-1', delivery: 'published' });
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });
});
