import {
  AddPermissionCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  LambdaClient,
  RemovePermissionCommand,
  UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { getPlaybookImplementation, InvalidTargetError } from '../src/index.js';
import { createPlaybookHarness, declared, ref, writesAmong } from './helpers/harness.js';

const lambda = mockClient(LambdaClient);
const awsError = (name: string) => Object.assign(new Error(name), { name });
const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:111122223333:function:webhook';
const urlConfig = (AuthType: 'NONE' | 'AWS_IAM') => ({
  FunctionUrl: 'https://abc.lambda-url.eu-west-1.on.aws/',
  FunctionArn: FUNCTION_ARN,
  AuthType,
  CreationTime: '2026-01-01T00:00:00Z',
  LastModifiedTime: '2026-01-01T00:00:00Z',
});

describe('Playbook: lambda.require-url-auth', () => {
  const playbook = getPlaybookImplementation('lambda.require-url-auth');
  const harness = createPlaybookHarness();
  const fn = ref('AWS::Lambda::Function', 'webhook', { functionName: 'webhook', qualifier: 'live' });
  beforeEach(() => {
    lambda.reset();
    harness.reset();
  });

  it('snapshots the auth type and sets AWS_IAM on the qualified URL', async () => {
    // Prepare
    lambda.on(GetFunctionUrlConfigCommand).resolves(urlConfig('NONE'));
    // Act
    const snapshot = await playbook.snapshot(fn, harness.context());
    const applied = await playbook.apply(fn, snapshot, harness.context());
    // Assess
    expect(lambda).toHaveReceivedCommandWith(GetFunctionUrlConfigCommand, {
      FunctionName: 'webhook',
      Qualifier: 'live',
    });
    expect(snapshot).toEqual({ functionName: 'webhook', authType: 'NONE' });
    expect(applied).toEqual({
      status: 'applied',
      changes: ['UpdateFunctionUrlConfig webhook:live: AuthType NONE → AWS_IAM'],
    });
    expect(lambda.commandCalls(UpdateFunctionUrlConfigCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'webhook',
      Qualifier: 'live',
      AuthType: 'AWS_IAM',
    });
  });

  it('is idempotent: AWS_IAM already, or no URL at all → no write', async () => {
    // Prepare
    lambda
      .on(GetFunctionUrlConfigCommand)
      .resolvesOnce(urlConfig('AWS_IAM'))
      .rejects(awsError('ResourceNotFoundException'));
    // Act
    const iam = await playbook.apply(fn, { functionName: 'webhook', authType: 'AWS_IAM' }, harness.context());
    const gone = await playbook.apply(fn, { functionName: 'webhook', authType: null }, harness.context());
    // Assess
    expect(iam.status).toBe('already-compliant');
    expect(gone.status).toBe('already-compliant');
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('verifies from GetFunctionUrlConfig', async () => {
    // Prepare
    lambda.on(GetFunctionUrlConfigCommand).resolvesOnce(urlConfig('AWS_IAM')).resolves(urlConfig('NONE'));
    // Act
    const good = await playbook.verify(fn, harness.context());
    const bad = await playbook.verify(fn, harness.context());
    // Assess
    expect(good).toEqual({
      converged: true,
      observed: { functionName: 'webhook', authType: 'AWS_IAM' },
      details: 'Function webhook:live URL auth type is AWS_IAM.',
    });
    expect(bad.converged).toBe(false);
  });

  it('rolls back to NONE only when it was NONE before', async () => {
    // Act
    await playbook.rollback(fn, { functionName: 'webhook', authType: 'AWS_IAM' }, harness.context());
    await playbook.rollback(fn, { functionName: 'webhook', authType: 'NONE' }, harness.context());
    // Assess
    expect(lambda.commandCalls(UpdateFunctionUrlConfigCommand).map((call) => call.args[0].input)).toEqual([
      { FunctionName: 'webhook', Qualifier: 'live', AuthType: 'NONE' },
    ]);
  });

  it('sends exactly the IAM actions it declares across these tests', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});

describe('Playbook: lambda.remove-public-permission', () => {
  const playbook = getPlaybookImplementation('lambda.remove-public-permission');
  const harness = createPlaybookHarness();
  const fn = ref('AWS::Lambda::Function', 'webhook', {
    functionName: 'webhook',
    statementId: 'public-invoke',
  });
  const PUBLIC = {
    Sid: 'public-invoke',
    Effect: 'Allow',
    Principal: '*',
    Action: 'lambda:InvokeFunctionUrl',
    Resource: FUNCTION_ARN,
    Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } },
  };
  const S3_TRIGGER = {
    Sid: 's3-trigger',
    Effect: 'Allow',
    Principal: { Service: 's3.amazonaws.com' },
    Action: 'lambda:InvokeFunction',
    Resource: FUNCTION_ARN,
    Condition: {
      StringEquals: { 'AWS:SourceAccount': '111122223333' },
      ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::uploads' },
    },
  };
  const policy = (...Statement: object[]) => ({
    Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement }),
  });
  beforeEach(() => {
    lambda.reset();
    harness.reset();
  });

  it('snapshots the statement and removes it by StatementId', async () => {
    // Prepare
    lambda.on(GetPolicyCommand).resolves(policy(S3_TRIGGER, PUBLIC));
    // Act
    const snapshot = await playbook.snapshot(fn, harness.context());
    const applied = await playbook.apply(fn, snapshot, harness.context());
    // Assess
    expect(lambda).toHaveReceivedCommandWith(GetPolicyCommand, { FunctionName: 'webhook' });
    expect(snapshot).toEqual({ functionName: 'webhook', statement: PUBLIC });
    expect(applied.status).toBe('applied');
    expect(lambda.commandCalls(RemovePermissionCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'webhook',
      StatementId: 'public-invoke',
    });
  });

  it('is idempotent: statement gone, or no policy → no write', async () => {
    // Prepare
    lambda
      .on(GetPolicyCommand)
      .resolvesOnce(policy(S3_TRIGGER))
      .rejects(awsError('ResourceNotFoundException'));
    // Act
    const first = await playbook.apply(fn, { functionName: 'webhook', statement: null }, harness.context());
    const second = await playbook.apply(fn, { functionName: 'webhook', statement: null }, harness.context());
    // Assess
    expect(first.status).toBe('already-compliant');
    expect(second.status).toBe('already-compliant');
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('re-checks the live statement before removing it: narrowed since the event → left alone and converged', async () => {
    // Prepare: same Sid, but the statement now only lets one account's bucket in
    const narrowed = {
      ...PUBLIC,
      Principal: { Service: 's3.amazonaws.com' },
      Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::uploads' } },
    };
    lambda.on(GetPolicyCommand).resolves(policy(narrowed));
    // Act
    const applied = await playbook.apply(
      fn,
      { functionName: 'webhook', statement: PUBLIC },
      harness.context(),
    );
    const verified = await playbook.verify(fn, harness.context());
    // Assess
    expect(applied).toEqual({ status: 'already-compliant', changes: [] });
    expect(lambda).not.toHaveReceivedCommand(RemovePermissionCommand);
    expect(verified).toMatchObject({ converged: true, observed: { statementPresent: true, exposed: false } });
  });

  it('still removes a statement whose condition does not narrow (negated operator) or that names another account', async () => {
    // Prepare
    const negated = { ...PUBLIC, Condition: { StringNotEquals: { 'AWS:SourceAccount': '111122223333' } } };
    const foreign = { ...PUBLIC, Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Condition: undefined };
    lambda.on(GetPolicyCommand).resolvesOnce(policy(negated)).resolves(policy(foreign));
    // Act
    const first = await playbook.apply(fn, { functionName: 'webhook', statement: null }, harness.context());
    const second = await playbook.apply(fn, { functionName: 'webhook', statement: null }, harness.context());
    // Assess
    expect([first.status, second.status]).toEqual(['applied', 'applied']);
    expect(lambda.commandCalls(RemovePermissionCommand)).toHaveLength(2);
  });

  it('verifies from the re-read policy', async () => {
    // Prepare
    lambda.on(GetPolicyCommand).resolvesOnce(policy(S3_TRIGGER)).resolves(policy(PUBLIC));
    // Act
    const good = await playbook.verify(fn, harness.context());
    const bad = await playbook.verify(fn, harness.context());
    // Assess
    expect(good).toMatchObject({ converged: true, observed: { statementPresent: false } });
    expect(bad).toMatchObject({ converged: false, observed: { statementPresent: true } });
  });

  it('rolls back with AddPermission rebuilt from the snapshot statement (principal, action, conditions)', async () => {
    // Prepare
    lambda.on(GetPolicyCommand).rejects(awsError('ResourceNotFoundException'));
    // Act
    await playbook.rollback(fn, { functionName: 'webhook', statement: PUBLIC }, harness.context());
    await playbook.rollback(
      ref('AWS::Lambda::Function', 'webhook', { statementId: 's3-trigger' }),
      { functionName: 'webhook', statement: S3_TRIGGER },
      harness.context(),
    );
    // Assess
    expect(lambda.commandCalls(AddPermissionCommand).map((call) => call.args[0].input)).toEqual([
      {
        FunctionName: 'webhook',
        StatementId: 'public-invoke',
        Action: 'lambda:InvokeFunctionUrl',
        Principal: '*',
        FunctionUrlAuthType: 'NONE',
      },
      {
        FunctionName: 'webhook',
        StatementId: 's3-trigger',
        Action: 'lambda:InvokeFunction',
        Principal: 's3.amazonaws.com',
        SourceArn: 'arn:aws:s3:::uploads',
        SourceAccount: '111122223333',
      },
    ]);
  });

  it('rolls back nothing when the statement is back already', async () => {
    // Prepare
    lambda.on(GetPolicyCommand).resolves(policy(PUBLIC));
    // Act
    const rolledBack = await playbook.rollback(
      fn,
      { functionName: 'webhook', statement: PUBLIC },
      harness.context(),
    );
    // Assess
    expect(rolledBack).toEqual({ changes: [] });
    expect(lambda).not.toHaveReceivedCommand(AddPermissionCommand);
  });

  it('rejects a target without details.statementId', async () => {
    const error = await playbook
      .apply(ref('AWS::Lambda::Function', 'webhook'), {}, harness.context())
      .catch((e) => e);
    expect(error).toBeInstanceOf(InvalidTargetError);
    expect(error.message).toContain('details.statementId');
    expect(harness.sent()).toEqual([]);
  });

  it('sends exactly the IAM actions it declares across these tests', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});
