import { getPlaybook } from '@aisaws/core/playbooks';
import type { RemediationResult } from '@aisaws/core/schemas';
import type { Playbook, VerifyOutcome } from '@aisaws/playbooks';
import { publicBucketDecidedEvent } from '@aisaws/testing/workflow';
import { describe, expect, it } from '@jest/globals';
import { createVerificationHandler } from '../src/create-verification-handler.js';

const APPLIED_AT = '2026-03-01T12:00:00.000Z';
const event = publicBucketDecidedEvent();
const remediation: RemediationResult = {
  schemaVersion: 1,
  eventId: event.eventId,
  action: 'apply',
  playbook: 's3.make-bucket-private',
  status: 'applied',
  changes: ['PutBucketAcl demo-bucket: private'],
  at: APPLIED_AT,
};

/** A playbook whose verify answers the given outcomes in turn (or throws the given error). */
function playbookAnswering(answers: (VerifyOutcome | Error)[]) {
  const descriptor = getPlaybook('s3.make-bucket-private');
  if (!descriptor) throw new Error('descriptor missing');
  const targets: unknown[] = [];
  const playbook: Playbook = {
    id: 's3.make-bucket-private',
    descriptor,
    permissions: ['s3:GetBucketAcl'],
    rollbackPermissions: ['s3:PutBucketAcl'],
    reversible: true,
    snapshot: async () => ({}),
    apply: async () => ({ status: 'applied', changes: [] }),
    rollback: async () => ({ changes: [] }),
    async verify(target) {
      targets.push(target);
      const answer = answers.shift();
      if (!answer) throw new Error('verify called more often than expected');
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return { playbook, targets };
}

function handlerAt(secondsAfterApply: number, playbook: Playbook, deadlineSeconds = 300) {
  return createVerificationHandler({
    clientsFor: async () => () => {
      throw new Error('no client needed');
    },
    playbookFor: () => playbook,
    clock: { now: () => new Date(Date.parse(APPLIED_AT) + secondsAfterApply * 1000) },
    deadlineSeconds,
  });
}

describe('createVerificationHandler', () => {
  it('returns converged with what was read back from the decided detection resource', async () => {
    // Prepare
    const { playbook, targets } = playbookAnswering([
      { converged: true, observed: { publicGrants: [] }, details: 'Bucket is private.' },
    ]);
    // Act
    const result = await handlerAt(4, playbook)({ schemaVersion: 1, event, remediation });
    // Assess
    expect(result).toEqual({
      schemaVersion: 1,
      eventId: event.eventId,
      playbook: 's3.make-bucket-private',
      status: 'converged',
      observed: { publicGrants: [] },
      details: 'Bucket is private.',
      checkedAt: '2026-03-01T12:00:04.000Z',
    });
    expect(targets).toEqual([event.detections[0]?.resource]);
  });

  it('throws NotConvergedError (name exactly that, for the ASL Retry) with the observation while within the deadline', async () => {
    const { playbook } = playbookAnswering([
      { converged: false, observed: { publicGrants: ['READ to AllUsers'] }, details: 'Still public.' },
    ]);
    await expect(handlerAt(30, playbook)({ schemaVersion: 1, event, remediation })).rejects.toThrow(
      expect.objectContaining({
        name: 'NotConvergedError',
        message: expect.stringContaining('Still public. Observed: {"publicGrants":["READ to AllUsers"]}'),
      }),
    );
  });

  it('throws VerificationFailedError once the deadline after the fix has passed', async () => {
    const { playbook } = playbookAnswering([{ converged: false, observed: {}, details: 'Still public.' }]);
    await expect(handlerAt(301, playbook, 300)({ schemaVersion: 1, event, remediation })).rejects.toThrow(
      expect.objectContaining({
        name: 'VerificationFailedError',
        message: expect.stringContaining('deadline 300 s'),
      }),
    );
  });

  it('refuses to verify a dry run (nothing was applied) without reading anything', async () => {
    const { playbook, targets } = playbookAnswering([]);
    await expect(
      handlerAt(1, playbook)({ schemaVersion: 1, event, remediation: { ...remediation, status: 'dry-run' } }),
    ).rejects.toThrow(expect.objectContaining({ name: 'VerificationFailedError' }));
    expect(targets).toEqual([]);
  });

  it('turns a throttled read into AwsThrottledError and rejects a malformed request naming the field', async () => {
    const { playbook } = playbookAnswering([Object.assign(new Error('slow down'), { name: 'SlowDown' })]);
    await expect(handlerAt(1, playbook)({ schemaVersion: 1, event, remediation })).rejects.toThrow(
      expect.objectContaining({ name: 'AwsThrottledError' }),
    );
    await expect(handlerAt(1, playbook)({ schemaVersion: 1, event })).rejects.toThrow(/remediation/);
  });
});
