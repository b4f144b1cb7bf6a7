import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import type { MatchContext } from './define.js';
import { defineDetection } from './define.js';
import { accountIdIn, accountOf, isObject, request, resourceRef, str } from './read.js';

/**
 * S3 object-level ransomware and exfiltration (data events, which need trail data selectors, trap T8): objects
 * re-encrypted with a key the owner does not hold, copied into another account's bucket, a ransom note written,
 * and bucket replication removed so that no second copy survives.
 */

const S3 = 's3.amazonaws.com';

/** Ransom-note object names seen in S3 ransomware (the key's last segment, any case). */
const RANSOM_NOTE =
  /(?:^|[/_.-])(?:how[_ -]?to[_ -]?(?:decrypt|restore|recover|get[_ -]?back)|decrypt[_ -]?(?:instructions|files|info|me)|restore[_ -]?(?:my[_ -]?)?files|read[_ -]?me[_ -]?(?:now|to[_ -]?(?:decrypt|restore))|your[_ -]?files[_ -]?(?:are|have[_ -]?been)[_ -]?encrypted|ransom(?:[_ -]?note)?|files[_ -]?encrypted)[^/]*$/i;

const bucketOf = (record: CloudTrailRecord): string | undefined => str(request(record).bucketName);

const objectRef = (record: CloudTrailRecord, bucket: string, key: string | undefined) =>
  resourceRef(record, 'AWS::S3::Bucket', bucket, { key: key ?? null }, `arn:aws:s3:::${bucket}`);

/** Whether an account is the record's own or one the context trusts. */
const trusted = (account: string, record: CloudTrailRecord, context: MatchContext): boolean =>
  account === accountOf(record) ||
  account === record.userIdentity?.accountId ||
  (context.trustedAccounts?.has(account) ?? false);

const s3ObjectEncryptedWithCustomerKey = defineDetection({
  id: 's3.object-encrypted-with-customer-key',
  title: 'Object written with a client-supplied encryption key (SSE-C)',
  category: 'IMP',
  mitre: ['T1486'],
  severity: 0.6,
  description:
    'PutObject / CopyObject with x-amz-server-side-encryption-customer-algorithm: the object can only be read with a key the caller holds, the S3 ransomware pattern (Stratus s3-ransomware-client-side-encryption). Data event.',
  triggers: [{ eventSource: S3, eventNames: ['PutObject', 'CopyObject'] }],
  playbook: null,
  match(record) {
    const req = request(record);
    const algorithm = str(req['x-amz-server-side-encryption-customer-algorithm']);
    const bucket = bucketOf(record);
    if (!algorithm || !bucket) return null;
    const key = str(req.key);
    return {
      resource: objectRef(record, bucket, key),
      summary: `${record.eventName} of s3://${bucket}/${key ?? ''} encrypted with a customer-supplied ${algorithm} key`,
    };
  },
});

const s3ObjectEncryptedWithForeignKey = defineDetection({
  id: 's3.object-encrypted-with-foreign-key',
  title: 'Object re-encrypted with another account’s KMS key',
  category: 'IMP',
  mitre: ['T1486'],
  severity: 0.75,
  description:
    'PutObject / CopyObject with SSE-KMS whose key ARN (x-amz-server-side-encryption-aws-kms-key-id) is in an account that is neither ours nor trusted: once that key is withheld or deleted the data is lost. Data event.',
  triggers: [{ eventSource: S3, eventNames: ['PutObject', 'CopyObject'] }],
  playbook: null,
  match(record, context) {
    const req = request(record);
    const keyId = str(req['x-amz-server-side-encryption-aws-kms-key-id']);
    const bucket = bucketOf(record);
    if (!keyId || !bucket) return null;
    const keyAccount = accountIdIn(keyId);
    if (!keyAccount || trusted(keyAccount, record, context)) return null;
    const key = str(req.key);
    return {
      resource: objectRef(record, bucket, key),
      summary: `s3://${bucket}/${key ?? ''} encrypted with KMS key ${keyId} of account ${keyAccount}`,
      evidence: { kmsKeyId: keyId, keyAccount },
    };
  },
});

/** Bucket names and owning accounts listed in the record's `resources` (CloudTrail fills them for S3 data events). */
function resourceBuckets(record: CloudTrailRecord): { name: string; account: string | undefined }[] {
  const out: { name: string; account: string | undefined }[] = [];
  for (const entry of record.resources ?? []) {
    if (!isObject(entry) || str(entry.type) !== 'AWS::S3::Bucket') continue;
    const arn = str(entry.ARN) ?? str(entry.arn);
    const name = arn?.replace(/^arn:aws[a-z-]*:s3:::/, '');
    if (name) out.push({ name, account: str(entry.accountId) });
  }
  return out;
}

const s3ObjectCopiedToForeignAccount = defineDetection({
  id: 's3.object-copied-to-foreign-account',
  title: 'Object copied into another account’s bucket',
  category: 'EXF',
  mitre: ['T1537'],
  severity: 0.65,
  description:
    'CopyObject whose destination bucket is owned by an account that is neither ours nor trusted (CloudTrail lists each bucket with its owner in resources). Data event.',
  triggers: [{ eventSource: S3, eventNames: ['CopyObject'] }],
  playbook: null,
  match(record, context) {
    const destination = bucketOf(record);
    if (!destination) return null;
    const buckets = resourceBuckets(record);
    const owner = buckets.find((b) => b.account !== undefined && !trusted(b.account, record, context));
    if (!owner?.account) return null;
    const source = str(request(record)['x-amz-copy-source']);
    return {
      resource: objectRef(record, destination, str(request(record).key)),
      summary: `Object ${source ?? ''} copied to bucket ${owner.name} of account ${owner.account}`,
      evidence: { foreignBucket: owner.name, foreignAccount: owner.account, copySource: source ?? null },
    };
  },
});

const s3RansomNoteUploaded = defineDetection({
  id: 's3.ransom-note-uploaded',
  title: 'Ransom note written to a bucket',
  category: 'IMP',
  mitre: ['T1486', 'T1485'],
  severity: 0.8,
  description:
    'PutObject / CopyObject of a key whose name reads like a ransom note (HOW_TO_DECRYPT…, RESTORE_FILES…, YOUR_FILES_ARE_ENCRYPTED…, README_TO_DECRYPT…). Data event.',
  triggers: [{ eventSource: S3, eventNames: ['PutObject', 'CopyObject'] }],
  playbook: null,
  match(record) {
    const bucket = bucketOf(record);
    const key = str(request(record).key);
    if (!bucket || !key || !RANSOM_NOTE.test(key)) return null;
    return {
      resource: objectRef(record, bucket, key),
      summary: `Ransom-note-like object s3://${bucket}/${key} written`,
    };
  },
});

const s3ReplicationRemoved = defineDetection({
  id: 's3.replication-removed',
  title: 'Bucket replication removed',
  category: 'IMP',
  mitre: ['T1490'],
  severity: 0.5,
  description:
    'DeleteBucketReplication: the second copy that protects a bucket against deletion or encryption stops being kept up to date. Often the step before destroying the primary.',
  triggers: [{ eventSource: S3, eventNames: ['DeleteBucketReplication'] }],
  playbook: null,
  match(record) {
    const bucket = bucketOf(record);
    if (!bucket) return null;
    return {
      resource: resourceRef(record, 'AWS::S3::Bucket', bucket, {}, `arn:aws:s3:::${bucket}`),
      summary: `Replication configuration removed from bucket ${bucket}`,
    };
  },
});

export {
  s3ObjectCopiedToForeignAccount,
  s3ObjectEncryptedWithCustomerKey,
  s3ObjectEncryptedWithForeignKey,
  s3RansomNoteUploaded,
  s3ReplicationRemoved,
};
