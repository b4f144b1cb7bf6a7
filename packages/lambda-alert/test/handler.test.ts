import type { AlertRequest } from '@aisaws/core/schemas';
import {
  createTables,
  emulatedLambdaEnvironment,
  fakeLambdaContext,
  type RunningDynalite,
  startDynalite,
} from '@aisaws/testing/harness';
import { publicBucketDecidedEvent } from '@aisaws/testing/workflow';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';

// The deployed entry point (Powertools middleware, env parsed at cold start), with its idempotency table in dynalite
// (AWS_ENDPOINT_URL_DYNAMODB) and SNS mocked at the class level (the handler builds its own client).
const snsMock = mockClient(SNSClient);
let dynalite: RunningDynalite;
let handler: (event: unknown, context: Context) => Promise<unknown>;

const context = fakeLambdaContext('aisaws-test-alert');

beforeAll(async () => {
  dynalite = await startDynalite();
  await createTables(dynalite.client, { idempotency: 'test-idempotency' });
  Object.assign(process.env, emulatedLambdaEnvironment({ dynamodb: dynalite.endpoint }), {
    ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:999999999999:aisaws-test-alerts',
    APPROVAL_BASE_URL: 'https://approve.example/',
    APPROVAL_SIGNING_KEY_SECRET: 'aisaws/test/approval-key',
    IDEMPOTENCY_TABLE_NAME: 'test-idempotency',
  });
  ({ handler } = (await import('../src/handler.js')) as unknown as { handler: typeof handler });
});
afterAll(async () => {
  await dynalite.stop();
});

describe('handler (Powertools middleware)', () => {
  it('publishes once for the same (eventId, kind): a retried invocation returns the stored result', async () => {
    // Prepare
    snsMock.on(PublishCommand).resolves({ MessageId: 'msg-once' });
    const request: AlertRequest = {
      schemaVersion: 1,
      kind: 'remediation-failed',
      event: publicBucketDecidedEvent({ eventId: 'handler-1' }),
      error: { error: 'X', cause: 'y' },
    };
    // Act
    const first = await handler(request, context);
    const second = await handler(request, context);
    // Assess
    expect(first).toMatchObject({ messageId: 'msg-once', kind: 'remediation-failed', eventId: 'handler-1' });
    expect(second).toEqual(first);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it('rejects input that is not an AlertRequest before publishing', async () => {
    await expect(handler({ kind: 'remediated' }, context)).rejects.toThrow();
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
  });
});
