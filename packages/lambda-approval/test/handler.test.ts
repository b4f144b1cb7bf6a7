import { signApprovalLink } from '@aisaws/core/approval';
import {
  createTables,
  emulatedLambdaEnvironment,
  fakeLambdaContext,
  type RunningDynalite,
  startDynalite,
} from '@aisaws/testing/harness';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';

// The deployed entry point with its state table in dynalite (AWS_ENDPOINT_URL_DYNAMODB); SSM and SFN are mocked at
// the class level because the handler builds its own clients.
const sfnMock = mockClient(SFNClient);
const ssmMock = mockClient(SSMClient);
let dynalite: RunningDynalite;
let handler: (event: unknown, context: Context) => Promise<{ statusCode: number; body: string }>;

const context = fakeLambdaContext('aisaws-test-approval');

beforeAll(async () => {
  dynalite = await startDynalite();
  await createTables(dynalite.client, { state: 'handler-state' });
  Object.assign(process.env, emulatedLambdaEnvironment({ dynamodb: dynalite.endpoint }), {
    STATE_TABLE_NAME: 'handler-state',
    APPROVAL_SIGNING_KEY_PARAMETER: '/aisaws/test/approval-key',
  });
  ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: 'deployed-key' } });
  sfnMock.on(SendTaskSuccessCommand).resolves({});
  ({ handler } = (await import('../src/handler.js')) as unknown as { handler: typeof handler });
});
afterAll(async () => {
  await dynalite.stop();
});

describe('handler (deployed entry point)', () => {
  it('approves once through a real function URL event, reading the key with WithDecryption', async () => {
    // Prepare
    const url = new URL(
      signApprovalLink({
        baseUrl: 'https://abc.lambda-url.eu-west-1.on.aws/',
        taskToken: 'deployed-token',
        decision: 'approve',
        expiresAt: Math.floor(Date.now() / 1000) + 600,
        key: 'deployed-key',
      }),
    );
    const event = {
      version: '2.0',
      rawPath: '/',
      rawQueryString: url.search.slice(1),
      queryStringParameters: Object.fromEntries(url.searchParams),
      requestContext: { http: { method: 'GET', path: '/', sourceIp: '192.0.2.1', userAgent: 'Mail' } },
      isBase64Encoded: false,
    };
    // Act
    const first = await handler(event, context);
    const second = await handler(event, context);
    // Assess
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(409);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    expect(ssmMock.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: '/aisaws/test/approval-key', WithDecryption: true },
    ]);
  });
});
