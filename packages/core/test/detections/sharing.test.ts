import { describe, expect, it } from '@jest/globals';
import { detectedIds, fixture, hitOf, objectAt } from './fixtures.js';

describe('ec2.snapshot-shared and ec2.ami-shared', () => {
  it('gives the snapshot id and the added accounts to the playbook', () => {
    const hit = hitOf(fixture('sharing/ebs-snapshot-shared-account.json'), 'ec2.snapshot-shared');
    expect(hit.resource?.details).toEqual({
      snapshotId: 'snap-0d1e2f3a4b5c6d7e8',
      public: false,
      addedAccounts: ['377788899900'],
    });
  });

  it('weighs a public share above a share with one account', () => {
    expect(
      hitOf(fixture('sharing/ebs-snapshot-public.json'), 'ec2.snapshot-shared').severity,
    ).toBeGreaterThan(
      hitOf(fixture('sharing/ebs-snapshot-shared-account.json'), 'ec2.snapshot-shared').severity,
    );
  });

  it('does not fire on the revert (remove), on a trusted account or on a non-account user id', () => {
    const revert = fixture('sharing/ebs-snapshot-shared-account.json', (raw) => {
      const permission = objectAt(raw, 'requestParameters', 'createVolumePermission');
      permission.remove = permission.add;
      delete permission.add;
    });
    const notAnAccount = fixture('sharing/ami-public.json', (raw) => {
      objectAt(raw, 'requestParameters').launchPermission = { add: { items: [{ userId: 'bob' }] } };
    });
    expect(detectedIds(revert)).toEqual([]);
    expect(
      detectedIds(fixture('sharing/ebs-snapshot-shared-account.json'), {
        trustedAccounts: new Set(['377788899900']),
      }),
    ).toEqual([]);
    expect(detectedIds(notAnAccount)).toEqual([]);
  });
});

describe('rds.snapshot-shared', () => {
  it('does not fire on valuesToRemove (the revert) or an empty add', () => {
    const revert = fixture('sharing/rds-snapshot-shared.json', (raw) => {
      const req = objectAt(raw, 'requestParameters');
      req.valuesToRemove = req.valuesToAdd;
      delete req.valuesToAdd;
    });
    const empty = fixture('sharing/rds-snapshot-shared.json', (raw) => {
      objectAt(raw, 'requestParameters').valuesToAdd = [];
    });
    expect(detectedIds(revert)).toEqual([]);
    expect(detectedIds(empty)).toEqual([]);
  });

  it('marks the cluster variant so the playbook calls the cluster API', () => {
    expect(
      hitOf(fixture('sharing/rds-cluster-snapshot-public.json'), 'rds.snapshot-shared').resource,
    ).toMatchObject({
      type: 'AWS::RDS::DBClusterSnapshot',
      details: { cluster: true, public: true },
    });
  });
});

describe('ssm.document-shared', () => {
  it('ignores a share with our own account', () => {
    const own = fixture('sharing/ssm-document-public.json', (raw) => {
      objectAt(raw, 'requestParameters').accountIdsToAdd = ['210987654321'];
    });
    expect(detectedIds(own)).toEqual([]);
  });
});
