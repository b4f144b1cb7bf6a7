import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import type { MatchContext } from './define.js';
import { defineDetection } from './define.js';
import { isOurAccount } from './policy.js';
import { accountIdIn, list, pick, request, resourceRef, str, strings } from './read.js';

const EC2 = 'ec2.amazonaws.com';

/** Who an `add` list grants: the public group `all`, foreign accounts, foreign organizations / OUs. */
interface AddedPrincipals {
  readonly public: boolean;
  readonly accounts: string[];
  readonly organizations: string[];
}

/** Reads `<permission>.add.items[]` (`group`, `userId`, `organizationArn`, `organizationalUnitArn`). A remove never counts. */
function addedPrincipals(
  permission: unknown,
  record: CloudTrailRecord,
  context: MatchContext,
): AddedPrincipals {
  const added = { public: false, accounts: [] as string[], organizations: [] as string[] };
  for (const item of list(pick(pick(permission, 'add', 'Add'), 'items', 'Items'))) {
    if (str(pick(item, 'group', 'Group')) === 'all') added.public = true;
    const userId = str(pick(item, 'userId', 'UserId'));
    if (userId && accountIdIn(userId) && !isOurAccount(userId, record, context)) added.accounts.push(userId);
    const org =
      str(pick(item, 'organizationArn', 'OrganizationArn')) ??
      str(pick(item, 'organizationalUnitArn', 'OrganizationalUnitArn'));
    if (org) added.organizations.push(org);
  }
  return added;
}

const sharedWith = (added: AddedPrincipals): string[] => [
  ...(added.public ? ['all (public)'] : []),
  ...added.accounts,
  ...added.organizations,
];
const isShared = (added: AddedPrincipals): boolean =>
  added.public || added.accounts.length > 0 || added.organizations.length > 0;

const ec2SnapshotShared = defineDetection({
  id: 'ec2.snapshot-shared',
  title: 'EBS snapshot made public or shared with an unknown account',
  category: 'EXF',
  mitre: ['T1537', 'T1578.001'],
  severity: 0.8,
  description:
    'ModifySnapshotAttribute adding create-volume permission for group all or for an account that is neither ours nor trusted. Removals (reverts) do not fire.',
  triggers: [{ eventSource: EC2, eventNames: ['ModifySnapshotAttribute'] }],
  playbook: 'ec2.make-snapshot-private',
  match(record, context) {
    const req = request(record);
    const snapshotId = str(req.snapshotId);
    if (!snapshotId) return null;
    const added = addedPrincipals(req.createVolumePermission, record, context);
    if (!isShared(added)) return null;
    return {
      resource: resourceRef(record, 'AWS::EC2::Snapshot', snapshotId, {
        snapshotId,
        public: added.public,
        addedAccounts: added.accounts,
      }),
      summary: `EBS snapshot ${snapshotId} shared with ${sharedWith(added).join(', ')}`,
      severity: added.public ? 0.9 : 0.8,
    };
  },
});

const ec2AmiShared = defineDetection({
  id: 'ec2.ami-shared',
  title: 'AMI made public or shared with an unknown account',
  category: 'EXF',
  mitre: ['T1537'],
  severity: 0.8,
  description:
    'ModifyImageAttribute adding launch permission for group all, an account that is neither ours nor trusted, or an organization / OU. Removals do not fire.',
  triggers: [{ eventSource: EC2, eventNames: ['ModifyImageAttribute'] }],
  playbook: 'ec2.make-ami-private',
  match(record, context) {
    const req = request(record);
    const imageId = str(req.imageId);
    if (!imageId) return null;
    const added = addedPrincipals(req.launchPermission, record, context);
    if (!isShared(added)) return null;
    return {
      resource: resourceRef(record, 'AWS::EC2::Image', imageId, {
        imageId,
        public: added.public,
        addedAccounts: added.accounts,
        addedOrganizations: added.organizations,
      }),
      summary: `AMI ${imageId} shared with ${sharedWith(added).join(', ')}`,
      severity: added.public ? 0.85 : 0.8,
    };
  },
});

const rdsSnapshotShared = defineDetection({
  id: 'rds.snapshot-shared',
  title: 'RDS snapshot made public or shared with an unknown account',
  category: 'EXF',
  mitre: ['T1537'],
  severity: 0.8,
  description:
    "ModifyDBSnapshotAttribute or ModifyDBClusterSnapshotAttribute with attributeName restore and valuesToAdd holding 'all' or a foreign account. valuesToRemove (reverts) never fires.",
  triggers: [
    {
      eventSource: 'rds.amazonaws.com',
      eventNames: ['ModifyDBSnapshotAttribute', 'ModifyDBClusterSnapshotAttribute'],
    },
  ],
  playbook: 'rds.make-snapshot-private',
  match(record, context) {
    const req = request(record);
    if (str(req.attributeName) !== 'restore') return null;
    const cluster = record.eventName === 'ModifyDBClusterSnapshotAttribute';
    const snapshot = cluster ? str(req.dBClusterSnapshotIdentifier) : str(req.dBSnapshotIdentifier);
    if (!snapshot) return null;
    const values = strings(req.valuesToAdd);
    const isPublic = values.includes('all');
    const accounts = values.filter((v) => accountIdIn(v) !== undefined && !isOurAccount(v, record, context));
    if (!isPublic && accounts.length === 0) return null;
    return {
      resource: resourceRef(
        record,
        cluster ? 'AWS::RDS::DBClusterSnapshot' : 'AWS::RDS::DBSnapshot',
        snapshot,
        {
          snapshotIdentifier: snapshot,
          cluster,
          public: isPublic,
          addedAccounts: accounts,
        },
      ),
      summary: `RDS ${cluster ? 'cluster ' : ''}snapshot ${snapshot} shared with ${[...(isPublic ? ['all (public)'] : []), ...accounts].join(', ')}`,
      severity: isPublic ? 0.9 : 0.8,
    };
  },
});

const ssmDocumentShared = defineDetection({
  id: 'ssm.document-shared',
  title: 'SSM document made public or shared with an unknown account',
  category: 'EXP',
  mitre: ['T1537'],
  severity: 0.6,
  description: "ModifyDocumentPermission adding 'All' or a foreign account to a document's Share permission.",
  triggers: [{ eventSource: 'ssm.amazonaws.com', eventNames: ['ModifyDocumentPermission'] }],
  playbook: null,
  match(record, context) {
    const req = request(record);
    const name = str(req.name);
    if (!name) return null;
    const values = strings(req.accountIdsToAdd);
    const isPublic = values.some((v) => v.toLowerCase() === 'all');
    const accounts = values.filter((v) => accountIdIn(v) !== undefined && !isOurAccount(v, record, context));
    if (!isPublic && accounts.length === 0) return null;
    return {
      resource: resourceRef(record, 'AWS::SSM::Document', name, {
        documentName: name,
        public: isPublic,
        addedAccounts: accounts,
      }),
      summary: `SSM document ${name} shared with ${[...(isPublic ? ['All (public)'] : []), ...accounts].join(', ')}`,
      severity: isPublic ? 0.7 : 0.6,
    };
  },
});

export { ec2AmiShared, ec2SnapshotShared, rdsSnapshotShared, ssmDocumentShared };
