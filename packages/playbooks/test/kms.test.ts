import {
  CancelKeyDeletionCommand,
  DescribeKeyCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { getPlaybookImplementation, InvalidTargetError } from '../src/index.js';
import { createPlaybookHarness, declared, ref, writesAmong } from './helpers/harness.js';

const kms = mockClient(KMSClient);
const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
const NOW = new Date('2026-01-15T12:00:00Z');
const DELETION = new Date('2026-01-25T00:00:00Z'); // 9.5 days after NOW
const describeKey = (KeyState: 'PendingDeletion' | 'Disabled' | 'Enabled', DeletionDate?: Date) => ({
  KeyMetadata: { KeyId: KEY, KeyState, ...(DeletionDate ? { DeletionDate } : {}) },
});

describe('Playbook: kms.cancel-key-deletion', () => {
  const playbook = getPlaybookImplementation('kms.cancel-key-deletion');
  const harness = createPlaybookHarness();
  const key = ref('AWS::KMS::Key', KEY, { keyId: KEY, pendingWindowInDays: 10 });
  beforeEach(() => {
    kms.reset();
    harness.reset();
  });

  it('snapshots the key state and deletion date, then cancels the deletion', async () => {
    // Prepare
    kms.on(DescribeKeyCommand).resolves(describeKey('PendingDeletion', DELETION));
    // Act
    const snapshot = await playbook.snapshot(key, harness.context(NOW));
    const applied = await playbook.apply(key, snapshot, harness.context(NOW));
    // Assess
    expect(kms).toHaveReceivedCommandWith(DescribeKeyCommand, { KeyId: KEY });
    expect(snapshot).toEqual({
      keyId: KEY,
      keyState: 'PendingDeletion',
      deletionDate: '2026-01-25T00:00:00.000Z',
      pendingDeletionWindowInDays: null,
    });
    expect(applied.status).toBe('applied');
    expect(kms.commandCalls(CancelKeyDeletionCommand)[0]?.args[0].input).toEqual({ KeyId: KEY });
  });

  it('is idempotent: a key not pending deletion gets no write', async () => {
    // Prepare
    kms.on(DescribeKeyCommand).resolves(describeKey('Disabled'));
    // Act
    const applied = await playbook.apply(
      key,
      { keyId: KEY, keyState: 'Disabled', deletionDate: null, pendingDeletionWindowInDays: null },
      harness.context(),
    );
    // Assess
    expect(applied).toEqual({ status: 'already-compliant', changes: [] });
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('verifies from DescribeKey: converged once the key is no longer PendingDeletion', async () => {
    // Prepare
    kms
      .on(DescribeKeyCommand)
      .resolvesOnce(describeKey('Disabled'))
      .resolves(describeKey('PendingDeletion', DELETION));
    // Act
    const cancelled = await playbook.verify(key, harness.context());
    const pending = await playbook.verify(key, harness.context());
    // Assess
    expect(cancelled).toMatchObject({ converged: true, observed: { keyState: 'Disabled' } });
    expect(pending).toMatchObject({ converged: false, observed: { keyState: 'PendingDeletion' } });
  });

  it('rolls back by scheduling the deletion again for the same day (days left, rounded up)', async () => {
    // Prepare
    kms.on(DescribeKeyCommand).resolves(describeKey('Disabled'));
    // Act
    const rolledBack = await playbook.rollback(
      key,
      {
        keyId: KEY,
        keyState: 'PendingDeletion',
        deletionDate: DELETION.toISOString(),
        pendingDeletionWindowInDays: null,
      },
      harness.context(NOW),
    );
    // Assess
    expect(kms.commandCalls(ScheduleKeyDeletionCommand)[0]?.args[0].input).toEqual({
      KeyId: KEY,
      PendingWindowInDays: 10,
    });
    expect(rolledBack.changes).toEqual([`ScheduleKeyDeletion ${KEY}: pending window 10 days`]);
  });

  it('keeps the rescheduled window within the 7-day minimum', async () => {
    // Prepare
    kms.on(DescribeKeyCommand).resolves(describeKey('Disabled'));
    // Act
    await playbook.rollback(
      key,
      {
        keyId: KEY,
        keyState: 'PendingDeletion',
        deletionDate: '2026-01-16T00:00:00.000Z',
        pendingDeletionWindowInDays: null,
      },
      harness.context(NOW),
    );
    // Assess
    expect(kms.commandCalls(ScheduleKeyDeletionCommand)[0]?.args[0].input).toEqual({
      KeyId: KEY,
      PendingWindowInDays: 7,
    });
  });

  it('rolls back nothing when the key was not pending deletion, or is pending again', async () => {
    // Prepare
    kms.on(DescribeKeyCommand).resolves(describeKey('PendingDeletion', DELETION));
    // Act
    const notPending = await playbook.rollback(
      key,
      { keyId: KEY, keyState: 'Enabled', deletionDate: null, pendingDeletionWindowInDays: null },
      harness.context(),
    );
    const pendingAgain = await playbook.rollback(
      key,
      {
        keyId: KEY,
        keyState: 'PendingDeletion',
        deletionDate: DELETION.toISOString(),
        pendingDeletionWindowInDays: null,
      },
      harness.context(),
    );
    // Assess
    expect(notPending).toEqual({ changes: [] });
    expect(pendingAgain).toEqual({ changes: [] });
    expect(kms).not.toHaveReceivedCommand(ScheduleKeyDeletionCommand);
  });

  it('rejects a target that is not a key', async () => {
    const error = await playbook.verify(ref('AWS::S3::Bucket', 'b'), harness.context()).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidTargetError);
  });

  it('sends exactly the IAM actions it declares across these tests', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});
