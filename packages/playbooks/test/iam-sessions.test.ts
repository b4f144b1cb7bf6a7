import {
  DeleteRolePolicyCommand,
  GetRolePolicyCommand,
  IAMClient,
  NoSuchEntityException,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { getPlaybookImplementation, InvalidTargetError } from '../src/index.js';
import { createPlaybookHarness, declared, ref, writesAmong } from './helpers/harness.js';

/**
 * The role's inline policies as IAM keeps them (aws-sdk-client-mock with state: no IAM emulator exists here).
 * GetRolePolicy returns the document URL-encoded, as IAM does.
 */
const iam = mockClient(IAMClient);
let policies: Map<string, string>;

function fakeIam(): void {
  iam.reset();
  iam.on(GetRolePolicyCommand).callsFake(async (input: { RoleName: string; PolicyName: string }) => {
    const document = policies.get(`${input.RoleName}/${input.PolicyName}`);
    if (document === undefined)
      throw new NoSuchEntityException({ message: 'The role policy cannot be found.', $metadata: {} });
    return {
      RoleName: input.RoleName,
      PolicyName: input.PolicyName,
      PolicyDocument: encodeURIComponent(document),
    };
  });
  iam
    .on(PutRolePolicyCommand)
    .callsFake(async (input: { RoleName: string; PolicyName: string; PolicyDocument: string }) => {
      policies.set(`${input.RoleName}/${input.PolicyName}`, input.PolicyDocument);
      return {};
    });
  iam.on(DeleteRolePolicyCommand).callsFake(async (input: { RoleName: string; PolicyName: string }) => {
    policies.delete(`${input.RoleName}/${input.PolicyName}`);
    return {};
  });
}

const ROLE = 'web-app-instance-role';
const KEY = `${ROLE}/AISAWSRevokeOlderSessions`;
const FIX_TIME = new Date('2026-11-24T12:00:00.000Z');

describe('Playbook: iam.revoke-role-sessions', () => {
  const playbook = getPlaybookImplementation('iam.revoke-role-sessions');
  const harness = createPlaybookHarness();
  const role = ref('AWS::IAM::Role', ROLE, { roleName: ROLE, observedAt: '2026-11-24T11:47:02.314Z' });
  beforeEach(() => {
    policies = new Map();
    fakeIam();
    harness.reset();
  });

  it('snapshot → apply → verify → rollback: denies sessions issued before the fix, then removes the deny', async () => {
    // Act: snapshot and apply
    const snapshot = await playbook.snapshot(role, harness.context(FIX_TIME));
    const applied = await playbook.apply(role, snapshot, harness.context(FIX_TIME));
    // Assess: the snapshot recorded "no policy"; exactly one deny-only document was written
    expect(snapshot).toEqual({
      roleName: ROLE,
      policyName: 'AISAWSRevokeOlderSessions',
      previousDocument: null,
      revokeBefore: '2026-11-24T12:00:00.000Z',
    });
    expect(applied.status).toBe('applied');
    expect(JSON.parse(policies.get(KEY) ?? '{}')).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenySessionsIssuedBeforeRevocation',
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-11-24T12:00:00.000Z' } },
        },
      ],
    });
    // Act + Assess: verify re-reads IAM
    const verified = await playbook.verify(role, harness.context(FIX_TIME));
    expect(verified).toMatchObject({
      converged: true,
      observed: { revokedBefore: '2026-11-24T12:00:00.000Z' },
    });
    // Act + Assess: rollback deletes the policy it added
    harness.reset();
    const rolledBack = await playbook.rollback(role, snapshot, harness.context(FIX_TIME));
    expect(rolledBack.changes).toEqual([`DeleteRolePolicy AISAWSRevokeOlderSessions from role ${ROLE}`]);
    expect(policies.has(KEY)).toBe(false);
    expect((await playbook.verify(role, harness.context(FIX_TIME))).converged).toBe(false);
  });

  it('a retried apply writes nothing more (the revocation time is fixed in the snapshot)', async () => {
    const snapshot = await playbook.snapshot(role, harness.context(FIX_TIME));
    await playbook.apply(role, snapshot, harness.context(FIX_TIME));
    harness.reset();
    const again = await playbook.apply(role, snapshot, harness.context(new Date('2026-11-24T12:05:00Z')));
    expect(again).toEqual({ status: 'already-compliant', changes: [] });
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('rollback puts back an AISAWSRevokeOlderSessions document that was there before', async () => {
    const earlier = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-01-01T00:00:00Z' } },
        },
      ],
    });
    policies.set(KEY, earlier);
    const snapshot = await playbook.snapshot(role, harness.context(FIX_TIME));
    expect(snapshot.previousDocument).toBe(earlier);
    expect((await playbook.verify(role, harness.context(FIX_TIME))).converged).toBe(false);
    await playbook.apply(role, snapshot, harness.context(FIX_TIME));
    await playbook.rollback(role, snapshot, harness.context(FIX_TIME));
    expect(policies.get(KEY)).toBe(earlier);
    expect(iam).toHaveReceivedCommandWith(PutRolePolicyCommand, { RoleName: ROLE, PolicyDocument: earlier });
  });

  it('does not count a deny older than the finding as converged', async () => {
    policies.set(
      KEY,
      JSON.stringify({
        Statement: {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-11-24T11:00:00Z' } },
        },
      }),
    );
    const outcome = await playbook.verify(role, harness.context(FIX_TIME));
    expect(outcome.converged).toBe(false);
    expect(outcome.details).toMatch(/earlier than the finding/);
  });

  it('refuses a target without a usable role name', async () => {
    await expect(
      playbook.snapshot(ref('AWS::IAM::Role', 'bad role name with spaces', {}), harness.context()),
    ).rejects.toThrow(InvalidTargetError);
  });

  it('sends exactly the IAM actions it declares (forward and rollback)', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});
