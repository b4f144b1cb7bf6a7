import { defineDetection } from './define.js';
import { bool, request, resourceRef, response, str } from './read.js';

const RDS = 'rds.amazonaws.com';

const rdsInstancePublic = defineDetection({
  id: 'rds.instance-public',
  title: 'Database endpoint made publicly accessible',
  category: 'EXP',
  mitre: ['T1190'],
  severity: 0.8,
  description:
    'ModifyDBInstance / ModifyDBCluster with publiclyAccessible true; CreateDBInstance or RestoreDBInstance* whose response says publiclyAccessible true; Redshift CreateCluster / ModifyCluster / RestoreFromClusterSnapshot with publiclyAccessible true.',
  triggers: [
    {
      eventSource: RDS,
      eventNames: [
        'ModifyDBInstance',
        'ModifyDBCluster',
        'CreateDBInstance',
        'RestoreDBInstanceFromDBSnapshot',
        'RestoreDBInstanceToPointInTime',
        'RestoreDBInstanceFromS3',
      ],
    },
    {
      eventSource: 'redshift.amazonaws.com',
      eventNames: ['CreateCluster', 'ModifyCluster', 'RestoreFromClusterSnapshot'],
    },
  ],
  playbook: null,
  match(record) {
    const req = request(record);
    const res = response(record);
    const modify = record.eventName.startsWith('Modify');
    const isPublic = modify
      ? bool(req.publiclyAccessible) === true
      : (bool(res.publiclyAccessible) ?? bool(req.publiclyAccessible)) === true;
    if (!isPublic) return null;
    const redshift = record.eventSource === 'redshift.amazonaws.com';
    const cluster = redshift || record.eventName === 'ModifyDBCluster';
    const id = str(req.dBInstanceIdentifier) ?? str(req.dBClusterIdentifier) ?? str(req.clusterIdentifier);
    if (!id) return null;
    const type = redshift
      ? 'AWS::Redshift::Cluster'
      : cluster
        ? 'AWS::RDS::DBCluster'
        : 'AWS::RDS::DBInstance';
    return {
      resource: resourceRef(
        record,
        type,
        id,
        { identifier: id, engine: redshift ? 'redshift' : (str(req.engine) ?? str(res.engine) ?? null) },
        str(res.dBInstanceArn) ?? str(res.dBClusterArn),
      ),
      summary: `${redshift ? 'Redshift cluster' : cluster ? 'RDS cluster' : 'RDS instance'} ${id} is publicly accessible (${record.eventName})`,
    };
  },
});

const rdsDeletionProtectionDisabled = defineDetection({
  id: 'rds.deletion-protection-disabled',
  title: 'Database deletion protection removed',
  category: 'IMP',
  mitre: ['T1490', 'T1485'],
  severity: 0.6,
  description:
    'ModifyDBInstance / ModifyDBCluster with deletionProtection false: the database can now be deleted in one call.',
  triggers: [{ eventSource: RDS, eventNames: ['ModifyDBInstance', 'ModifyDBCluster'] }],
  playbook: null,
  match(record) {
    const req = request(record);
    if (bool(req.deletionProtection) !== false) return null;
    const cluster = record.eventName === 'ModifyDBCluster';
    const id = cluster ? str(req.dBClusterIdentifier) : str(req.dBInstanceIdentifier);
    if (!id) return null;
    return {
      resource: resourceRef(record, cluster ? 'AWS::RDS::DBCluster' : 'AWS::RDS::DBInstance', id, {
        identifier: id,
        cluster,
      }),
      summary: `Deletion protection removed from RDS ${cluster ? 'cluster' : 'instance'} ${id}`,
    };
  },
});

const rdsMasterPasswordChanged = defineDetection({
  id: 'rds.master-password-changed',
  title: 'Database master password changed',
  category: 'PER',
  mitre: ['T1098'],
  severity: 0.5,
  description:
    'ModifyDBInstance / ModifyDBCluster with masterUserPassword (shown as ****): whoever set it now owns the database superuser.',
  triggers: [{ eventSource: RDS, eventNames: ['ModifyDBInstance', 'ModifyDBCluster'] }],
  playbook: null,
  match(record) {
    const req = request(record);
    if (req.masterUserPassword === undefined) return null;
    const cluster = record.eventName === 'ModifyDBCluster';
    const id = cluster ? str(req.dBClusterIdentifier) : str(req.dBInstanceIdentifier);
    if (!id) return null;
    return {
      resource: resourceRef(record, cluster ? 'AWS::RDS::DBCluster' : 'AWS::RDS::DBInstance', id, {
        identifier: id,
        cluster,
      }),
      summary: `Master password of RDS ${cluster ? 'cluster' : 'instance'} ${id} changed`,
    };
  },
});

export { rdsDeletionProtectionDisabled, rdsInstancePublic, rdsMasterPasswordChanged };
