import { describe, expect, it } from '@jest/globals';
import { detectedIds, fixture, hitOf, type Json, objectAt } from './fixtures.js';

const AISAWS_ROLE = {
  type: 'AssumedRole',
  arn: 'arn:aws:sts::210987654321:assumed-role/aisaws-prod-remediation/fix-1',
  accountId: '210987654321',
  sessionContext: {
    sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::210987654321:role/aisaws-prod-remediation' },
  },
};

const setPolicyStatement = (raw: Json, statement: Json): void => {
  objectAt(raw, 'requestParameters').bucketPolicy = { Version: '2012-10-17', Statement: [statement] };
};

describe('s3.bucket-acl-public', () => {
  it('reports the grants and the object key of a public PutObjectAcl', () => {
    const hit = hitOf(fixture('s3/object-acl-public.json'), 's3.bucket-acl-public');
    expect(hit.resource?.details).toEqual({
      grants: ['canned ACL public-read'],
      objectKey: '2026/03/invoice-0042.pdf',
    });
  });

  it('ignores a private canned ACL, a failed call and AISAWS resetting the ACL', () => {
    const privateAcl = fixture('s3/bucket-acl-public-canned.json', (raw) => {
      objectAt(raw, 'requestParameters')['x-amz-acl'] = ['private'];
    });
    const failed = fixture('s3/bucket-acl-public-canned.json', (raw) => {
      raw.errorCode = 'AccessControlListNotSupported';
    });
    const ours = fixture('s3/bucket-acl-public-canned.json', (raw) => {
      raw.userIdentity = AISAWS_ROLE;
    });
    const self = { selfRoleArns: new Set([AISAWS_ROLE.sessionContext.sessionIssuer.arn]) };
    expect([detectedIds(privateAcl), detectedIds(failed), detectedIds(ours, self)]).toEqual([[], [], []]);
    // Without the deployed role's ARN in the self-identity, the same call is someone's public bucket.
    expect(detectedIds(ours)).toEqual(['s3.bucket-acl-public']);
  });
});

describe('s3.bucket-policy-public', () => {
  it('names the public statement so the playbook can remove just that one', () => {
    const hit = hitOf(fixture('s3/bucket-policy-public.json'), 's3.bucket-policy-public');
    expect(hit.resource?.details).toMatchObject({
      statementIndexes: [0],
      statementSids: ['AllowEveryoneRead'],
      actions: ['s3:GetObject'],
    });
    expect(hit.actionable).toBe(true);
  });

  it('treats {AWS: "*"} like "*"', () => {
    const record = fixture('s3/bucket-policy-public.json', (raw) =>
      setPolicyStatement(raw, {
        Effect: 'Allow',
        Principal: { AWS: ['*'] },
        Action: 's3:GetObject',
        Resource: '*',
      }),
    );
    expect(detectedIds(record)).toContain('s3.bucket-policy-public');
  });

  it.each([
    ['a VPC endpoint', { StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d' } }],
    ['the organization', { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }],
    ['a private source IP range', { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8'] } }],
    [
      'a source ARN',
      { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudfront::210987654321:distribution/E1ABCDEF' } },
    ],
  ])('does not fire when a condition narrows "*" to %s', (_what, condition) => {
    const record = fixture('s3/bucket-policy-public.json', (raw) =>
      setPolicyStatement(raw, {
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: condition,
      }),
    );
    expect(detectedIds(record)).toEqual([]);
  });

  it('still fires when the source IP condition is itself 0.0.0.0/0, or the operator is negated', () => {
    const anyIp = fixture('s3/bucket-policy-public.json', (raw) =>
      setPolicyStatement(raw, {
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } },
      }),
    );
    const negated = fixture('s3/bucket-policy-public.json', (raw) =>
      setPolicyStatement(raw, {
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      }),
    );
    expect(detectedIds(anyIp)).toContain('s3.bucket-policy-public');
    expect(detectedIds(negated)).toContain('s3.bucket-policy-public');
  });

  it('does not treat the CloudFront OAC service principal or a Deny as public', () => {
    const oac = fixture('s3/bucket-policy-public.json', (raw) =>
      setPolicyStatement(raw, {
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::customer-exports-eu/*',
        Condition: {
          StringEquals: { 'AWS:SourceArn': 'arn:aws:cloudfront::210987654321:distribution/E1ABCDEF' },
        },
      }),
    );
    const deny = fixture('s3/bucket-policy-public.json', (raw) =>
      setPolicyStatement(raw, {
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    expect(detectedIds(oac)).toEqual([]);
    expect(detectedIds(deny)).toEqual([]);
  });

  it('reads a policy sent as a JSON string', () => {
    const record = fixture('s3/bucket-policy-public.json', (raw) => {
      const req = objectAt(raw, 'requestParameters');
      req.bucketPolicy = JSON.stringify(req.bucketPolicy);
    });
    expect(detectedIds(record)).toContain('s3.bucket-policy-public');
  });
});

describe('s3.bucket-policy-cross-account', () => {
  it('lists the foreign accounts', () => {
    const hit = hitOf(fixture('s3/bucket-policy-cross-account.json'), 's3.bucket-policy-cross-account');
    expect(hit.resource?.details).toMatchObject({ foreignAccounts: ['377788899900'] });
  });

  it('does not fire for our own account, a trusted account or an ELB log-delivery account', () => {
    const own = fixture('s3/bucket-policy-cross-account.json', (raw) =>
      setPolicyStatement(raw, {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::210987654321:role/reporting' },
        Action: 's3:GetObject',
        Resource: '*',
      }),
    );
    const elb = fixture('s3/bucket-policy-cross-account.json', (raw) =>
      setPolicyStatement(raw, {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::156460612806:root' },
        Action: 's3:PutObject',
        Resource: '*',
      }),
    );
    const trusted = fixture('s3/bucket-policy-cross-account.json');
    expect(detectedIds(own)).toEqual([]);
    expect(detectedIds(elb)).toEqual([]);
    expect(detectedIds(trusted, { trustedAccounts: new Set(['377788899900']) })).toEqual([]);
  });
});

describe('s3 Block Public Access', () => {
  it('lists the flags a Put turns off', () => {
    const hit = hitOf(fixture('s3/bucket-bpa-weakened.json'), 's3.bucket-public-access-block-removed');
    expect(hit.resource?.details).toEqual({
      disabledFlags: ['BlockPublicPolicy', 'RestrictPublicBuckets'],
      deleted: false,
    });
  });

  it('does not fire when every flag is on (e.g. AISAWS restoring it)', () => {
    const allOn = fixture('s3/bucket-bpa-weakened.json', (raw) => {
      const config = objectAt(raw, 'requestParameters', 'PublicAccessBlockConfiguration');
      config.RestrictPublicBuckets = true;
      config.BlockPublicPolicy = true;
    });
    const accountAllOn = fixture('s3/account-bpa-weakened.json', (raw) => {
      const config = objectAt(raw, 'requestParameters', 'PublicAccessBlockConfiguration');
      config.RestrictPublicBuckets = true;
      config.BlockPublicPolicy = true;
    });
    expect(detectedIds(allOn)).toEqual([]);
    expect(detectedIds(accountAllOn)).toEqual([]);
  });

  it('targets the account for the S3 Control variant', () => {
    const hit = hitOf(fixture('s3/account-bpa-deleted.json'), 's3.account-public-access-block-removed');
    expect(hit.resource).toMatchObject({ type: 'AWS::::Account', id: '210987654321' });
    expect(hit.playbook).toBe('s3.restore-account-public-access-block');
  });
});

describe('other bucket hardening changes', () => {
  it('does not fire when versioning is enabled again', () => {
    const enabled = fixture('s3/versioning-suspended.json', (raw) => {
      objectAt(raw, 'requestParameters', 'VersioningConfiguration').Status = 'Enabled';
    });
    expect(detectedIds(enabled)).toEqual([]);
  });

  it('flags MFA delete disabled with a lower severity than suspension', () => {
    const mfaOff = fixture('s3/versioning-suspended.json', (raw) => {
      objectAt(raw, 'requestParameters').VersioningConfiguration = {
        Status: 'Enabled',
        MfaDelete: 'Disabled',
      };
    });
    expect(hitOf(mfaOff, 's3.versioning-suspended').severity).toBeLessThan(
      hitOf(fixture('s3/versioning-suspended.json'), 's3.versioning-suspended').severity,
    );
  });

  it('flags a short expiry only on log buckets, and only for enabled rules', () => {
    const otherBucket = fixture('s3/trail-bucket-short-lifecycle.json', (raw) => {
      const req = objectAt(raw, 'requestParameters');
      req.bucketName = 'image-cache';
      objectAt(req, 'LifecycleConfiguration', 'Rule', 'Filter').Prefix = 'thumbnails/';
    });
    const disabled = fixture('s3/trail-bucket-short-lifecycle.json', (raw) => {
      objectAt(raw, 'requestParameters', 'LifecycleConfiguration', 'Rule').Status = 'Disabled';
    });
    const known = fixture('s3/trail-bucket-short-lifecycle.json', (raw) => {
      const req = objectAt(raw, 'requestParameters');
      req.bucketName = 'image-cache';
      objectAt(req, 'LifecycleConfiguration', 'Rule', 'Filter').Prefix = '';
    });
    expect(detectedIds(otherBucket)).toEqual([]);
    expect(detectedIds(disabled)).toEqual([]);
    expect(detectedIds(known, { trailBuckets: new Set(['image-cache']) })).toEqual([
      's3.trail-bucket-short-lifecycle',
    ]);
  });

  it('does not flag logging being turned on', () => {
    const enabled = fixture('s3/bucket-logging-disabled.json', (raw) => {
      objectAt(raw, 'requestParameters', 'BucketLoggingStatus').LoggingEnabled = {
        TargetBucket: 'access-logs',
        TargetPrefix: 'payments/',
      };
    });
    expect(detectedIds(enabled)).toEqual([]);
  });
});
