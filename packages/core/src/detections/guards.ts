import type { CloudTrailRecord } from '../schemas/cloudtrail.js';

/** Default pattern for AISAWS's own roles (`aisaws-<env>-<stage>`): their calls must never trigger a loop (trap T7). */
const AISAWS_ROLE_PATTERN = /:role\/(?:[^/]+\/)*aisaws-[^/]*$/;

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

/** Trap T7: AISAWS's own remediation and rollback calls. */
function isAisawsActivity(record: CloudTrailRecord, pattern: RegExp = AISAWS_ROLE_PATTERN): boolean {
  const identity = record.userIdentity;
  if (!identity) return false;
  const issuerArn = identity.sessionContext?.sessionIssuer?.arn;
  return (
    (issuerArn !== undefined && pattern.test(issuerArn)) ||
    (identity.arn !== undefined && pattern.test(identity.arn))
  );
}

/** Trap T1: a call with errorCode set failed and changed nothing. */
function isFailedCall(record: CloudTrailRecord): boolean {
  return typeof record.errorCode === 'string' && record.errorCode.length > 0;
}

export { AISAWS_ROLE_PATTERN, isAisawsActivity, isAwsServiceActivity, isFailedCall };
