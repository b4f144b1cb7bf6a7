import { describe, expect, it } from '@jest/globals';
import { detectedIds, fixture, hitOf, type Json, objectAt } from './fixtures.js';

const trust = (statement: Json): string => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });

describe('iam.admin-policy-attached', () => {
  it('gives the principal and policy to the detach playbook', () => {
    const hit = hitOf(fixture('iam/admin-policy-attached-user.json'), 'iam.admin-policy-attached');
    expect(hit.resource).toMatchObject({
      type: 'AWS::IAM::User',
      id: 'svc-reporting',
      details: { policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    });
    expect(hit.playbook).toBe('iam.detach-admin-policy');
  });

  it('ignores a read-only policy and a failed attach', () => {
    const readOnly = fixture('iam/admin-policy-attached-user.json', (raw) => {
      objectAt(raw, 'requestParameters').policyArn = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    });
    const failed = fixture('iam/admin-policy-attached-user.json', (raw) => {
      raw.errorCode = 'AccessDenied';
    });
    expect(detectedIds(readOnly)).toEqual([]);
    expect(detectedIds(failed)).toEqual([]);
  });
});

describe('iam.admin-policy-written', () => {
  it('ignores a scoped inline policy', () => {
    const scoped = fixture('iam/admin-inline-policy.json', (raw) => {
      objectAt(raw, 'requestParameters').policyDocument = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }],
      });
    });
    expect(detectedIds(scoped)).toEqual([]);
  });

  it('weighs a non-default policy version lower', () => {
    const inactive = fixture('iam/admin-policy-version.json', (raw) => {
      objectAt(raw, 'requestParameters').setAsDefault = false;
    });
    expect(hitOf(inactive, 'iam.admin-policy-written').severity).toBeLessThan(
      hitOf(fixture('iam/admin-policy-version.json'), 'iam.admin-policy-written').severity,
    );
  });
});

describe('keys and passwords for another user', () => {
  it('passes the new access key id to the deactivate playbook', () => {
    const hit = hitOf(fixture('iam/access-key-for-other-user.json'), 'iam.access-key-for-other-user');
    expect(hit.resource?.details).toEqual({ userName: 'svc-reporting', accessKeyId: 'AKIAEXAMPLENEWKEY01' });
    expect(hit.actionable).toBe(true);
  });

  it('ignores a user creating their own key, or an SSO session named after the user', () => {
    const own = fixture('iam/access-key-for-other-user.json', (raw) => {
      objectAt(raw, 'requestParameters').userName = 'ops-jane';
    });
    const ssoSelf = fixture('iam/login-profile-updated-for-other-user.json', (raw) => {
      raw.userIdentity = {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::210987654321:assumed-role/AWSReservedSSO_Admin_0a1b/finance-lead',
        accountId: '210987654321',
      };
    });
    expect(detectedIds(own)).toEqual([]);
    expect(detectedIds(ssoSelf)).toEqual([]);
  });

  it('does not flag a helpdesk reset that forces a new password', () => {
    const reset = fixture('iam/login-profile-updated-for-other-user.json', (raw) => {
      objectAt(raw, 'requestParameters').passwordResetRequired = true;
    });
    expect(detectedIds(reset)).toEqual([]);
  });
});

describe('iam.role-trust-backdoor', () => {
  it('names the foreign account', () => {
    expect(
      hitOf(fixture('iam/role-trust-foreign-account.json'), 'iam.role-trust-backdoor').resource?.details,
    ).toMatchObject({
      trustedPrincipals: ['377788899900'],
      statementIndexes: [1],
    });
  });

  it('accepts a vendor role with an ExternalId, a trusted account and a service principal', () => {
    const withExternalId = (raw: Json) => {
      objectAt(raw, 'requestParameters').policyDocument = trust({
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::377788899900:root' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'vendor-7781' } },
      });
    };
    const serviceOnly = (raw: Json) => {
      objectAt(raw, 'requestParameters').policyDocument = trust({
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: 'sts:AssumeRole',
      });
    };
    expect(detectedIds(fixture('iam/role-trust-foreign-account.json', withExternalId))).toEqual([]);
    expect(detectedIds(fixture('iam/role-trust-foreign-account.json', serviceOnly))).toEqual([]);
    expect(
      detectedIds(fixture('iam/role-trust-foreign-account.json'), {
        trustedAccounts: new Set(['377788899900']),
      }),
    ).toEqual([]);
  });

  it('still flags "*" guarded only by an ExternalId, but not "*" limited to the organization', () => {
    const externalIdOnly = fixture('iam/role-trust-foreign-account.json', (raw) => {
      objectAt(raw, 'requestParameters').policyDocument = trust({
        Effect: 'Allow',
        Principal: '*',
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': '12345' } },
      });
    });
    const orgOnly = fixture('iam/role-trust-foreign-account.json', (raw) => {
      objectAt(raw, 'requestParameters').policyDocument = trust({
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      });
    });
    expect(detectedIds(externalIdOnly)).toEqual(['iam.role-trust-backdoor']);
    expect(detectedIds(orgOnly)).toEqual([]);
  });

  it('judges the org/account condition on "*" with the shared evaluator: IfExists, a "*" value or a negation does not narrow', () => {
    const trustWith = (Condition: object) =>
      fixture('iam/role-trust-foreign-account.json', (raw) => {
        objectAt(raw, 'requestParameters').policyDocument = trust({
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 'sts:AssumeRole',
          Condition,
        });
      });
    for (const condition of [
      { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      { StringEquals: { 'aws:PrincipalOrgID': ['o-a1b2c3d4e5', '*'] } },
      { StringNotEquals: { 'aws:PrincipalAccount': '111122223333' } },
      { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deploy' } },
    ])
      expect(detectedIds(trustWith(condition))).toEqual(['iam.role-trust-backdoor']);
    expect(
      detectedIds(trustWith({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/*' } })),
    ).toEqual([]);
  });
});

describe('iam.user-added-to-admin-group', () => {
  it('ignores ordinary groups', () => {
    const developers = fixture('iam/user-added-to-admin-group.json', (raw) => {
      objectAt(raw, 'requestParameters').groupName = 'developers';
    });
    expect(detectedIds(developers)).toEqual([]);
  });
});

describe('iam.compromised-key-quarantine', () => {
  it('also recognises the inline quarantine policy and ignores a look-alike customer policy', () => {
    const inline = fixture('iam/compromised-key-quarantine.json', (raw) => {
      raw.eventName = 'PutUserPolicy';
      raw.requestParameters = {
        userName: 'ci-legacy',
        policyName: 'AWSExposedCredentialPolicy_DO_NOT_REMOVE',
        policyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Deny', Action: 'iam:CreateUser', Resource: '*' }],
        }),
      };
    });
    const lookAlike = fixture('iam/compromised-key-quarantine.json', (raw) => {
      objectAt(raw, 'requestParameters').policyArn =
        'arn:aws:iam::210987654321:policy/AWSCompromisedKeyQuarantineV3';
    });
    expect(detectedIds(inline)).toEqual(['iam.compromised-key-quarantine']);
    expect(detectedIds(lookAlike)).toEqual([]);
  });
});
