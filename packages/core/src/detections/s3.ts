import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import { defineDetection } from './define.js';
import { foreignStatements, publicStatements } from './policy.js';
import { bool, isObject, list, num, pick, request, resourceRef, str } from './read.js';

const S3 = 's3.amazonaws.com';
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const PUBLIC_CANNED_ACLS = new Set(['public-read', 'public-read-write', 'authenticated-read']);
const GRANT_HEADERS = [
  'x-amz-grant-read',
  'x-amz-grant-write',
  'x-amz-grant-read-acp',
  'x-amz-grant-write-acp',
  'x-amz-grant-full-control',
];
const BPA_FLAGS = [
  'BlockPublicAcls',
  'IgnorePublicAcls',
  'BlockPublicPolicy',
  'RestrictPublicBuckets',
] as const;

const bucketArn = (bucket: string): string => `arn:aws:s3:::${bucket}`;
const bucketOf = (record: CloudTrailRecord): string | undefined => str(request(record).bucketName);

/** The public grants of an ACL request: canned ACL, grant headers, or an AccessControlPolicy body. */
function publicAclGrants(record: CloudTrailRecord): string[] {
  const req = request(record);
  const grants: string[] = [];
  for (const acl of list(req['x-amz-acl'])) {
    if (typeof acl === 'string' && PUBLIC_CANNED_ACLS.has(acl)) grants.push(`canned ACL ${acl}`);
  }
  for (const header of GRANT_HEADERS) {
    for (const value of list(req[header])) {
      if (typeof value !== 'string') continue;
      if (value.includes(ALL_USERS)) grants.push(`${header} AllUsers`);
      else if (value.includes(AUTHENTICATED_USERS)) grants.push(`${header} AuthenticatedUsers`);
    }
  }
  for (const grant of list(req, 'AccessControlPolicy.AccessControlList.Grant')) {
    const uri = str(grant, 'Grantee.URI');
    const permission = str(grant, 'Permission') ?? 'access';
    if (uri === ALL_USERS) grants.push(`${permission} to AllUsers`);
    else if (uri === AUTHENTICATED_USERS) grants.push(`${permission} to AuthenticatedUsers`);
  }
  return grants;
}

const s3BucketAclPublic = defineDetection({
  id: 's3.bucket-acl-public',
  title: 'S3 bucket or object made public by its ACL',
  category: 'EXP',
  mitre: ['T1530'],
  severity: 0.85,
  description:
    'PutBucketAcl, CreateBucket or PutObjectAcl grants access to everyone (AllUsers) or to any AWS account (AuthenticatedUsers), by canned ACL, grant header or ACL body.',
  triggers: [{ eventSource: S3, eventNames: ['PutBucketAcl', 'CreateBucket', 'PutObjectAcl'] }],
  playbook: 's3.make-bucket-private',
  match(record) {
    const bucket = bucketOf(record);
    if (!bucket) return null;
    const grants = publicAclGrants(record);
    if (grants.length === 0) return null;
    const key = record.eventName === 'PutObjectAcl' ? str(request(record).key) : undefined;
    const what = key ? `Object ${key} in bucket ${bucket}` : `Bucket ${bucket}`;
    return {
      resource: resourceRef(
        record,
        'AWS::S3::Bucket',
        bucket,
        key ? { grants, objectKey: key } : { grants },
        bucketArn(bucket),
      ),
      summary: `${what} ACL made public: ${grants.join(', ')}`,
      evidence: { grants },
    };
  },
});

const s3BucketPolicyPublic = defineDetection({
  id: 's3.bucket-policy-public',
  title: 'S3 bucket policy allows anyone',
  category: 'EXP',
  mitre: ['T1530'],
  severity: 0.85,
  description:
    'PutBucketPolicy with an Allow to Principal "*" (or {AWS: "*"}) and no condition that narrows it to a VPC endpoint, organization, account, source ARN or specific IP range. Service principals (CloudFront OAC, CloudTrail) are not public.',
  triggers: [{ eventSource: S3, eventNames: ['PutBucketPolicy'] }],
  playbook: 's3.remove-public-policy-statements',
  match(record) {
    const bucket = bucketOf(record);
    if (!bucket) return null;
    const statements = publicStatements(request(record).bucketPolicy);
    if (statements.length === 0) return null;
    const details = {
      statementIndexes: statements.map((s) => s.index),
      statementSids: statements.flatMap((s) => (s.sid ? [s.sid] : [])),
      actions: [...new Set(statements.flatMap((s) => s.actions))],
    };
    return {
      resource: resourceRef(record, 'AWS::S3::Bucket', bucket, details, bucketArn(bucket)),
      summary: `Bucket ${bucket} policy allows anyone: ${details.actions.join(', ') || 'all actions'}`,
      evidence: details,
    };
  },
});

const s3BucketPolicyCrossAccount = defineDetection({
  id: 's3.bucket-policy-cross-account',
  title: 'S3 bucket shared with a foreign account by policy',
  category: 'EXF',
  mitre: ['T1537'],
  severity: 0.7,
  description:
    'PutBucketPolicy with an Allow to an AWS account or ARN that is neither this account nor a trusted (organization) account, without a narrowing condition. ELB log-delivery accounts are ours.',
  triggers: [{ eventSource: S3, eventNames: ['PutBucketPolicy'] }],
  playbook: null,
  match(record, context) {
    const bucket = bucketOf(record);
    if (!bucket) return null;
    const statements = foreignStatements(request(record).bucketPolicy, record, context);
    if (statements.length === 0) return null;
    const accounts = [...new Set(statements.flatMap((s) => s.accounts))];
    const details = {
      foreignAccounts: accounts,
      statementIndexes: statements.map((s) => s.index),
      statementSids: statements.flatMap((s) => (s.sid ? [s.sid] : [])),
    };
    return {
      resource: resourceRef(record, 'AWS::S3::Bucket', bucket, details, bucketArn(bucket)),
      summary: `Bucket ${bucket} policy grants access to foreign account(s) ${accounts.join(', ')}`,
      evidence: details,
    };
  },
});

/** The Block Public Access flags a Put request turns off (missing flags default to false in the API). */
function disabledBpaFlags(record: CloudTrailRecord): string[] {
  const config = pick(request(record), 'PublicAccessBlockConfiguration', 'publicAccessBlockConfiguration');
  if (!isObject(config)) return [];
  return BPA_FLAGS.filter(
    (flag) => bool(pick(config, flag, flag.charAt(0).toLowerCase() + flag.slice(1))) !== true,
  );
}

const s3BucketPublicAccessBlockRemoved = defineDetection({
  id: 's3.bucket-public-access-block-removed',
  title: 'S3 bucket Block Public Access removed or weakened',
  category: 'EXP',
  mitre: ['T1562.001', 'T1530'],
  severity: 0.75,
  description:
    'DeleteBucketPublicAccessBlock (CloudTrail name of DeletePublicAccessBlock), or PutBucketPublicAccessBlock with any of the four flags false.',
  triggers: [
    { eventSource: S3, eventNames: ['DeleteBucketPublicAccessBlock', 'PutBucketPublicAccessBlock'] },
  ],
  playbook: 's3.restore-bucket-public-access-block',
  match(record) {
    const bucket = bucketOf(record);
    if (!bucket) return null;
    const deleted = record.eventName === 'DeleteBucketPublicAccessBlock';
    const disabled = deleted ? [...BPA_FLAGS] : disabledBpaFlags(record);
    if (disabled.length === 0) return null;
    return {
      resource: resourceRef(
        record,
        'AWS::S3::Bucket',
        bucket,
        { disabledFlags: disabled, deleted },
        bucketArn(bucket),
      ),
      summary: deleted
        ? `Bucket ${bucket} Block Public Access configuration deleted`
        : `Bucket ${bucket} Block Public Access weakened: ${disabled.join(', ')} off`,
      evidence: { disabledFlags: disabled },
    };
  },
});

const s3AccountPublicAccessBlockRemoved = defineDetection({
  id: 's3.account-public-access-block-removed',
  title: 'Account-level S3 Block Public Access removed or weakened',
  category: 'EXP',
  mitre: ['T1562.001', 'T1530'],
  severity: 0.85,
  description:
    'S3 Control DeleteAccountPublicAccessBlock, or PutAccountPublicAccessBlock with any flag false. CloudTrail logs these with eventSource s3.amazonaws.com.',
  triggers: [
    { eventSource: S3, eventNames: ['DeleteAccountPublicAccessBlock', 'PutAccountPublicAccessBlock'] },
  ],
  playbook: 's3.restore-account-public-access-block',
  match(record) {
    const deleted = record.eventName === 'DeleteAccountPublicAccessBlock';
    const disabled = deleted ? [...BPA_FLAGS] : disabledBpaFlags(record);
    if (disabled.length === 0) return null;
    const account = str(request(record)['x-amz-account-id']) ?? record.recipientAccountId ?? 'unknown';
    return {
      resource: resourceRef(record, 'AWS::::Account', account, { disabledFlags: disabled, deleted }),
      summary: deleted
        ? `Account ${account} S3 Block Public Access configuration deleted`
        : `Account ${account} S3 Block Public Access weakened: ${disabled.join(', ')} off`,
      evidence: { disabledFlags: disabled },
    };
  },
});

const s3VersioningSuspended = defineDetection({
  id: 's3.versioning-suspended',
  title: 'S3 bucket versioning suspended or MFA delete disabled',
  category: 'IMP',
  mitre: ['T1490'],
  severity: 0.6,
  description:
    'PutBucketVersioning with Status Suspended (or Disabled), or MfaDelete Disabled: deleted objects can no longer be recovered.',
  triggers: [{ eventSource: S3, eventNames: ['PutBucketVersioning'] }],
  playbook: null,
  match(record) {
    const bucket = bucketOf(record);
    const config = pick(request(record), 'VersioningConfiguration', 'versioningConfiguration');
    if (!bucket || !isObject(config)) return null;
    const status = str(pick(config, 'Status', 'status'));
    const mfaDelete = str(pick(config, 'MfaDelete', 'mfaDelete'));
    const suspended = status === 'Suspended' || status === 'Disabled';
    const mfaOff = mfaDelete === 'Disabled';
    if (!suspended && !mfaOff) return null;
    const changes = [
      ...(suspended ? [`versioning ${status}`] : []),
      ...(mfaOff ? ['MFA delete disabled'] : []),
    ];
    return {
      resource: resourceRef(record, 'AWS::S3::Bucket', bucket, { status, mfaDelete }, bucketArn(bucket)),
      summary: `Bucket ${bucket}: ${changes.join(', ')}`,
      severity: suspended ? 0.6 : 0.45,
    };
  },
});

/** Enabled lifecycle rules with an expiration shorter than `days`, with their id and filter prefix. */
function shortExpirations(
  record: CloudTrailRecord,
  days: number,
): { id: string; days: number; prefix: string }[] {
  const config = pick(request(record), 'LifecycleConfiguration', 'lifecycleConfiguration');
  const out: { id: string; days: number; prefix: string }[] = [];
  for (const rule of list(pick(config, 'Rule', 'Rules', 'rules'))) {
    if (str(pick(rule, 'Status', 'status')) !== 'Enabled') continue;
    const expiry = num(pick(pick(rule, 'Expiration', 'expiration'), 'Days', 'days'));
    const prefix =
      str(pick(pick(rule, 'Filter', 'filter'), 'Prefix', 'prefix')) ??
      str(pick(rule, 'Prefix', 'prefix')) ??
      '';
    if (expiry !== undefined && expiry < days)
      out.push({ id: str(pick(rule, 'ID', 'Id', 'id')) ?? '', days: expiry, prefix });
  }
  return out;
}

/** Names that say "trail or audit logs": bucket names, rule ids, or the `AWSLogs/` prefix CloudTrail writes under. */
const LOG_HINT = /cloudtrail|trail|audit|awslogs|(^|[-_./])logs?([-_./]|$)/i;
const SHORT_RETENTION_DAYS = 90;

const s3TrailBucketShortLifecycle = defineDetection({
  id: 's3.trail-bucket-short-lifecycle',
  title: 'Short expiry rule on a CloudTrail log bucket',
  category: 'LOG',
  mitre: ['T1562.008', 'T1485'],
  severity: 0.8,
  description: `PutBucketLifecycle with an Enabled rule expiring objects in under ${SHORT_RETENTION_DAYS} days, on a known trail bucket (context) or where the bucket name, rule id or prefix says trail or audit logs (AWSLogs/).`,
  triggers: [{ eventSource: S3, eventNames: ['PutBucketLifecycle', 'PutBucketLifecycleConfiguration'] }],
  playbook: null,
  match(record, context) {
    const bucket = bucketOf(record);
    if (!bucket) return null;
    const known = context.trailBuckets?.has(bucket) ?? false;
    const rules = shortExpirations(record, SHORT_RETENTION_DAYS).filter(
      (rule) => known || LOG_HINT.test(bucket) || LOG_HINT.test(rule.id) || LOG_HINT.test(rule.prefix),
    );
    if (rules.length === 0) return null;
    const shortest = Math.min(...rules.map((r) => r.days));
    return {
      resource: resourceRef(
        record,
        'AWS::S3::Bucket',
        bucket,
        { ruleIds: rules.map((r) => r.id), expirationDays: shortest },
        bucketArn(bucket),
      ),
      summary: `Log bucket ${bucket} now deletes objects after ${shortest} day(s)`,
      severity: known || shortest <= 7 ? 0.8 : 0.6,
    };
  },
});

const s3BucketLoggingDisabled = defineDetection({
  id: 's3.bucket-logging-disabled',
  title: 'S3 server access logging disabled',
  category: 'LOG',
  mitre: ['T1562.008'],
  severity: 0.5,
  description:
    'PutBucketLogging with an empty BucketLoggingStatus (no LoggingEnabled): access logging turned off.',
  triggers: [{ eventSource: S3, eventNames: ['PutBucketLogging'] }],
  playbook: null,
  match(record) {
    const bucket = bucketOf(record);
    const status = pick(request(record), 'BucketLoggingStatus', 'bucketLoggingStatus');
    if (!bucket || !isObject(status)) return null;
    if (pick(status, 'LoggingEnabled', 'loggingEnabled') !== undefined) return null;
    return {
      resource: resourceRef(record, 'AWS::S3::Bucket', bucket, {}, bucketArn(bucket)),
      summary: `Bucket ${bucket} server access logging disabled`,
    };
  },
});

const s3BucketEncryptionDeleted = defineDetection({
  id: 's3.bucket-encryption-deleted',
  title: 'S3 default bucket encryption deleted',
  category: 'HRD',
  mitre: ['T1485'],
  severity: 0.4,
  description: 'DeleteBucketEncryption removes the default encryption configuration of a bucket.',
  triggers: [{ eventSource: S3, eventNames: ['DeleteBucketEncryption'] }],
  playbook: null,
  match(record) {
    const bucket = bucketOf(record);
    if (!bucket) return null;
    return {
      resource: resourceRef(record, 'AWS::S3::Bucket', bucket, {}, bucketArn(bucket)),
      summary: `Bucket ${bucket} default encryption configuration deleted`,
    };
  },
});

const s3BucketDeleted = defineDetection({
  id: 's3.bucket-deleted',
  title: 'S3 bucket deleted',
  category: 'IMP',
  mitre: ['T1485'],
  severity: 0.3,
  description: 'DeleteBucket: the bucket (already emptied) is gone and its name can be claimed by anyone.',
  triggers: [{ eventSource: S3, eventNames: ['DeleteBucket'] }],
  playbook: null,
  match(record) {
    const bucket = bucketOf(record);
    if (!bucket) return null;
    return {
      resource: resourceRef(record, 'AWS::S3::Bucket', bucket, {}, bucketArn(bucket)),
      summary: `Bucket ${bucket} deleted`,
    };
  },
});

export {
  publicAclGrants,
  s3AccountPublicAccessBlockRemoved,
  s3BucketAclPublic,
  s3BucketDeleted,
  s3BucketEncryptionDeleted,
  s3BucketLoggingDisabled,
  s3BucketPolicyCrossAccount,
  s3BucketPolicyPublic,
  s3BucketPublicAccessBlockRemoved,
  s3TrailBucketShortLifecycle,
  s3VersioningSuspended,
};
