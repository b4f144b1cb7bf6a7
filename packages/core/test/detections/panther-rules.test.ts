import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { catalog, isInformational } from '../../src/detections/index.js';
import { CloudTrailRecordSchema } from '../../src/schemas/index.js';
import type { DetectionHit } from '../../src/schemas/stages.js';

/**
 * Panther's AWS CloudTrail rule tests (third-party, hand-made, labelled per rule), read in place from
 * ../shared/datasets or $AISAWS_DATASETS. Without the datasets the tests are skipped, and counted so. The
 * end-to-end figure (`aisaws scan`, scoring and decision included) is `pnpm eval`; this checks the catalog.
 */
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const datasets = resolve(process.env.AISAWS_DATASETS ?? join(repoRoot, '..', 'shared', 'datasets'));
const dir = join(datasets, 'cloudtrail', 'panther-analysis-fixtures');

type Json = Record<string, unknown>;
const lines = (path: string): Json[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as Json);

interface PantherTest {
  readonly rule: string;
  readonly name: string;
  readonly positive: boolean;
  readonly needsMocks: boolean;
  /** null when the record is not valid CloudTrail (the pipeline quarantines it: a miss). */
  readonly hits: DetectionHit[] | null;
}

const present = existsSync(join(dir, 'panther-rule-tests.cloudtrail.jsonl'));

function load(): PantherTest[] {
  const records = lines(join(dir, 'panther-rule-tests.cloudtrail.jsonl'));
  const labels = lines(join(dir, 'panther-rule-tests.labels.jsonl'));
  return records.map((raw, i) => {
    const label = labels[i] as Json;
    const parsed = CloudTrailRecordSchema.safeParse(raw);
    return {
      rule: String(label.rule_id),
      name: String(label.test_name),
      positive: label.expected_result === true,
      needsMocks: label.needs_mocks === true,
      hits: parsed.success ? catalog.detect(parsed.data) : null,
    };
  });
}

/** Panther rules and the detection of this catalog that answers each (the families added for them). */
const RULE_DETECTIONS: readonly (readonly [string, string])[] = [
  ['AWS.RDS.InstanceDeletion', 'rds.database-deleted'],
  ['AWS.RDS.SnapshotDeleted', 'rds.backup-deleted'],
  ['AWS.RDS.AutomatedBackupDeleted', 'rds.backup-deleted'],
  ['AWS.RDS.SnapshotExport', 'rds.snapshot-exported'],
  ['AWS.RDS.SnapshotCopiedCrossRegion', 'rds.snapshot-copied-to-region'],
  ['AWS.RDS.ActivityStreamStopped', 'rds.activity-stream-stopped'],
  ['AWS.RDS.SecurityGroupIngressAuthorized', 'rds.security-group-ingress'],
  ['AWS.RDS.IAMRoleAdded', 'rds.iam-role-added'],
  ['AWS.RDS.LogFileDownloaded', 'rds.log-downloaded'],
  ['AWS.RDS.ManualSnapshotCreated', 'rds.manual-snapshot-created'],
  ['AWS.RDS.InstanceRebooted', 'rds.availability-changed'],
  ['AWS.RDS.ClusterFailover', 'rds.availability-changed'],
  ['AWS.RDS.SnapshotEnumeration', 'rds.snapshot-enumeration'],
  ['AWS.S3.CopyObjectWithClientSideEncryption', 's3.object-encrypted-with-customer-key'],
  ['AWS.S3.CopyObject.CrossAccount.Encryption.KMS', 's3.object-encrypted-with-foreign-key'],
  ['AWS.S3.CopyObjectToExternalAccountBucket', 's3.object-copied-to-foreign-account'],
  ['AWS.S3.RansomwareNoteUpload', 's3.ransom-note-uploaded'],
  ['AWS.S3.DeleteBucketReplication', 's3.replication-removed'],
  ['AWS.EC2.Traffic.Mirroring', 'ec2.traffic-mirroring-changed'],
  ['AWS.CloudTrail.CodebuildProjectMadePublic', 'codebuild.project-public'],
  ['AWS.Suspicious.SAML.Activity', 'identity.identity-provider-changed'],
  ['AWS.EC2.SecurityGroupModified', 'ec2.firewall-changed'],
  ['AWS.EC2.NetworkACLModified', 'ec2.firewall-changed'],
  ['AWS.EC2.GatewayModified', 'ec2.network-topology-changed'],
  ['AWS.EC2.RouteTableModified', 'ec2.network-topology-changed'],
  ['AWS.EC2.VPCModified', 'ec2.network-topology-changed'],
  ['AWS.IAM.PolicyModified', 'iam.policy-changed'],
  ['AWS.IAM.CreateRole', 'iam.principal-created'],
  ['AWS.IAM.CreateUser', 'iam.principal-created'],
  ['AWS.IAM.CredentialsUpdated', 'iam.credentials-changed'],
  ['AWS.CloudTrail.Created', 'cloudtrail.configuration-changed'],
  ['AWS.ConfigService.Created', 'config.configuration-changed'],
  ['AWS.S3.BucketPolicyModified', 's3.bucket-access-changed'],
  ['AWS.S3.DeleteObject', 's3.object-deleted'],
  ['AWS.ECR.CRUD', 'ecr.repository-changed'],
  ['AWS.LAMBDA.CRUD', 'lambda.function-changed'],
  ['AWS.EC2.StopInstances', 'ec2.instance-lifecycle-changed'],
  ['AWS.IAM.Group.Read.Only.Events', 'iam.group-enumeration'],
  ['AWS.CloudTrail.Account.Discovery', 'account.contact-discovery'],
  ['AWS.CloudTrail.SES.CheckSendQuota', 'ses.sending-probe'],
  ['AWS.Software.Discovery', 'recon.security-controls-discovery'],
  ['AWS.IAMUser.ReconAccessDenied', 'recon.denied-enumeration'],
  ['AWS.Console.LoginWithoutSAML', 'identity.iam-user-console-sign-in'],
  ['AWS.STS.GetSessionToken.Misuse', 'sts.session-token-by-iam-user'],
  ['AWS.CloudTrail.UserAccessKeyAuth', 'sts.caller-check-with-user-key'],
];

// Without the datasets (a machine without ../shared, AISAWS_DATASETS unset) the tests are skipped, and counted so.
(present ? describe : describe.skip)('Panther AWS CloudTrail rule tests (third-party, read in place)', () => {
  const tests = present ? load() : [];

  it.each(RULE_DETECTIONS)('every valid positive of %s is detected by %s', (rule, id) => {
    const positives = tests.filter((t) => t.rule === rule && t.positive && !t.needsMocks && t.hits !== null);
    expect(positives.length).toBeGreaterThan(0);
    expect(positives.filter((t) => !t.hits?.some((h) => h.id === id)).map((t) => t.name)).toEqual([]);
  });

  it('detects at least 80 % of all rule-positive tests that need no Panther mocks (invalid records are misses)', () => {
    const positives = tests.filter((t) => t.positive && !t.needsMocks);
    const detected = positives.filter((t) => (t.hits?.length ?? 0) > 0);
    expect(positives).toHaveLength(193);
    expect(detected.length / positives.length).toBeGreaterThanOrEqual(0.8);
  });

  it('leaves at least 95 % of the rule-negative tests without an actionable hit', () => {
    const negatives = tests.filter((t) => !t.positive);
    const actionable = negatives.filter((t) => t.hits?.some((h) => h.actionable));
    expect(actionable.length / negatives.length).toBeLessThanOrEqual(0.05);
  });

  it('never makes an informational hit actionable', () => {
    const offenders = tests.flatMap((t) => (t.hits ?? []).filter((h) => isInformational(h) && h.actionable));
    expect(offenders).toEqual([]);
  });
});
