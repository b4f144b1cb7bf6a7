import type { CloudTrailRecord } from '../schemas/cloudtrail.js';

/**
 * An IAM role ARN, exactly (partition, account, optional path, name; no wildcard): the form of the role ARNs that
 * identify AISAWS's own calls (trap T7).
 */
const ROLE_ARN_PATTERN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/**
 * Services that call AWS on a person's behalf, carrying out that person's intent: their calls are the person's
 * change (trap T5: infrastructure as code lowers the score, it does not exempt). A public bucket created by a
 * CloudFormation stack is as public as one made by hand.
 */
const ON_BEHALF_OF_CALLERS = new Set(['signin.amazonaws.com', 'cloudformation.amazonaws.com']);

/**
 * Trap T4: AWS services acting for themselves (service events, service-linked roles, `invokedBy` a service that
 * does its own work, such as Config, SSM or Auto Scaling).
 */
function isAwsServiceActivity(record: CloudTrailRecord): boolean {
  if (record.eventType === 'AwsServiceEvent') return true;
  const identity = record.userIdentity;
  if (!identity) return false;
  if (identity.type === 'AWSService') return true;
  const invokedBy = identity.invokedBy;
  if (invokedBy?.endsWith('.amazonaws.com') && !ON_BEHALF_OF_CALLERS.has(invokedBy)) return true;
  const issuerArn = identity.sessionContext?.sessionIssuer?.arn ?? identity.arn ?? '';
  return issuerArn.includes(':role/aws-service-role/');
}

/**
 * Trap T7: AISAWS's own remediation and rollback calls, recognised only by the exact ARNs of the roles AISAWS
 * deployed (a session of one of those roles: `AssumedRole` whose session issuer is that role). A role merely *named*
 * like AISAWS's (`aisaws-x`, created by anyone allowed to create roles) is someone else, and is watched like anyone
 * else. No ARN configured → no call is AISAWS's own.
 */
function isAisawsActivity(record: CloudTrailRecord, selfRoleArns: ReadonlySet<string>): boolean {
  if (selfRoleArns.size === 0) return false;
  const identity = record.userIdentity;
  if (identity?.type !== 'AssumedRole') return false;
  const issuer = identity.sessionContext?.sessionIssuer;
  return issuer?.type === 'Role' && issuer.arn !== undefined && selfRoleArns.has(issuer.arn);
}

/** Trap T1: a call with errorCode set failed and changed nothing. */
function isFailedCall(record: CloudTrailRecord): boolean {
  return typeof record.errorCode === 'string' && record.errorCode.length > 0;
}

export { isAisawsActivity, isAwsServiceActivity, isFailedCall, ROLE_ARN_PATTERN };
