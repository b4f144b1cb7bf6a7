import { PLAYBOOKS } from '@aisaws/core/playbooks';
import { describe, expect, it } from '@jest/globals';
import {
  getPlaybookImplementation,
  PLAYBOOK_IMPLEMENTATIONS,
  permissionsFor,
  rollbackPermissionsFor,
  UnknownPlaybookError,
} from '../src/index.js';
import { createPlaybookRegistry } from '../src/registry.js';

const IAM_ACTION = /^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/;

describe('PLAYBOOK_IMPLEMENTATIONS', () => {
  it('implements every core descriptor id exactly once, and nothing else', () => {
    // Prepare
    const implemented = PLAYBOOK_IMPLEMENTATIONS.map((playbook) => playbook.id);
    // Assess
    expect([...implemented].sort()).toEqual(PLAYBOOKS.map((descriptor) => descriptor.id).sort());
    expect(new Set(implemented).size).toBe(implemented.length);
  });

  it.each(PLAYBOOK_IMPLEMENTATIONS.map((playbook) => [playbook.id, playbook] as const))(
    '%s carries its core descriptor and declares well-formed, sorted, unique IAM actions',
    (id, playbook) => {
      expect(playbook.descriptor).toBe(PLAYBOOKS.find((descriptor) => descriptor.id === id));
      expect(playbook.permissions.length).toBeGreaterThan(0);
      for (const action of playbook.permissions) expect(action).toMatch(IAM_ACTION);
      expect([...new Set(playbook.permissions)].sort()).toEqual(playbook.permissions);
      for (const action of playbook.rollbackPermissions) expect(action).toMatch(IAM_ACTION);
      expect(playbook.reversible).toBe(playbook.rollbackPermissions.length > 0);
    },
  );

  it('makes exactly the playbooks that re-enable monitoring forward-only', () => {
    const forwardOnly = PLAYBOOK_IMPLEMENTATIONS.filter((playbook) => !playbook.reversible).map((p) => p.id);
    expect(forwardOnly.sort()).toEqual([
      'accessanalyzer.recreate-analyzer',
      'cloudtrail.recreate-trail',
      'cloudtrail.restore-management-events',
      'cloudtrail.start-logging',
      'config.start-recorder',
      'guardduty.enable-detector',
      'guardduty.recreate-detector',
      'iam.delete-root-access-key',
      'securityhub.enable-hub',
    ]);
  });

  it('keeps every re-grant, re-attach, stop and deletion action out of the forward permissions', () => {
    // The actions that only ever undo a fix: they belong to the rollback role, never to the apply role.
    const unfix = [
      'cloudtrail:StopLogging',
      'config:StopConfigurationRecorder',
      'ec2:AuthorizeSecurityGroupIngress',
      'iam:AttachGroupPolicy',
      'iam:AttachRolePolicy',
      'iam:AttachUserPolicy',
      'iam:PutGroupPolicy',
      'iam:PutRolePolicy',
      'iam:PutUserPolicy',
      'kms:ScheduleKeyDeletion',
      'lambda:AddPermission',
    ];
    // One named exception: revoking a role's sessions has no API but an inline deny, so iam.revoke-role-sessions
    // needs iam:PutRolePolicy forward. It only ever writes its Deny-only AISAWSRevokeOlderSessions document (its own
    // test checks the document); no other playbook may declare the action forward.
    const denyOnlyWriters: Readonly<Record<string, readonly string[]>> = {
      'iam:PutRolePolicy': ['iam.revoke-role-sessions'],
    };
    const offending = PLAYBOOK_IMPLEMENTATIONS.flatMap((playbook) =>
      playbook.permissions
        .filter((action) => unfix.includes(action) && !denyOnlyWriters[action]?.includes(playbook.id))
        .map((action) => `${playbook.id}: ${action}`),
    );
    expect(offending).toEqual([]);
    expect(rollbackPermissionsFor()).toEqual(
      expect.arrayContaining(
        unfix.filter((action) => !action.startsWith('cloudtrail:') && !action.startsWith('config:')),
      ),
    );
    expect(rollbackPermissionsFor()).not.toContain('cloudtrail:StopLogging');
    expect(rollbackPermissionsFor()).not.toContain('config:StopConfigurationRecorder');
  });

  it('never declares a wildcard or a delete of the resource itself', () => {
    const all = [...permissionsFor(), ...rollbackPermissionsFor()];
    expect(all.filter((action) => action.includes('*'))).toEqual([]);
    expect(
      all.filter((action) => /:Delete(Bucket|Trail|Detector|Key|Function|User|Role)$/.test(action)),
    ).toEqual([]);
  });
});

describe('getPlaybookImplementation', () => {
  it('returns the implementation of a known id', () => {
    expect(getPlaybookImplementation('s3.make-bucket-private').id).toBe('s3.make-bucket-private');
  });

  it('throws UnknownPlaybookError naming an unknown id', () => {
    // Act
    const act = () => getPlaybookImplementation('s3.does-not-exist');
    // Assess
    expect(act).toThrow(UnknownPlaybookError);
    expect(act).toThrow('s3.does-not-exist');
  });
});

describe('permissionsFor', () => {
  it('unions the actions of the given playbooks, sorted and unique', () => {
    // Act
    const actions = permissionsFor(['s3.restore-bucket-public-access-block', 's3.make-bucket-private']);
    // Assess
    expect(actions).toEqual([
      's3:GetBucketAcl',
      's3:GetBucketOwnershipControls',
      's3:GetBucketPublicAccessBlock',
      's3:PutBucketAcl',
      's3:PutBucketPublicAccessBlock',
    ]);
  });

  it('covers every playbook when called without ids', () => {
    // Act
    const all = permissionsFor();
    // Assess
    for (const playbook of PLAYBOOK_IMPLEMENTATIONS)
      for (const action of playbook.permissions) expect(all).toContain(action);
    expect([...new Set(all)].sort()).toEqual(all);
  });

  it('throws on an unknown id rather than granting less', () => {
    expect(() => permissionsFor(['kms.cancel-key-deletion', 'nope.nothing'])).toThrow(UnknownPlaybookError);
  });

  it('returns [] for an empty selection', () => {
    expect(permissionsFor([])).toEqual([]);
  });
});

describe('createPlaybookRegistry', () => {
  it('refuses two implementations of one id', () => {
    // Prepare
    const playbook = getPlaybookImplementation('kms.cancel-key-deletion');
    // Act & Assess
    expect(() => createPlaybookRegistry([playbook, playbook])).toThrow('implemented twice');
  });
});
