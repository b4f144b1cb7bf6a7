import {
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { getPlaybookImplementation, InvalidTargetError } from '../src/index.js';
import { createPlaybookHarness, declared, ref, writesAmong } from './helpers/harness.js';

const iam = mockClient(IAMClient);
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const OTHER_KEY = 'AKIAI44QH8DHBEXAMPLE';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const keys = (status: 'Active' | 'Inactive') => ({
  AccessKeyMetadata: [
    { UserName: 'alice', AccessKeyId: OTHER_KEY, Status: 'Active' as const },
    { UserName: 'alice', AccessKeyId: KEY_ID, Status: status },
  ],
});

describe('Playbook: iam.deactivate-access-key', () => {
  const playbook = getPlaybookImplementation('iam.deactivate-access-key');
  const harness = createPlaybookHarness();
  const key = ref(
    'AWS::IAM::AccessKey',
    KEY_ID,
    { userName: 'alice', accessKeyId: KEY_ID },
    { region: 'us-east-1' },
  );
  beforeEach(() => {
    iam.reset();
    harness.reset();
  });

  it('snapshots the key status and sets it Inactive', async () => {
    // Prepare
    iam.on(ListAccessKeysCommand).resolves(keys('Active'));
    // Act
    const snapshot = await playbook.snapshot(key, harness.context());
    const applied = await playbook.apply(key, snapshot, harness.context());
    // Assess
    expect(iam).toHaveReceivedCommandWith(ListAccessKeysCommand, { UserName: 'alice' });
    expect(snapshot).toEqual({ userName: 'alice', accessKeyId: KEY_ID, status: 'Active' });
    expect(applied.status).toBe('applied');
    expect(iam.commandCalls(UpdateAccessKeyCommand)[0]?.args[0].input).toEqual({
      UserName: 'alice',
      AccessKeyId: KEY_ID,
      Status: 'Inactive',
    });
  });

  it('follows ListAccessKeys pages', async () => {
    // Prepare
    iam
      .on(ListAccessKeysCommand)
      .resolvesOnce({
        AccessKeyMetadata: [{ AccessKeyId: OTHER_KEY, Status: 'Active' }],
        IsTruncated: true,
        Marker: 'm1',
      })
      .resolves({ AccessKeyMetadata: [{ AccessKeyId: KEY_ID, Status: 'Inactive' }] });
    // Act
    const outcome = await playbook.verify(key, harness.context());
    // Assess
    expect(iam.commandCalls(ListAccessKeysCommand)[1]?.args[0].input).toEqual({
      UserName: 'alice',
      Marker: 'm1',
    });
    expect(outcome.converged).toBe(true);
  });

  it('is idempotent: an Inactive (or deleted) key gets no write', async () => {
    // Prepare
    iam.on(ListAccessKeysCommand).resolvesOnce(keys('Inactive')).resolves({ AccessKeyMetadata: [] });
    // Act
    const inactive = await playbook.apply(
      key,
      { userName: 'alice', accessKeyId: KEY_ID, status: 'Active' },
      harness.context(),
    );
    const deleted = await playbook.apply(
      key,
      { userName: 'alice', accessKeyId: KEY_ID, status: 'Active' },
      harness.context(),
    );
    // Assess
    expect(inactive.status).toBe('already-compliant');
    expect(deleted.status).toBe('already-compliant');
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('verifies from ListAccessKeys', async () => {
    // Prepare
    iam.on(ListAccessKeysCommand).resolvesOnce(keys('Inactive')).resolves(keys('Active'));
    // Act
    const good = await playbook.verify(key, harness.context());
    const bad = await playbook.verify(key, harness.context());
    // Assess
    expect(good).toEqual({
      converged: true,
      observed: { userName: 'alice', accessKeyId: KEY_ID, status: 'Inactive' },
      details: `Access key ${KEY_ID} of alice is Inactive.`,
    });
    expect(bad.converged).toBe(false);
  });

  it('rolls back to Active only when it was Active and is Inactive now', async () => {
    // Prepare
    iam.on(ListAccessKeysCommand).resolves(keys('Inactive'));
    // Act
    await playbook.rollback(
      key,
      { userName: 'alice', accessKeyId: KEY_ID, status: 'Inactive' },
      harness.context(),
    );
    await playbook.rollback(
      key,
      { userName: 'alice', accessKeyId: KEY_ID, status: 'Active' },
      harness.context(),
    );
    // Assess
    expect(iam.commandCalls(UpdateAccessKeyCommand).map((call) => call.args[0].input)).toEqual([
      { UserName: 'alice', AccessKeyId: KEY_ID, Status: 'Active' },
    ]);
  });

  it.each([
    ['no user name', ref('AWS::IAM::AccessKey', KEY_ID, { accessKeyId: KEY_ID }), 'details.userName'],
    ['no access key id', ref('AWS::IAM::User', 'alice', { userName: 'alice' }), 'details.accessKeyId'],
  ])('rejects a target with %s', async (_case, bad, field) => {
    const error = await playbook.snapshot(bad, harness.context()).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidTargetError);
    expect(error.message).toContain(field);
  });

  it('sends exactly the IAM actions it declares across these tests', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});

describe('Playbook: iam.detach-admin-policy', () => {
  const playbook = getPlaybookImplementation('iam.detach-admin-policy');
  const harness = createPlaybookHarness();
  const attached = (...arns: string[]) => ({
    AttachedPolicies: arns.map((PolicyArn) => ({ PolicyArn, PolicyName: PolicyArn.split('/').pop() })),
  });
  beforeEach(() => {
    iam.reset();
    harness.reset();
  });

  type ListOutput = ReturnType<typeof attached> & { IsTruncated?: boolean; Marker?: string };
  /** One principal kind: how to stub its list call and read the inputs its list/detach/attach calls got. */
  interface Variant {
    readonly kind: 'user' | 'role' | 'group';
    readonly details: Record<string, string>;
    readonly name: string;
    readonly stubList: (...outputs: ListOutput[]) => void;
    readonly listInputs: () => unknown[];
    readonly detachInputs: () => unknown[];
    readonly attachInputs: () => unknown[];
    readonly input: Record<string, string>;
  }
  const variants: Variant[] = [
    {
      kind: 'user',
      details: { userName: 'alice', policyArn: ADMIN },
      name: 'alice',
      stubList: (...outputs) => {
        const stub = iam.on(ListAttachedUserPoliciesCommand);
        for (const output of outputs.slice(0, -1)) stub.resolvesOnce(output);
        stub.resolves(outputs.at(-1) ?? attached());
      },
      listInputs: () => iam.commandCalls(ListAttachedUserPoliciesCommand).map((call) => call.args[0].input),
      detachInputs: () => iam.commandCalls(DetachUserPolicyCommand).map((call) => call.args[0].input),
      attachInputs: () => iam.commandCalls(AttachUserPolicyCommand).map((call) => call.args[0].input),
      input: { UserName: 'alice', PolicyArn: ADMIN },
    },
    {
      kind: 'role',
      details: { roleName: 'ci', policyArn: ADMIN },
      name: 'ci',
      stubList: (...outputs) => {
        const stub = iam.on(ListAttachedRolePoliciesCommand);
        for (const output of outputs.slice(0, -1)) stub.resolvesOnce(output);
        stub.resolves(outputs.at(-1) ?? attached());
      },
      listInputs: () => iam.commandCalls(ListAttachedRolePoliciesCommand).map((call) => call.args[0].input),
      detachInputs: () => iam.commandCalls(DetachRolePolicyCommand).map((call) => call.args[0].input),
      attachInputs: () => iam.commandCalls(AttachRolePolicyCommand).map((call) => call.args[0].input),
      input: { RoleName: 'ci', PolicyArn: ADMIN },
    },
    {
      kind: 'group',
      details: { groupName: 'devs', policyArn: ADMIN },
      name: 'devs',
      stubList: (...outputs) => {
        const stub = iam.on(ListAttachedGroupPoliciesCommand);
        for (const output of outputs.slice(0, -1)) stub.resolvesOnce(output);
        stub.resolves(outputs.at(-1) ?? attached());
      },
      listInputs: () => iam.commandCalls(ListAttachedGroupPoliciesCommand).map((call) => call.args[0].input),
      detachInputs: () => iam.commandCalls(DetachGroupPolicyCommand).map((call) => call.args[0].input),
      attachInputs: () => iam.commandCalls(AttachGroupPolicyCommand).map((call) => call.args[0].input),
      input: { GroupName: 'devs', PolicyArn: ADMIN },
    },
  ];

  describe.each(variants)(
    'on a $kind',
    ({ kind, details, name, stubList, listInputs, detachInputs, attachInputs, input }) => {
      const target = ref('AWS::IAM::Policy', ADMIN, details, { region: 'us-east-1' });
      const listKey = Object.keys(input)[0] ?? '';

      it('snapshots the attachment and detaches the policy', async () => {
        // Prepare
        stubList(attached('arn:aws:iam::aws:policy/ReadOnlyAccess', ADMIN));
        // Act
        const snapshot = await playbook.snapshot(target, harness.context());
        const applied = await playbook.apply(target, snapshot, harness.context());
        // Assess
        expect(listInputs()[0]).toEqual({ [listKey]: name });
        expect(snapshot).toEqual({ policyArn: ADMIN, principal: { kind, name }, attached: true });
        expect(applied.status).toBe('applied');
        expect(detachInputs()).toEqual([input]);
        expect(attachInputs()).toEqual([]);
      });

      it('is idempotent and verifies from the re-read attachments', async () => {
        // Prepare
        stubList(attached(), attached(), attached(ADMIN));
        // Act
        const applied = await playbook.apply(
          target,
          { policyArn: ADMIN, principal: { kind, name }, attached: true },
          harness.context(),
        );
        const detached = await playbook.verify(target, harness.context());
        const still = await playbook.verify(target, harness.context());
        // Assess
        expect(applied).toEqual({ status: 'already-compliant', changes: [] });
        expect(writesAmong(harness.sent())).toEqual([]);
        expect(detached.converged).toBe(true);
        expect(still).toMatchObject({ converged: false, observed: { attached: true } });
      });

      it('rolls back by attaching the policy again', async () => {
        // Prepare
        stubList(attached());
        // Act
        await playbook.rollback(
          target,
          { policyArn: ADMIN, principal: { kind, name }, attached: true },
          harness.context(),
        );
        // Assess
        expect(attachInputs()).toEqual([input]);
      });
    },
  );

  it('follows ListAttached*Policies pages', async () => {
    // Prepare
    iam
      .on(ListAttachedRolePoliciesCommand)
      .resolvesOnce({
        ...attached('arn:aws:iam::aws:policy/ReadOnlyAccess'),
        IsTruncated: true,
        Marker: 'm1',
      })
      .resolves(attached(ADMIN));
    // Act
    const outcome = await playbook.verify(
      ref('AWS::IAM::Role', 'ci', { roleName: 'ci', policyArn: ADMIN }),
      harness.context(),
    );
    // Assess
    expect(iam.commandCalls(ListAttachedRolePoliciesCommand)[1]?.args[0].input).toEqual({
      RoleName: 'ci',
      Marker: 'm1',
    });
    expect(outcome.converged).toBe(false);
  });

  it('reads the matcher keys principalType + principalName', async () => {
    // Prepare
    iam.on(ListAttachedRolePoliciesCommand).resolves(attached(ADMIN));
    const fromMatcher = ref('AWS::IAM::Role', 'batch-runner', {
      principalType: 'role',
      principalName: 'batch-runner',
      policyArn: ADMIN,
    });
    // Act
    await playbook.apply(
      fromMatcher,
      { policyArn: ADMIN, principal: { kind: 'role', name: 'batch-runner' }, attached: true },
      harness.context(),
    );
    // Assess
    expect(iam.commandCalls(DetachRolePolicyCommand).map((call) => call.args[0].input)).toEqual([
      { RoleName: 'batch-runner', PolicyArn: ADMIN },
    ]);
  });

  it('treats a null detail (the event did not say) as absent', async () => {
    // Act
    const error = await playbook
      .verify(ref('AWS::IAM::User', 'alice', { userName: 'alice', policyArn: null }), harness.context())
      .catch((e) => e);
    // Assess
    expect(error).toBeInstanceOf(InvalidTargetError);
    expect(error.message).toContain('details.policyArn');
  });

  it('rolls back nothing when the policy was not attached at snapshot time', async () => {
    // Act
    const rolledBack = await playbook.rollback(
      ref('AWS::IAM::Policy', ADMIN, { userName: 'alice', policyArn: ADMIN }),
      { policyArn: ADMIN, principal: { kind: 'user', name: 'alice' }, attached: false },
      harness.context(),
    );
    // Assess
    expect(rolledBack).toEqual({ changes: [] });
    expect(harness.sent()).toEqual([]);
  });

  it.each([
    ['no principal', { policyArn: ADMIN }, 'needs exactly one principal'],
    ['two principals', { policyArn: ADMIN, userName: 'a', roleName: 'b' }, 'needs exactly one principal'],
    ['no policy ARN', { userName: 'alice' }, 'details.policyArn'],
  ])('rejects a target with %s', async (_case, details, message) => {
    const error = await playbook
      .snapshot(ref('AWS::IAM::User', 'alice', details), harness.context())
      .catch((e) => e);
    expect(error).toBeInstanceOf(InvalidTargetError);
    expect(error.message).toContain(message);
    expect(harness.sent()).toEqual([]);
  });

  it('sends exactly the IAM actions it declares across these tests', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});
