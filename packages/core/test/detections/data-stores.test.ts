import { describe, expect, it } from '@jest/globals';
import { detectedIds, fixture, hitOf, objectAt } from './fixtures.js';

describe('database exposure and protection (database.ts)', () => {
  it('ignores making an instance private and changes that keep deletion protection', () => {
    const privateAgain = fixture('database/rds-instance-public.json', (raw) => {
      objectAt(raw, 'requestParameters').publiclyAccessible = false;
    });
    const protectedAgain = fixture('database/rds-deletion-protection-disabled.json', (raw) => {
      objectAt(raw, 'requestParameters').deletionProtection = true;
    });
    expect(detectedIds(privateAgain)).toEqual([]);
    expect(detectedIds(protectedAgain)).toEqual([]);
  });

  it('reads the response for a restored instance', () => {
    const restored = fixture('database/rds-instance-public.json', (raw) => {
      raw.eventName = 'RestoreDBInstanceFromDBSnapshot';
      raw.requestParameters = {
        dBInstanceIdentifier: 'orders-restore',
        dBSnapshotIdentifier: 'orders-nightly',
      };
      raw.responseElements = { dBInstanceIdentifier: 'orders-restore', publiclyAccessible: true };
    });
    expect(hitOf(restored, 'rds.instance-public').resource?.id).toBe('orders-restore');
  });
});

describe('KMS (kms.ts)', () => {
  it('gives the key id and the pending window to the cancel playbook', () => {
    const hit = hitOf(fixture('kms/key-deletion-scheduled.json'), 'kms.key-deletion-scheduled');
    expect(hit.resource).toMatchObject({
      id: '5c2e8f0a-7b1d-4c3e-9a6f-2d8b0e4c7a91',
      arn: 'arn:aws:kms:eu-west-3:210987654321:key/5c2e8f0a-7b1d-4c3e-9a6f-2d8b0e4c7a91',
      details: { pendingWindowInDays: 7 },
    });
  });

  it('ignores a failed deletion request', () => {
    const failed = fixture('kms/key-deletion-scheduled.json', (raw) => {
      raw.errorCode = 'KMSInvalidStateException';
    });
    expect(detectedIds(failed)).toEqual([]);
  });
});

describe('resource.policy-public (resource-policy.ts)', () => {
  it('ignores a queue policy limited to an SNS topic by aws:SourceArn', () => {
    const limited = fixture('resource-policy/sqs-queue-public.json', (raw) => {
      objectAt(raw, 'requestParameters', 'attributes').Policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: '*',
            Action: 'sqs:SendMessage',
            Resource: '*',
            Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:eu-west-3:210987654321:orders' } },
          },
        ],
      });
    });
    expect(detectedIds(limited)).toEqual([]);
  });

  it('weighs a public secret above a public queue', () => {
    expect(
      hitOf(fixture('resource-policy/secret-public.json'), 'resource.policy-public').severity,
    ).toBeGreaterThan(
      hitOf(fixture('resource-policy/sqs-queue-public.json'), 'resource.policy-public').severity,
    );
  });
});
