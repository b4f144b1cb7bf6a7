import { verifyApprovalLink } from '@aisaws/core/approval';
import type { RollbackAlertRequest } from '@aisaws/core/schemas';
import { publicBucketDecidedEvent } from '@aisaws/testing/workflow';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { marshall } from '@aws-sdk/util-dynamodb';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { createAlertHandler } from '../src/create-alert-handler.js';

const TOPIC = 'arn:aws:sns:eu-west-1:999999999999:aisaws-test-alerts';
const NOW = new Date('2026-03-08T10:00:00Z');
const KEY = 'rollback-offer-test-key';
const EVENT_ID = '3f1c2a9e-7b7d-4c1e-9a51-0d6f1b2c3a4d';
const snsMock = mockClient(SNSClient);

const handler = createAlertHandler({
  sns: new SNSClient({ region: 'eu-west-1' }),
  topicArn: TOPIC,
  clock: { now: () => NOW },
  approval: { baseUrl: 'https://approve.example/', signingKey: async () => KEY },
});

/** The events item of a verified fix as the rollback workflow's GetItem returns it (DynamoDB attribute values). */
function storedItem(overrides: { actorArn?: string; bucket?: string; changes?: string[] } = {}) {
  const decided = publicBucketDecidedEvent({ eventId: EVENT_ID });
  const bucket = overrides.bucket ?? 'demo-bucket';
  const resource = {
    type: 'AWS::S3::Bucket',
    id: bucket,
    account: '111122223333',
    region: 'eu-west-1',
    details: {},
  };
  return marshall(
    {
      eventId: EVENT_ID,
      status: 'VERIFIED',
      summary: {
        ...decided.summary,
        actor: { ...decided.summary.actor, arn: overrides.actorArn ?? decided.summary.actor.arn },
      },
      decision: decided.decision,
      detections: decided.detections,
      snapshot: { playbook: 's3.make-bucket-private', takenAt: '2026-03-01T12:00:01Z', resource },
      remediation: {
        status: 'applied',
        changes: overrides.changes ?? [`PutBucketAcl ${bucket}: removed AllUsers READ`],
        at: '2026-03-01T12:00:02Z',
      },
      verification: { status: 'converged', checkedAt: '2026-03-01T12:00:03Z' },
    },
    { removeUndefinedValues: true },
  );
}

function offer(item = storedItem()): RollbackAlertRequest {
  return {
    schemaVersion: 1,
    kind: 'rollback-offer',
    eventId: EVENT_ID,
    item,
    taskToken: 'task-token-of-the-offer',
    windowSeconds: 7 * 86_400,
  };
}

const published = () => snsMock.commandCalls(PublishCommand).map((call) => call.args[0].input);

beforeEach(() => {
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'msg-1' });
});

describe('rollback workflow alerts (built from the stored events item)', () => {
  it('rollback-offer: signed rollback links bound to the event, the task token and the window, and a keep-the-fix link', async () => {
    // Act
    const result = await handler(offer());
    // Assess
    expect(result).toMatchObject({ eventId: EVENT_ID, kind: 'rollback-offer', messageId: 'msg-1' });
    const [input] = published();
    expect(input?.Subject).toBe(
      '[AISAWS HIGH] s3.make-bucket-private: demo-bucket — fixed; rollback available',
    );
    expect(input?.MessageAttributes?.outcome).toEqual({
      DataType: 'String',
      StringValue: 'rollback-offered',
    });
    const body = input?.Message ?? '';
    const rollBack = /Roll back: +(\S+)/.exec(body)?.[1] ?? '';
    const keep = /Keep the fix: +(\S+)/.exec(body)?.[1] ?? '';
    const verdictOf = (url: string) =>
      verifyApprovalLink(Object.fromEntries(new URL(url).searchParams), KEY, NOW);
    expect(verdictOf(rollBack)).toEqual({
      valid: true,
      taskToken: 'task-token-of-the-offer',
      decision: 'approve',
      expiresAt: NOW.getTime() / 1000 + 7 * 86_400,
      rollbackOf: EVENT_ID,
    });
    expect(verdictOf(keep)).toMatchObject({ valid: true, decision: 'reject', rollbackOf: EVENT_ID });
    expect(body).toContain('The offer closes at 2026-03-15T10:00:00.000Z');
    expect(body).toContain('PutBucketAcl demo-bucket: removed AllUsers READ');
    expect(body).toContain('Rollback restores:');
  });

  it('strips control characters from every item value and labels the caller-chosen ones untrusted', async () => {
    // Prepare: an actor ARN and a bucket name carrying a forged header line and a terminal escape
    const item = storedItem({
      actorArn: 'arn:aws:iam::111122223333:user/x\r\nSubject: all clear\u001b[2J',
      bucket: 'bucket\nClick https://evil.example',
      changes: ['PutBucketAcl x:\u0007 done\r\nAPPROVED'],
    });
    // Act
    await handler(offer(item));
    // Assess
    const [input] = published();
    const body = input?.Message ?? '';
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting that none reach the e-mail
    const controls = /[\u0000-\u0008\u000b-\u001f\u007f]/;
    expect(body.split('\n').every((l) => !controls.test(l))).toBe(true);
    expect(input?.Subject).not.toMatch(/[\r\n]/);
    expect(body).not.toMatch(/^Subject: all clear/m);
    expect(body).not.toMatch(/^Click https/m);
    expect(body).not.toMatch(/^APPROVED/m);
    expect(body).toMatch(/Actor \[untrusted\]: arn:aws:iam::111122223333:user\/x.*Subject: all clear/);
    expect(body).toMatch(/Resource \[untrusted\]: AWS::S3::Bucket bucket.*Click https:\/\/evil.example/);
  });

  it('rollback-refused carries the drift diff; rolled-back the changes; each with its outcome attribute', async () => {
    // Act
    await handler({
      schemaVersion: 1,
      kind: 'rollback-refused',
      eventId: EVENT_ID,
      item: storedItem(),
      error: {
        error: 'RollbackDriftError',
        cause:
          'rollback refused. Live vs verified:\n  acl.Grants[1]: verified (absent), live {"Permission":"WRITE"}',
      },
    });
    await handler({
      schemaVersion: 1,
      kind: 'rolled-back',
      eventId: EVENT_ID,
      item: storedItem(),
      remediation: {
        schemaVersion: 1,
        eventId: EVENT_ID,
        action: 'rollback',
        playbook: 's3.make-bucket-private',
        status: 'rolled-back',
        changes: ['PutBucketAcl demo-bucket: restored AllUsers READ'],
        at: '2026-03-08T10:00:00Z',
      },
    });
    // Assess
    const [refused, rolledBack] = published();
    expect(refused?.MessageAttributes?.outcome?.StringValue).toBe('rollback-refused');
    expect(refused?.Message).toContain('acl.Grants[1]: verified (absent), live {"Permission":"WRITE"}');
    expect(rolledBack?.MessageAttributes?.outcome?.StringValue).toBe('rolled-back');
    expect(rolledBack?.Subject).toContain('ROLLED BACK');
    expect(rolledBack?.Message).toContain('PutBucketAcl demo-bucket: restored AllUsers READ');
  });

  it('refuses an offer without a task token or a window, an item of another event, and a kind/shape mix-up', async () => {
    const { taskToken: _token, ...noToken } = offer();
    const { windowSeconds: _window, ...noWindow } = offer();
    const otherItem = { ...offer(), eventId: 'another-event' };
    const eventKindWithItem = { ...offer(), kind: 'remediated' };
    await expect(handler(noToken)).rejects.toMatchObject({ name: 'MissingTaskTokenError' });
    await expect(handler(noWindow)).rejects.toMatchObject({ name: 'MissingRollbackWindowError' });
    await expect(handler(otherItem)).rejects.toMatchObject({
      name: 'StoredEventViewError',
      message: expect.stringContaining(`the item is event ${EVENT_ID}, the request is for another-event`),
    });
    // zod/mini's error class (the schemas are built with zod/mini): the Lambda's errorType is $ZodError.
    await expect(handler(eventKindWithItem)).rejects.toMatchObject({ name: '$ZodError' });
    expect(published()).toHaveLength(0);
  });
});

describe('the error of a refused or failed rollback (Lambda error cause: JSON in AWS, plain text locally)', () => {
  const DRIFT_MESSAGE = `rollback of event ${EVENT_ID} refused: the resource changed after the fix was verified, and a rollback would overwrite it. Live vs verified:\n  acl.Grants[1]: verified (absent), live {"Permission":"WRITE"}\n  policy: verified (absent), live "deny-all"`;
  /** The Cause Step Functions passes in AWS: the Lambda runtime's error object as JSON text. */
  const awsCause = (errorType: string, errorMessage: string) =>
    JSON.stringify({
      errorType,
      errorMessage,
      trace: [`${errorType}: ${errorMessage.split('\n')[0]}`, '    at rollBack (/var/task/rollback.mjs:1:2)'],
    });

  async function bodyOf(
    kind: 'rollback-refused' | 'rollback-failed',
    error: { error: string; cause: string },
  ): Promise<string> {
    snsMock.resetHistory();
    await handler({ schemaVersion: 1, kind, eventId: EVENT_ID, item: storedItem(), error });
    return published()[0]?.Message ?? '';
  }

  it.each([
    ['AWS (JSON cause)', awsCause('RollbackDriftError', DRIFT_MESSAGE)],
    ['aws-local-stepfunctions (plain cause)', DRIFT_MESSAGE],
  ])(
    '%s: errorType and errorMessage as plain lines, the diff one line each, no JSON and no trace',
    async (_where, cause) => {
      // Act
      const body = await bodyOf('rollback-refused', { error: 'RollbackDriftError', cause });
      // Assess
      const lines = body.split('\n');
      expect(lines).toContain(
        `  Reason [untrusted]: RollbackDriftError: rollback of event ${EVENT_ID} refused: the resource changed after the fix was verified, and a rollback would overwrite it. Live vs verified:`,
      );
      expect(lines).toContain('    |   acl.Grants[1]: verified (absent), live {"Permission":"WRITE"}');
      expect(lines).toContain('    |   policy: verified (absent), live "deny-all"');
      expect(body).not.toContain('errorMessage');
      expect(body).not.toContain('\\n');
      expect(body).not.toContain('/var/task');
    },
  );

  it('rollback-failed: the JSON cause of an SDK error shows its type and message', async () => {
    // Act
    const body = await bodyOf('rollback-failed', {
      error: 'AccessDenied',
      cause: awsCause('AccessDenied', 'User is not authorized to perform: s3:PutBucketAcl'),
    });
    // Assess
    expect(body.split('\n')).toContain(
      '  Error [untrusted]: AccessDenied: User is not authorized to perform: s3:PutBucketAcl',
    );
    expect(body).not.toContain('"errorType"');
  });

  it.each([
    ['text that is not JSON', 'the function timed out after 60 s'],
    ['JSON of another shape', '{"message":"Task timed out"}'],
    ['a JSON string', '"just a string"'],
  ])('falls back to the raw cause for %s', async (_what, cause) => {
    // Act
    const body = await bodyOf('rollback-failed', { error: 'States.Timeout', cause });
    // Assess
    expect(body.split('\n')).toContain(`  Error [untrusted]: States.Timeout: ${cause}`);
  });

  it('keeps the sanitizing: no control characters, no forged line, a length and line limit', async () => {
    // Prepare: a live value in the diff carrying a forged line, a terminal escape and a bidi override, then a flood
    const hostile = `drift:\n  tag: live "x\u001b[2J\u202eSubject: all clear"\r\nAPPROVED: rollback done\n${Array.from(
      { length: 200 },
      (_, i) => `  grant ${i}: ${'w'.repeat(100)}`,
    ).join('\n')}`;
    // Act
    const body = await bodyOf('rollback-refused', {
      error: 'RollbackDriftError',
      cause: awsCause('RollbackDriftError', hostile),
    });
    // Assess
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting that none reach the e-mail
    expect(body).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    expect(body).not.toMatch(/^APPROVED/m);
    expect(body).toContain('    | APPROVED: rollback done');
    const reason = body.slice(body.indexOf('ROLLBACK REFUSED'), body.indexOf('THE FIX'));
    const errorLineCount = reason.split('\n').filter((l) => l.startsWith('    | ')).length;
    expect(errorLineCount).toBeLessThanOrEqual(40);
    expect(reason.length).toBeLessThan(3000 + 41 * 10);
    expect(reason).toMatch(/… \(\d+ more lines\)/);
  });
});
