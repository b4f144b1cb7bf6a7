import {
  DeleteGroupPolicyCommand,
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  GetGroupPolicyCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { getPlaybookImplementation, InvalidTargetError } from '../src/index.js';
import { createPlaybookHarness, declared, ref, writesAmong } from './helpers/harness.js';

const iam = mockClient(IAMClient);

const ADMIN = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';
/** IAM returns policy documents URL-encoded (RFC 3986). */
const encoded = (document: string) => encodeURIComponent(document);
const noSuchEntity = () =>
  Object.assign(new Error('The user policy was not found'), { name: 'NoSuchEntity' });

describe('Playbook: iam.delete-inline-admin-policy', () => {
  const playbook = getPlaybookImplementation('iam.delete-inline-admin-policy');
  const harness = createPlaybookHarness();
  const userPolicy = ref('AWS::IAM::User', 'intern', { policyName: 'everything', principalType: 'user' });
  beforeEach(() => {
    iam.reset();
    harness.reset();
  });

  it('saves the decoded document, then deletes exactly that inline policy', async () => {
    // Prepare
    iam.on(GetUserPolicyCommand).resolves({
      UserName: 'intern',
      PolicyName: 'everything',
      PolicyDocument: encoded(ADMIN),
    });
    // Act
    const snapshot = await playbook.snapshot(userPolicy, harness.context());
    const applied = await playbook.apply(userPolicy, snapshot, harness.context());
    // Assess
    expect(snapshot).toEqual({
      kind: 'user',
      principal: 'intern',
      policyName: 'everything',
      document: ADMIN,
    });
    expect(iam).toHaveReceivedCommandWith(GetUserPolicyCommand, {
      UserName: 'intern',
      PolicyName: 'everything',
    });
    expect(iam.commandCalls(DeleteUserPolicyCommand).map((c) => c.args[0].input)).toEqual([
      { UserName: 'intern', PolicyName: 'everything' },
    ]);
    expect(applied).toEqual({
      status: 'applied',
      changes: ['DeleteUserPolicy inline policy everything of IAM user intern'],
    });
  });

  it('uses the role and group APIs for a role and a group', async () => {
    // Prepare
    iam.on(GetRolePolicyCommand).resolves({ PolicyDocument: encoded(ADMIN) });
    iam.on(GetGroupPolicyCommand).resolves({ PolicyDocument: encoded(ADMIN) });
    const role = ref('AWS::IAM::Role', 'batch-runner', { policyName: 'p' });
    const group = ref('AWS::IAM::Group', 'ops', { policyName: 'q' });
    // Act
    await playbook.apply(role, await playbook.snapshot(role, harness.context()), harness.context());
    await playbook.apply(group, await playbook.snapshot(group, harness.context()), harness.context());
    // Assess
    expect(iam).toHaveReceivedCommandWith(DeleteRolePolicyCommand, {
      RoleName: 'batch-runner',
      PolicyName: 'p',
    });
    expect(iam).toHaveReceivedCommandWith(DeleteGroupPolicyCommand, { GroupName: 'ops', PolicyName: 'q' });
    expect(iam).not.toHaveReceivedCommand(DeleteUserPolicyCommand);
  });

  it('is idempotent: a policy already gone gets no write', async () => {
    // Prepare
    iam.on(GetUserPolicyCommand).rejects(noSuchEntity());
    // Act
    const applied = await playbook.apply(
      userPolicy,
      { kind: 'user', principal: 'intern', policyName: 'everything', document: ADMIN },
      harness.context(),
    );
    // Assess
    expect(applied).toEqual({ status: 'already-compliant', changes: [] });
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('refuses to delete a policy rewritten since the snapshot (during the approval wait)', async () => {
    // Prepare
    const narrowed = '{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';
    iam.on(GetUserPolicyCommand).resolves({ PolicyDocument: encoded(narrowed) });
    // Act & Assess
    await expect(
      playbook.apply(
        userPolicy,
        { kind: 'user', principal: 'intern', policyName: 'everything', document: ADMIN },
        harness.context(),
      ),
    ).rejects.toMatchObject({ name: 'InlinePolicyChangedError' });
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('verifies by reading the policy back: gone converges, present does not', async () => {
    // Prepare
    iam
      .on(GetUserPolicyCommand)
      .rejectsOnce(noSuchEntity())
      .resolves({ PolicyDocument: encoded(ADMIN) });
    // Act
    const gone = await playbook.verify(userPolicy, harness.context());
    const present = await playbook.verify(userPolicy, harness.context());
    // Assess
    expect(gone).toMatchObject({ converged: true, observed: { document: null } });
    expect(present).toMatchObject({ converged: false, observed: { document: ADMIN } });
    expect(present.details).toBe('inline policy everything of IAM user intern still exists.');
  });

  it('rolls back by putting the saved document back, for each kind of principal', async () => {
    // Act
    const user = await playbook.rollback(
      userPolicy,
      { kind: 'user', principal: 'intern', policyName: 'everything', document: ADMIN },
      harness.context(),
    );
    await playbook.rollback(
      ref('AWS::IAM::Role', 'batch-runner', { policyName: 'p' }),
      { kind: 'role', principal: 'batch-runner', policyName: 'p', document: ADMIN },
      harness.context(),
    );
    await playbook.rollback(
      ref('AWS::IAM::Group', 'ops', { policyName: 'q' }),
      { kind: 'group', principal: 'ops', policyName: 'q', document: ADMIN },
      harness.context(),
    );
    const nothingSaved = await playbook.rollback(
      userPolicy,
      { kind: 'user', principal: 'intern', policyName: 'everything', document: null },
      harness.context(),
    );
    // Assess
    expect(iam).toHaveReceivedCommandWith(PutUserPolicyCommand, {
      UserName: 'intern',
      PolicyName: 'everything',
      PolicyDocument: ADMIN,
    });
    expect(iam).toHaveReceivedCommandWith(PutRolePolicyCommand, {
      RoleName: 'batch-runner',
      PolicyName: 'p',
    });
    expect(iam).toHaveReceivedCommandWith(PutGroupPolicyCommand, { GroupName: 'ops', PolicyName: 'q' });
    expect(iam.commandCalls(PutUserPolicyCommand)).toHaveLength(1);
    expect(user.changes).toEqual([
      'PutUserPolicy inline policy everything of IAM user intern: the saved document',
    ]);
    expect(nothingSaved.changes).toEqual([]);
  });

  it('refuses a target without the policy name, naming the field', async () => {
    // Act & Assess
    await expect(playbook.verify(ref('AWS::IAM::User', 'intern'), harness.context())).rejects.toThrow(
      InvalidTargetError,
    );
    await expect(playbook.verify(ref('AWS::IAM::User', 'intern'), harness.context())).rejects.toThrow(
      /details\.policyName/,
    );
  });

  it('sends exactly the IAM actions it declares (forward and rollback)', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});
