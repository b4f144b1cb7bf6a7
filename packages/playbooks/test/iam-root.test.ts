import { DeleteAccessKeyCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { AssumeRootCommand, STSClient } from '@aws-sdk/client-sts';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createRootSessions } from '../src/cross-account.js';
import {
  ForwardOnlyError,
  getPlaybookImplementation,
  InvalidTargetError,
  type PlaybookContext,
} from '../src/index.js';
import { DELETE_ROOT_CREDENTIALS_TASK_POLICY, ROOT_SESSION_ACTIONS } from '../src/playbooks/iam-root.js';
import { createPlaybookHarness, declared, ref, writesAmong } from './helpers/harness.js';

const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);

const KEY = 'AKIAEXAMPLEROOTKEY01';
const credentials = {
  AccessKeyId: 'ASIAROOTSESSION00001',
  SecretAccessKey: 'secret',
  SessionToken: 'token',
  Expiration: new Date('2026-01-15T12:15:00Z'),
};

describe('Playbook: iam.delete-root-access-key', () => {
  const playbook = getPlaybookImplementation('iam.delete-root-access-key');
  /** The AISAWS account's calls (sts:AssumeRoot) and, separately, the calls made as the member's root user. */
  const harness = createPlaybookHarness();
  const rootHarness = createPlaybookHarness();
  const rootKey = ref('AWS::IAM::Root', '111122223333', { accessKeyId: KEY });
  /** The real root-session factory, with the AISAWS account's STS client going through the harness. */
  const context = (): PlaybookContext => {
    const ctx = harness.context();
    const opened = createRootSessions(ctx.clients(STSClient, 'us-east-1'));
    return {
      ...ctx,
      rootSession: async (account, taskPolicyArn) => {
        await opened(account, taskPolicyArn);
        return rootHarness.context().clients;
      },
    };
  };
  beforeEach(() => {
    iam.reset();
    sts.reset();
    harness.reset();
    rootHarness.reset();
    sts.on(AssumeRootCommand).resolves({ Credentials: credentials });
  });

  it('opens a root session limited to the delete-credentials task policy, lists the root keys and deletes the new one', async () => {
    // Prepare
    iam.on(ListAccessKeysCommand).resolves({
      AccessKeyMetadata: [
        { AccessKeyId: KEY, Status: 'Active', CreateDate: new Date('2026-01-15T11:58:00Z') },
      ],
    });
    // Act
    const snapshot = await playbook.snapshot(rootKey, context());
    const applied = await playbook.apply(rootKey, snapshot, context());
    // Assess
    expect(sts).toHaveReceivedCommandWith(AssumeRootCommand, {
      TargetPrincipal: '111122223333',
      TaskPolicyArn: { arn: 'arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials' },
      DurationSeconds: 900,
    });
    expect(iam.commandCalls(ListAccessKeysCommand)[0]?.args[0].input).toEqual({});
    expect(snapshot).toEqual({
      account: '111122223333',
      accessKeyId: KEY,
      keys: [{ accessKeyId: KEY, status: 'Active', createDate: '2026-01-15T11:58:00.000Z' }],
    });
    expect(iam.commandCalls(DeleteAccessKeyCommand).map((call) => call.args[0].input)).toEqual([
      { AccessKeyId: KEY },
    ]);
    expect(applied.changes).toEqual([
      `DeleteAccessKey ${KEY} of the root user of 111122223333 (root session)`,
    ]);
  });

  it('is idempotent: a key already gone gets no write', async () => {
    // Prepare
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [] });
    // Act
    const applied = await playbook.apply(
      rootKey,
      { account: '111122223333', accessKeyId: KEY, keys: [] },
      context(),
    );
    // Assess
    expect(applied).toEqual({ status: 'already-compliant', changes: [] });
    expect(writesAmong(rootHarness.sent())).toEqual([]);
  });

  it('verifies in a new root session: converged when the key is gone', async () => {
    // Prepare
    iam
      .on(ListAccessKeysCommand)
      .resolvesOnce({ AccessKeyMetadata: [] })
      .resolves({ AccessKeyMetadata: [{ AccessKeyId: KEY, Status: 'Active' }] });
    // Act
    const gone = await playbook.verify(rootKey, context());
    const present = await playbook.verify(rootKey, context());
    // Assess
    expect(gone).toMatchObject({
      converged: true,
      details: `Root access key ${KEY} of 111122223333 no longer exists.`,
    });
    expect(present.converged).toBe(false);
  });

  it('refuses without a root session, saying what a person must do', async () => {
    // Act
    const error = await playbook.verify(rootKey, harness.context()).catch((e) => e);
    // Assess
    expect(error).toMatchObject({ name: 'RootSessionUnavailableError' });
    expect(error.message).toContain(`delete root access key ${KEY} in the console`);
  });

  it('refuses a target without the key id, and cannot be rolled back (a deleted key is gone)', async () => {
    await expect(playbook.verify(ref('AWS::IAM::Root', '111122223333'), context())).rejects.toThrow(
      InvalidTargetError,
    );
    await expect(
      playbook.rollback(rootKey, { account: '111122223333', accessKeyId: KEY, keys: [] }, context()),
    ).rejects.toThrow(ForwardOnlyError);
  });

  it('fails clearly when AssumeRoot returns no credentials, and refuses a bad account id', async () => {
    // Prepare
    sts.on(AssumeRootCommand).resolves({});
    const sessions = createRootSessions(new STSClient({ region: 'us-east-1' }));
    // Act & Assess
    await expect(sessions('111122223333', DELETE_ROOT_CREDENTIALS_TASK_POLICY)).rejects.toThrow(
      'returned no complete credentials',
    );
    await expect(sessions('root', DELETE_ROOT_CREDENTIALS_TASK_POLICY)).rejects.toThrow('not a 12-digit');
  });

  it('sends sts:AssumeRoot from the AISAWS account and only the task policy’s IAM actions as root', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
    expect(rootHarness.actionsExercised()).toEqual([...ROOT_SESSION_ACTIONS]);
  });
});
