import { defineDetection } from './define.js';
import { bool, request, resourceRef, response, str } from './read.js';

/**
 * RDS operations beyond exposure (database.ts): deleting databases and their backups, moving data out through
 * snapshots, exports and log downloads, turning audit streams off, and the operational changes an analyst wants in
 * the record (reboots, failovers, manual snapshots, snapshot enumeration). None has an API fix: a deleted backup
 * cannot be restored and an export cannot be recalled.
 */

const RDS = 'rds.amazonaws.com';

/** The instance or cluster a request names, with its resource type; undefined when it names neither. */
function databaseOf(
  req: Record<string, unknown>,
): { id: string; type: 'AWS::RDS::DBInstance' | 'AWS::RDS::DBCluster'; kind: string } | undefined {
  const instance = str(req.dBInstanceIdentifier);
  if (instance) return { id: instance, type: 'AWS::RDS::DBInstance', kind: 'instance' };
  const cluster = str(req.dBClusterIdentifier);
  if (cluster) return { id: cluster, type: 'AWS::RDS::DBCluster', kind: 'cluster' };
  return undefined;
}

/** The region in an RDS ARN (`arn:aws:rds:us-east-1:…`), else undefined. */
const arnRegion = (arn: string | undefined): string | undefined =>
  arn === undefined ? undefined : /^arn:aws[a-z-]*:rds:([a-z0-9-]+):/.exec(arn)?.[1];

const rdsDatabaseDeleted = defineDetection({
  id: 'rds.database-deleted',
  title: 'Database instance or cluster deleted',
  category: 'IMP',
  mitre: ['T1485'],
  severity: 0.55,
  description:
    'DeleteDBInstance / DeleteDBCluster. Without a final snapshot (skipFinalSnapshot true), or with the automated backups deleted too, the data is gone for good: severity .8.',
  triggers: [{ eventSource: RDS, eventNames: ['DeleteDBInstance', 'DeleteDBCluster'] }],
  playbook: null,
  match(record) {
    const req = request(record);
    const database = databaseOf(req);
    if (!database) return null;
    const noFinalSnapshot = bool(req.skipFinalSnapshot) === true;
    const backupsDeleted = bool(req.deleteAutomatedBackups) === true;
    return {
      resource: resourceRef(record, database.type, database.id, { identifier: database.id }),
      summary: `RDS ${database.kind} ${database.id} deleted${noFinalSnapshot ? ' without a final snapshot' : ''}${backupsDeleted ? ', automated backups deleted too' : ''}`,
      severity: noFinalSnapshot || backupsDeleted ? 0.8 : 0.55,
      evidence: { skipFinalSnapshot: noFinalSnapshot, deleteAutomatedBackups: backupsDeleted },
    };
  },
});

const rdsBackupDeleted = defineDetection({
  id: 'rds.backup-deleted',
  title: 'Database snapshot or automated backup deleted',
  category: 'IMP',
  mitre: ['T1490'],
  severity: 0.6,
  description:
    'DeleteDBSnapshot / DeleteDBClusterSnapshot, or DeleteDBInstanceAutomatedBackup / DeleteDBClusterAutomatedBackup (retained backups of a deleted database: .7). Destroying recovery points comes before ransom or sabotage.',
  triggers: [
    {
      eventSource: RDS,
      eventNames: [
        'DeleteDBSnapshot',
        'DeleteDBClusterSnapshot',
        'DeleteDBInstanceAutomatedBackup',
        'DeleteDBClusterAutomatedBackup',
      ],
    },
  ],
  playbook: null,
  match(record) {
    const req = request(record);
    const automated = record.eventName.endsWith('AutomatedBackup');
    const id =
      str(req.dBSnapshotIdentifier) ??
      str(req.dBClusterSnapshotIdentifier) ??
      str(req.dbiResourceId) ??
      str(req.dbClusterResourceId) ??
      str(req.dBInstanceAutomatedBackupsArn) ??
      str(req.dBClusterAutomatedBackupsArn);
    if (!id) return null;
    const res = response(record);
    const arn =
      str(res.dBSnapshotArn) ??
      str(res.dBClusterSnapshotArn) ??
      str(res.dBInstanceAutomatedBackupArn) ??
      str(res.dBClusterAutomatedBackupArn);
    const type = record.eventName.includes('Cluster')
      ? 'AWS::RDS::DBClusterSnapshot'
      : 'AWS::RDS::DBSnapshot';
    return {
      resource: resourceRef(record, type, id, { identifier: id, automated }, arn),
      summary: automated
        ? `Automated backups of RDS resource ${id} deleted`
        : `RDS snapshot ${id} deleted (${record.eventName})`,
      severity: automated ? 0.7 : 0.6,
    };
  },
});

const rdsSnapshotExported = defineDetection({
  id: 'rds.snapshot-exported',
  title: 'Database snapshot exported to S3',
  category: 'EXF',
  mitre: ['T1537'],
  severity: 0.5,
  description:
    'StartExportTask: a snapshot or cluster is copied, as Parquet, into an S3 bucket, where it can be read outside the database’s access controls.',
  triggers: [{ eventSource: RDS, eventNames: ['StartExportTask'] }],
  playbook: null,
  match(record) {
    const req = request(record);
    const source = str(req.sourceArn);
    const bucket = str(req.s3BucketName);
    if (!source || !bucket) return null;
    return {
      resource: resourceRef(record, 'AWS::RDS::DBSnapshot', source.split(':').pop() ?? source, {}, source),
      summary: `RDS snapshot ${source} exported to s3://${bucket}/${str(req.s3Prefix) ?? ''}`,
      evidence: { bucket, iamRoleArn: str(req.iamRoleArn) ?? null },
    };
  },
});

const rdsSnapshotCopiedToRegion = defineDetection({
  id: 'rds.snapshot-copied-to-region',
  title: 'Database snapshot copied to another region',
  category: 'EXF',
  mitre: ['T1537'],
  severity: 0.4,
  description:
    'CopyDBSnapshot / CopyDBClusterSnapshot whose source is in another region (sourceRegion, or the region of the source ARN): a copy out of the monitored region. Copies within one region are not matched.',
  triggers: [{ eventSource: RDS, eventNames: ['CopyDBSnapshot', 'CopyDBClusterSnapshot'] }],
  playbook: null,
  match(record) {
    const req = request(record);
    const source = str(req.sourceDBSnapshotIdentifier) ?? str(req.sourceDBClusterSnapshotIdentifier);
    const target = str(req.targetDBSnapshotIdentifier) ?? str(req.targetDBClusterSnapshotIdentifier);
    if (!source || !target) return null;
    const from = str(req.sourceRegion) ?? arnRegion(source);
    if (!from || !record.awsRegion || from === record.awsRegion) return null;
    return {
      resource: resourceRef(record, 'AWS::RDS::DBSnapshot', target, { source, sourceRegion: from }),
      summary: `RDS snapshot ${source} copied from ${from} to ${record.awsRegion} as ${target}`,
    };
  },
});

const rdsActivityStreamStopped = defineDetection({
  id: 'rds.activity-stream-stopped',
  title: 'Database activity stream stopped',
  category: 'LOG',
  mitre: ['T1562.008'],
  severity: 0.7,
  description:
    'StopActivityStream: the database audit stream (every query, to Kinesis) is turned off, blinding database monitoring.',
  triggers: [{ eventSource: RDS, eventNames: ['StopActivityStream'] }],
  playbook: null,
  match(record) {
    const arn = str(request(record).resourceArn);
    if (!arn) return null;
    return {
      resource: resourceRef(record, 'AWS::RDS::DBCluster', arn.split(':').pop() ?? arn, {}, arn),
      summary: `Database activity stream stopped on ${arn}`,
    };
  },
});

const rdsSecurityGroupIngress = defineDetection({
  id: 'rds.security-group-ingress',
  title: 'Ingress added to a DB security group',
  category: 'EXP',
  mitre: ['T1562.007'],
  severity: 0.3,
  description:
    'AuthorizeDBSecurityGroupIngress (EC2-Classic DB security groups): access from a CIDR or an EC2 security group. From the whole internet (a /0 prefix) it exposes the database: severity .75.',
  triggers: [{ eventSource: RDS, eventNames: ['AuthorizeDBSecurityGroupIngress'] }],
  playbook: null,
  match(record) {
    const req = request(record);
    const group = str(req.dBSecurityGroupName);
    if (!group) return null;
    const cidr = str(req.cIDRIP);
    const source = cidr ?? str(req.eC2SecurityGroupId) ?? str(req.eC2SecurityGroupName) ?? 'unknown source';
    const world = cidr !== undefined && /\/0$/.test(cidr);
    return {
      resource: resourceRef(record, 'AWS::RDS::DBSecurityGroup', group, { source }),
      summary: `DB security group ${group} now admits ${source}${world ? ' (the whole internet)' : ''}`,
      severity: world ? 0.75 : 0.3,
    };
  },
});

const rdsIamRoleAdded = defineDetection({
  id: 'rds.iam-role-added',
  title: 'IAM role attached to a database',
  category: 'PRV',
  mitre: ['T1098'],
  severity: 0.3,
  description:
    'AddRoleToDBInstance / AddRoleToDBCluster: the database engine can now act with the role (S3 import/export, Lambda calls), a path for data to leave through the engine itself.',
  triggers: [{ eventSource: RDS, eventNames: ['AddRoleToDBInstance', 'AddRoleToDBCluster'] }],
  playbook: null,
  match(record) {
    const req = request(record);
    const database = databaseOf(req);
    const role = str(req.roleArn);
    if (!database || !role) return null;
    return {
      resource: resourceRef(record, database.type, database.id, {
        roleArn: role,
        feature: str(req.featureName) ?? null,
      }),
      summary: `Role ${role} attached to RDS ${database.kind} ${database.id}${str(req.featureName) ? ` for ${str(req.featureName)}` : ''}`,
    };
  },
});

const rdsLogDownloaded = defineDetection({
  id: 'rds.log-downloaded',
  title: 'Database log file downloaded (informational)',
  category: 'EXF',
  mitre: ['T1005'],
  severity: 0.1,
  description:
    'DownloadDBLogFilePortion: engine logs (errors, audit, slow queries) can hold queries and their data. Informational: DBAs read logs routinely.',
  triggers: [{ eventSource: RDS, eventNames: ['DownloadDBLogFilePortion'] }],
  playbook: null,
  match(record) {
    const req = request(record);
    const database = databaseOf(req);
    const file = str(req.logFileName);
    if (!database || !file) return null;
    return {
      resource: resourceRef(record, database.type, database.id, { logFileName: file }),
      summary: `Log ${file} of RDS ${database.kind} ${database.id} downloaded`,
    };
  },
});

const rdsManualSnapshotCreated = defineDetection({
  id: 'rds.manual-snapshot-created',
  title: 'Manual database snapshot created (informational)',
  category: 'EXF',
  mitre: ['T1578.001'],
  severity: 0.15,
  description:
    'CreateDBSnapshot / CreateDBClusterSnapshot whose snapshotType is manual or public (not automated, not AWS Backup): the first step of snapshot exfiltration, and routine for operators. Informational.',
  triggers: [{ eventSource: RDS, eventNames: ['CreateDBSnapshot', 'CreateDBClusterSnapshot'] }],
  playbook: null,
  match(record) {
    const req = request(record);
    const res = response(record);
    const type = str(res.snapshotType);
    if (type !== undefined && type !== 'manual' && type !== 'public') return null;
    const snapshot = str(req.dBSnapshotIdentifier) ?? str(req.dBClusterSnapshotIdentifier);
    if (!snapshot) return null;
    const source = str(req.dBInstanceIdentifier) ?? str(req.dBClusterIdentifier) ?? 'unknown database';
    return {
      resource: resourceRef(
        record,
        record.eventName === 'CreateDBClusterSnapshot'
          ? 'AWS::RDS::DBClusterSnapshot'
          : 'AWS::RDS::DBSnapshot',
        snapshot,
        { source, snapshotType: type ?? null },
        str(res.dBSnapshotArn) ?? str(res.dBClusterSnapshotArn),
      ),
      summary: `${type === 'public' ? 'Public' : 'Manual'} snapshot ${snapshot} of ${source} created`,
    };
  },
});

const rdsAvailabilityChanged = defineDetection({
  id: 'rds.availability-changed',
  title: 'Database rebooted or failed over (informational)',
  category: 'IMP',
  mitre: ['T1529'],
  severity: 0.1,
  description:
    'RebootDBInstance / RebootDBCluster / FailoverDBCluster / FailoverGlobalCluster: connections drop while it happens. Routine maintenance as often as sabotage. Informational.',
  triggers: [
    {
      eventSource: RDS,
      eventNames: ['RebootDBInstance', 'RebootDBCluster', 'FailoverDBCluster', 'FailoverGlobalCluster'],
    },
  ],
  playbook: null,
  match(record) {
    const req = request(record);
    const global = str(req.globalClusterIdentifier);
    const database = databaseOf(req);
    const id = database?.id ?? global;
    if (!id) return null;
    const type = database?.type ?? 'AWS::RDS::GlobalCluster';
    const verb = record.eventName.startsWith('Reboot') ? 'rebooted' : 'failed over';
    const forced = bool(req.forceFailover) === true ? ' with a forced failover' : '';
    return {
      resource: resourceRef(record, type, id, {}),
      summary: `RDS ${database?.kind ?? 'global cluster'} ${id} ${verb}${forced}`,
    };
  },
});

const rdsSnapshotEnumeration = defineDetection({
  id: 'rds.snapshot-enumeration',
  title: 'Public or shared database snapshots listed (informational)',
  category: 'DIS',
  mitre: ['T1580'],
  severity: 0.1,
  description:
    'DescribeDBSnapshots / DescribeDBClusterSnapshots with includePublic or includeShared true: looking for snapshots other accounts expose. Plain listings of one’s own snapshots are not matched. Informational.',
  triggers: [{ eventSource: RDS, eventNames: ['DescribeDBSnapshots', 'DescribeDBClusterSnapshots'] }],
  playbook: null,
  match(record) {
    const req = request(record);
    const pub = bool(req.includePublic) === true;
    const shared = bool(req.includeShared) === true;
    if (!pub && !shared) return null;
    return {
      resource: null,
      summary: `${record.eventName} including ${[pub ? 'public' : '', shared ? 'shared' : ''].filter(Boolean).join(' and ')} snapshots`,
    };
  },
});

export {
  rdsActivityStreamStopped,
  rdsAvailabilityChanged,
  rdsBackupDeleted,
  rdsDatabaseDeleted,
  rdsIamRoleAdded,
  rdsLogDownloaded,
  rdsManualSnapshotCreated,
  rdsSecurityGroupIngress,
  rdsSnapshotCopiedToRegion,
  rdsSnapshotEnumeration,
  rdsSnapshotExported,
};
