import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import { defineDetection } from './define.js';
import { list, request, resourceRef, str } from './read.js';

const S3 = 's3.amazonaws.com';
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const PUBLIC_CANNED_ACLS = new Set(['public-read', 'public-read-write', 'authenticated-read']);
const GRANT_HEADERS = ['x-amz-grant-read', 'x-amz-grant-write', 'x-amz-grant-read-acp', 'x-amz-grant-write-acp', 'x-amz-grant-full-control'];

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
  title: 'S3 bucket made public by its ACL',
  category: 'EXP',
  mitre: ['T1530'],
  severity: 0.85,
  description:
    'PutBucketAcl or CreateBucket grants access to everyone (AllUsers) or to any AWS account (AuthenticatedUsers), by canned ACL, grant header or ACL body.',
  triggers: [{ eventSource: S3, eventNames: ['PutBucketAcl', 'CreateBucket'] }],
  playbook: 's3.make-bucket-private',
  match(record) {
    const bucket = str(request(record).bucketName);
    if (!bucket) return null;
    const grants = publicAclGrants(record);
    if (grants.length === 0) return null;
    return {
      resource: resourceRef(record, 'AWS::S3::Bucket', bucket, { grants }, `arn:aws:s3:::${bucket}`),
      summary: `Bucket ${bucket} ACL made public: ${grants.join(', ')}`,
      evidence: { grants },
    };
  },
});

export { publicAclGrants, s3BucketAclPublic };
