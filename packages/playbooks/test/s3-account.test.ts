import {
  DeletePublicAccessBlockCommand,
  GetPublicAccessBlockCommand,
  PutPublicAccessBlockCommand,
  S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { getPlaybookImplementation, InvalidTargetError } from '../src/index.js';
import { createPlaybookHarness, declared, ref, writesAmong } from './helpers/harness.js';

const ALL_TRUE = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};
const NONE_TRUE = {
  BlockPublicAcls: false,
  IgnorePublicAcls: false,
  BlockPublicPolicy: false,
  RestrictPublicBuckets: false,
};
const awsError = (name: string) => Object.assign(new Error(name), { name });
const account = ref('AWS::::Account', '111122223333', { disabledFlags: ['BlockPublicAcls'], deleted: false });

const s3control = mockClient(S3ControlClient);

describe('Playbook: s3.restore-account-public-access-block', () => {
  const playbook = getPlaybookImplementation('s3.restore-account-public-access-block');
  const harness = createPlaybookHarness();
  beforeEach(() => {
    s3control.reset();
    harness.reset();
  });

  it('snapshots the account configuration and turns on all four settings with S3 Control', async () => {
    // Prepare
    s3control.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: NONE_TRUE });
    // Act
    const snapshot = await playbook.snapshot(account, harness.context());
    const applied = await playbook.apply(account, snapshot, harness.context());
    // Assess
    expect(snapshot).toEqual({ accountId: '111122223333', publicAccessBlock: NONE_TRUE });
    expect(s3control).toHaveReceivedCommandWith(GetPublicAccessBlockCommand, { AccountId: '111122223333' });
    expect(applied.status).toBe('applied');
    expect(s3control.commandCalls(PutPublicAccessBlockCommand)[0]?.args[0].input).toEqual({
      AccountId: '111122223333',
      PublicAccessBlockConfiguration: ALL_TRUE,
    });
  });

  it('treats a missing configuration as none (null) and a fully-on one as compliant', async () => {
    // Prepare
    s3control
      .on(GetPublicAccessBlockCommand)
      .rejectsOnce(awsError('NoSuchPublicAccessBlockConfiguration'))
      .resolves({ PublicAccessBlockConfiguration: ALL_TRUE });
    // Act
    const snapshot = await playbook.snapshot(account, harness.context());
    const applied = await playbook.apply(account, snapshot, harness.context());
    // Assess
    expect(snapshot.publicAccessBlock).toBeNull();
    expect(applied).toEqual({ status: 'already-compliant', changes: [] });
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('verifies from the re-read account configuration', async () => {
    // Prepare
    s3control
      .on(GetPublicAccessBlockCommand)
      .resolvesOnce({ PublicAccessBlockConfiguration: ALL_TRUE })
      .resolves({ PublicAccessBlockConfiguration: { ...ALL_TRUE, RestrictPublicBuckets: false } });
    // Act
    const on = await playbook.verify(account, harness.context());
    const partial = await playbook.verify(account, harness.context());
    // Assess
    expect(on.converged).toBe(true);
    expect(partial.converged).toBe(false);
    expect(partial.observed).toEqual({ publicAccessBlock: { ...ALL_TRUE, RestrictPublicBuckets: false } });
  });

  it('rolls back to the prior configuration, or deletes it when there was none', async () => {
    // Act
    await playbook.rollback(
      account,
      { accountId: '111122223333', publicAccessBlock: NONE_TRUE },
      harness.context(),
    );
    await playbook.rollback(
      account,
      { accountId: '111122223333', publicAccessBlock: null },
      harness.context(),
    );
    // Assess
    expect(s3control.commandCalls(PutPublicAccessBlockCommand)[0]?.args[0].input).toEqual({
      AccountId: '111122223333',
      PublicAccessBlockConfiguration: NONE_TRUE,
    });
    expect(s3control).toHaveReceivedCommandWith(DeletePublicAccessBlockCommand, {
      AccountId: '111122223333',
    });
  });

  it('takes the account id from details.accountId, else the ResourceRef account', async () => {
    // Prepare
    s3control.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: ALL_TRUE });
    // Act
    await playbook.verify(ref('AWS::::Account', 'account', { accountId: '444455556666' }), harness.context());
    await playbook.verify(ref('AWS::::Account', 'account'), harness.context());
    // Assess
    expect(s3control.commandCalls(GetPublicAccessBlockCommand).map((call) => call.args[0].input)).toEqual([
      { AccountId: '444455556666' },
      { AccountId: '111122223333' },
    ]);
  });

  it('rejects a target without a 12-digit account id', async () => {
    // Act
    const error = await playbook
      .verify(ref('AWS::::Account', 'x', { accountId: 'not-an-account' }), harness.context())
      .catch((e) => e);
    // Assess
    expect(error).toBeInstanceOf(InvalidTargetError);
    expect(error.message).toContain('accountId');
    expect(harness.sent()).toEqual([]);
  });

  it('sends exactly the IAM actions it declares across these tests', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});
