import { describe, expect, it } from '@jest/globals';
import { DETECTIONS, isInformational } from '../../src/detections/index.js';
import { allDetectedIds, detect, detectedIds, fixture } from './fixtures.js';

const MONITORS: readonly (readonly [string, string])[] = [
  ['change-audit/network-acl-entry-created.json', 'ec2.firewall-changed'],
  ['change-audit/route-created.json', 'ec2.network-topology-changed'],
  ['change-audit/instances-terminated.json', 'ec2.instance-lifecycle-changed'],
  ['change-audit/image-created.json', 'ec2.image-created'],
  ['change-audit/iam-role-policy-deleted.json', 'iam.policy-changed'],
  ['change-audit/iam-role-created.json', 'iam.principal-created'],
  ['change-audit/iam-password-changed.json', 'iam.credentials-changed'],
  ['change-audit/trail-created.json', 'cloudtrail.configuration-changed'],
  ['change-audit/config-delivery-channel-put.json', 'config.configuration-changed'],
  ['change-audit/bucket-cors-put.json', 's3.bucket-access-changed'],
  ['change-audit/objects-deleted.json', 's3.object-deleted'],
  ['change-audit/ecr-image-pushed.json', 'ecr.repository-changed'],
  ['change-audit/lambda-function-deleted.json', 'lambda.function-changed'],
];

describe('informational change monitors (change-audit.ts)', () => {
  it.each(MONITORS)('%s is recorded by %s, informational, with who changed what', (path, id) => {
    const hits = detect(fixture(path)).filter((h) => h.id === id);
    expect(hits).toHaveLength(1);
    const [hit] = hits;
    expect(hit && isInformational(hit)).toBe(true);
    expect(hit?.actionable).toBe(false);
    expect(hit?.playbook).toBeNull();
    expect(hit?.summary).toContain(' by arn:aws:');
    // Only informational hits: the change alone carries no signal.
    expect(detectedIds(fixture(path))).toEqual([]);
  });

  it.each(MONITORS)('%s: a failed call changed nothing and is not recorded', (path) => {
    const failed = fixture(path, (raw) => {
      raw.errorCode = 'AccessDenied';
    });
    expect(allDetectedIds(failed)).toEqual([]);
  });

  it('skips AWS services doing their own work and AISAWS itself (traps T4, T7)', () => {
    const autoScaling = fixture('change-audit/instances-terminated.json', (raw) => {
      raw.userIdentity = {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::210987654321:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling',
        invokedBy: 'autoscaling.amazonaws.com',
      };
    });
    const aisaws = fixture('change-audit/network-acl-entry-created.json', (raw) => {
      raw.userIdentity = {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::210987654321:assumed-role/aisaws-prod-remediation/run-1',
        sessionContext: {
          sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::210987654321:role/aisaws-prod-remediation' },
        },
      };
    });
    expect(allDetectedIds(autoScaling)).toEqual([]);
    const self = { selfRoleArns: new Set(['arn:aws:iam::210987654321:role/aisaws-prod-remediation']) };
    expect(allDetectedIds(aisaws, self)).toEqual([]);
  });

  it('keeps a signal detection next to the monitor when the change is a bad one', () => {
    const publicAcl = fixture('change-audit/bucket-cors-put.json', (raw) => {
      raw.eventName = 'PutBucketAcl';
      raw.requestParameters = { bucketName: 'press-kit-assets', acl: '', 'x-amz-acl': ['public-read'] };
    });
    expect(allDetectedIds(publicAcl)).toEqual(['s3.bucket-acl-public', 's3.bucket-access-changed']);
  });

  it('keeps every informational detection free of playbooks', () => {
    const offenders = DETECTIONS.filter((d) => isInformational(d) && d.playbook !== null).map((d) => d.id);
    expect(offenders).toEqual([]);
  });
});
