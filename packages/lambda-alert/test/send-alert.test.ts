import { verifyApprovalLink } from '@aisaws/core/approval';
import type { AlertRequest } from '@aisaws/core/schemas';
import { cachedSecret } from '@aisaws/lambda-runtime/secrets';
import { publicBucketDecidedEvent } from '@aisaws/testing/workflow';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { createAlertHandler } from '../src/create-alert-handler.js';

const TOPIC = 'arn:aws:sns:eu-west-1:999999999999:aisaws-test-alerts';
const NOW = new Date('2026-03-01T11:59:00Z');
const snsMock = mockClient(SNSClient);
const secretsMock = mockClient(SecretsManagerClient);

function handlerUnderTest() {
  return createAlertHandler({
    sns: new SNSClient({ region: 'eu-west-1' }),
    topicArn: TOPIC,
    clock: { now: () => NOW },
    approval: {
      baseUrl: 'https://approve.example/',
      signingKey: cachedSecret(new SecretsManagerClient({ region: 'eu-west-1' }), 'aisaws/test/approval-key'),
    },
  });
}

beforeEach(() => {
  snsMock.reset();
  secretsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'msg-1' });
  secretsMock.on(GetSecretValueCommand).resolves({ SecretString: 'signing-key-from-secrets-manager' });
});

describe('createAlertHandler', () => {
  it('publishes the rendered alert with String message attributes and returns the AlertResult', async () => {
    // Prepare
    const event = publicBucketDecidedEvent();
    const request: AlertRequest = {
      schemaVersion: 1,
      kind: 'remediation-failed',
      event,
      error: { error: 'Boom', cause: 'x' },
    };
    // Act
    const result = await handlerUnderTest()(request);
    // Assess
    const calls = snsMock.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.TopicArn).toBe(TOPIC);
    expect(input?.Subject).toBe(
      '[AISAWS HIGH] S3 bucket or object made public by its ACL: demo-bucket — fix FAILED',
    );
    expect(input?.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'HIGH' },
      detection: { DataType: 'String', StringValue: 's3.bucket-acl-public' },
      account: { DataType: 'String', StringValue: '111122223333' },
      action: { DataType: 'String', StringValue: 'AUTO_REMEDIATE' },
      outcome: { DataType: 'String', StringValue: 'failed' },
    });
    expect(input?.Message).toContain('Error: Boom: x');
    expect(result).toEqual({
      schemaVersion: 1,
      eventId: event.eventId,
      kind: 'remediation-failed',
      messageId: 'msg-1',
      subject: input?.Subject,
      delivery: 'published',
    });
    expect(secretsMock.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('signs approve/reject links with the Secrets Manager key (read once, cached) that the approval side verifies', async () => {
    // Prepare
    const handler = handlerUnderTest();
    const event = publicBucketDecidedEvent({
      decision: { action: 'HUMAN_APPROVAL', approvalTimeoutSeconds: 900 },
    });
    const request: AlertRequest = {
      schemaVersion: 1,
      kind: 'approval-request',
      event,
      taskToken: 'task/token+1==',
    };
    // Act
    await handler(request);
    await handler({ ...request, taskToken: 'task/token+2==' });
    // Assess
    const reads = secretsMock.commandCalls(GetSecretValueCommand);
    expect(reads).toHaveLength(1);
    expect(reads[0]?.args[0].input).toEqual({ SecretId: 'aisaws/test/approval-key' });
    const message = snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';
    const approveUrl = /Approve: (\S+)/.exec(message)?.[1] ?? '';
    const rejectUrl = /Reject: {2}(\S+)/.exec(message)?.[1] ?? '';
    const query = (url: string) => Object.fromEntries(new URL(url).searchParams);
    expect(verifyApprovalLink(query(approveUrl), 'signing-key-from-secrets-manager', NOW)).toEqual({
      valid: true,
      taskToken: 'task/token+1==',
      decision: 'approve',
      expiresAt: Math.floor(NOW.getTime() / 1000) + 900,
    });
    expect(verifyApprovalLink(query(rejectUrl), 'signing-key-from-secrets-manager', NOW)).toMatchObject({
      valid: true,
      decision: 'reject',
    });
    // A verifier holding another key (e.g. after a rotation) refuses the link as signed with another key.
    expect(verifyApprovalLink(query(approveUrl), 'another-key', NOW)).toMatchObject({
      valid: false,
      reason: 'rotated',
    });
  });

  it('refuses an approval request without a task token, before publishing anything', async () => {
    const request = { schemaVersion: 1, kind: 'approval-request', event: publicBucketDecidedEvent() };
    await expect(handlerUnderTest()(request)).rejects.toThrow(
      expect.objectContaining({ name: 'MissingTaskTokenError' }),
    );
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('rejects input that is not an AlertRequest, naming the field', async () => {
    await expect(handlerUnderTest()({ schemaVersion: 1, kind: 'shouted', event: {} })).rejects.toThrow(
      /kind/,
    );
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('does not cache a failed key read: the next approval request reads the secret again', async () => {
    secretsMock.on(GetSecretValueCommand).rejectsOnce(new Error('throttled')).resolves({ SecretString: 'k' });
    const handler = handlerUnderTest();
    const request: AlertRequest = {
      schemaVersion: 1,
      kind: 'approval-request',
      event: publicBucketDecidedEvent(),
      taskToken: 't',
    };
    await expect(handler(request)).rejects.toThrow('throttled');
    await expect(handler(request)).resolves.toMatchObject({ messageId: 'msg-1' });
    expect(secretsMock.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});
