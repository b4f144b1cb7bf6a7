import { describe, expect, it } from '@jest/globals';
import { isInformational } from '../../src/detections/index.js';
import { allDetectedIds, detectedIds, fixture, hitOf, objectAt } from './fixtures.js';

describe('rds.database-deleted (database-operations.ts)', () => {
  it('weighs a deletion without a final snapshot above one that keeps it', () => {
    const careless = hitOf(fixture('database/rds-database-deleted.json'), 'rds.database-deleted');
    const careful = hitOf(
      fixture('database/rds-database-deleted.json', (raw) => {
        const req = objectAt(raw, 'requestParameters');
        req.skipFinalSnapshot = false;
        req.deleteAutomatedBackups = false;
        req.finalDBSnapshotIdentifier = 'orders-prod-final';
      }),
      'rds.database-deleted',
    );
    expect(careless.severity).toBe(0.8);
    expect(careless.summary).toContain('without a final snapshot');
    expect(careful.severity).toBe(0.55);
    expect(careful.actionable).toBe(false);
  });

  it('names the cluster of a DeleteDBCluster and ignores a failed deletion', () => {
    const cluster = fixture('database/rds-database-deleted.json', (raw) => {
      raw.eventName = 'DeleteDBCluster';
      raw.requestParameters = { dBClusterIdentifier: 'aurora-orders', skipFinalSnapshot: false };
    });
    const failed = fixture('database/rds-database-deleted.json', (raw) => {
      raw.errorCode = 'InvalidDBInstanceState';
    });
    expect(hitOf(cluster, 'rds.database-deleted').resource).toMatchObject({
      type: 'AWS::RDS::DBCluster',
      id: 'aurora-orders',
    });
    expect(detectedIds(failed)).toEqual([]);
  });
});

describe('rds.backup-deleted', () => {
  it('rates lost automated backups above a deleted manual snapshot', () => {
    const automated = hitOf(fixture('database/rds-automated-backup-deleted.json'), 'rds.backup-deleted');
    const manual = hitOf(fixture('database/rds-backup-deleted.json'), 'rds.backup-deleted');
    expect(automated.severity).toBeGreaterThan(manual.severity);
    expect(manual.resource?.arn).toBe(
      'arn:aws:rds:eu-west-3:210987654321:cluster-snapshot:aurora-orders-weekly-2026-02',
    );
  });
});

describe('exfiltration through snapshots', () => {
  it('flags an export with its bucket, and a copy that crosses regions only', () => {
    const exported = hitOf(fixture('database/rds-snapshot-exported.json'), 'rds.snapshot-exported');
    expect(exported.evidence).toMatchObject({ bucket: 'scratch-exports-0302' });
    const sameRegion = fixture('database/rds-snapshot-copied-to-region.json', (raw) => {
      raw.requestParameters = {
        sourceDBSnapshotIdentifier: 'orders-nightly',
        targetDBSnapshotIdentifier: 'orders-nightly-copy',
      };
    });
    const fromArn = fixture('database/rds-snapshot-copied-to-region.json', (raw) => {
      delete objectAt(raw, 'requestParameters').sourceRegion;
    });
    expect(detectedIds(sameRegion)).toEqual([]);
    expect(hitOf(fromArn, 'rds.snapshot-copied-to-region').resource?.details).toMatchObject({
      sourceRegion: 'eu-west-1',
    });
  });
});

describe('audit and access changes', () => {
  it('flags the activity stream being stopped, not started', () => {
    const started = fixture('database/rds-activity-stream-stopped.json', (raw) => {
      raw.eventName = 'StartActivityStream';
    });
    expect(
      hitOf(fixture('database/rds-activity-stream-stopped.json'), 'rds.activity-stream-stopped').category,
    ).toBe('LOG');
    expect(detectedIds(started)).toEqual([]);
  });

  it('rates ingress from the whole internet above ingress from a security group', () => {
    const world = hitOf(fixture('database/rds-security-group-ingress.json'), 'rds.security-group-ingress');
    const group = hitOf(
      fixture('database/rds-security-group-ingress.json', (raw) => {
        raw.requestParameters = {
          dBSecurityGroupName: 'legacy-reporting',
          eC2SecurityGroupId: 'sg-0a1b2c3d4e5f60718',
          eC2SecurityGroupOwnerId: '210987654321',
        };
      }),
      'rds.security-group-ingress',
    );
    expect(world.severity).toBe(0.75);
    expect(group.severity).toBe(0.3);
    expect(group.summary).toContain('sg-0a1b2c3d4e5f60718');
  });

  it('names the role attached to a cluster and ignores its removal', () => {
    const removed = fixture('database/rds-iam-role-added.json', (raw) => {
      raw.eventName = 'RemoveRoleFromDBCluster';
    });
    expect(
      hitOf(fixture('database/rds-iam-role-added.json'), 'rds.iam-role-added').resource?.details,
    ).toMatchObject({
      roleArn: 'arn:aws:iam::210987654321:role/aurora-s3-export',
      feature: 's3Export',
    });
    expect(detectedIds(removed)).toEqual([]);
  });
});

describe('informational RDS operations', () => {
  it.each([
    ['database/rds-log-downloaded.json', 'rds.log-downloaded'],
    ['database/rds-manual-snapshot-created.json', 'rds.manual-snapshot-created'],
    ['database/rds-availability-changed.json', 'rds.availability-changed'],
    ['database/rds-snapshot-enumeration.json', 'rds.snapshot-enumeration'],
  ])('%s is recorded as informational %s', (path, id) => {
    const hit = hitOf(fixture(path), id);
    expect(isInformational(hit)).toBe(true);
    expect(hit.actionable).toBe(false);
    expect(detectedIds(fixture(path))).toEqual([]);
  });

  it('leaves automated and AWS Backup snapshots out', () => {
    for (const snapshotType of ['automated', 'awsbackup']) {
      const record = fixture('database/rds-manual-snapshot-created.json', (raw) => {
        objectAt(raw, 'responseElements').snapshotType = snapshotType;
      });
      expect(allDetectedIds(record)).toEqual([]);
    }
  });

  it('matches snapshot listings only when they ask for public or shared snapshots', () => {
    const own = fixture('database/rds-snapshot-enumeration.json', (raw) => {
      raw.requestParameters = { dBInstanceIdentifier: 'orders-prod', maxRecords: 20 };
    });
    expect(allDetectedIds(own)).toEqual([]);
  });
});
