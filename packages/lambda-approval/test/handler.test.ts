import { signApprovalLink } from '@aisaws/core/approval';
import {
  createTables,
  emulatedLambdaEnvironment,
  fakeLambdaContext,
  type RunningDynalite,
  startDynalite,
} from '@aisaws/testing/harness';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';

// The deployed entry point with its state table in dynalite (AWS_ENDPOINT_URL_DYNAMODB); SSM and SFN are mocked at
// the class level because the handler builds its own clients.
const sfnMock = mockClient(SFNClient);
const secretsMock = mockClient(SecretsManagerClient);
let dynalite: RunningDynalite;
let handler: (event: unknown, context: Context) => Promise<{ statusCode: number; body: string }>;

const context = fakeLambdaContext('aisaws-test-approval');

beforeAll(async () => {
  dynalite = await startDynalite();
  await createTables(dynalite.client, { state: 'handler-state' });
  Object.assign(process.env, emulatedLambdaEnvironment({ dynamodb: dynalite.endpoint }), {
    STATE_TABLE_NAME: 'handler-state',
    APPROVAL_SIGNING_KEY_SECRET: 'aisaws/test/approval-key',
  });
  secretsMock.on(GetSecretValueCommand).resolves({ SecretString: 'deployed-key' });
  sfnMock.on(SendTaskSuccessCommand).resolves({});
  ({ handler } = (await import('../src/handler.js')) as unknown as { handler: typeof handler });
});
afterAll(async () => {
  await dynalite.stop();
});

describe('handler (deployed entry point)', () => {
  it('shows the page on GET, approves once on the POST (function URL events), reading the key from Secrets Manager once', async () => {
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
    const opened = {
      version: '2.0',
      rawPath: '/',
      rawQueryString: url.search.slice(1),
      queryStringParameters: Object.fromEntries(url.searchParams),
      requestContext: { http: { method: 'GET', path: '/', sourceIp: '192.0.2.1', userAgent: 'Mail' } },
      isBase64Encoded: false,
    };
    const confirmed = {
      version: '2.0',
      rawPath: '/',
      rawQueryString: '',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: url.searchParams.toString(),
      requestContext: {
        http: { method: 'POST', path: '/', sourceIp: '192.0.2.1', userAgent: 'Mozilla/5.0' },
      },
      isBase64Encoded: false,
    };
    // Act
    const page = await handler(opened, context);
    const first = await handler(confirmed, context);
    const second = await handler(confirmed, context);
    // Assess
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Approve the fix');
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('Approved');
    expect(second.statusCode).toBe(409);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    expect(secretsMock.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: 'aisaws/test/approval-key' },
    ]);
  });
});
