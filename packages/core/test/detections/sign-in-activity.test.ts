import { describe, expect, it } from '@jest/globals';
import { allDetectedIds, fixture, hitOf, objectAt } from './fixtures.js';

describe('informational sign-in and key use (sign-in-activity.ts)', () => {
  it('records an IAM user password sign-in, not a SAML one, a failure or root', () => {
    expect(
      hitOf(fixture('identity/iam-user-console-sign-in.json'), 'identity.iam-user-console-sign-in').summary,
    ).toContain('MFA Yes');
    const saml = fixture('identity/iam-user-console-sign-in.json', (raw) => {
      objectAt(raw, 'additionalEventData').SamlProviderArn = 'arn:aws:iam::210987654321:saml-provider/okta';
    });
    const failed = fixture('identity/iam-user-console-sign-in.json', (raw) => {
      raw.responseElements = { ConsoleLogin: 'Failure' };
      raw.errorMessage = 'Failed authentication';
    });
    expect(allDetectedIds(saml)).not.toContain('identity.iam-user-console-sign-in');
    expect(allDetectedIds(failed)).not.toContain('identity.iam-user-console-sign-in');
  });

  it('records session tokens and caller checks made with IAM user keys, not with role sessions', () => {
    expect(
      hitOf(fixture('identity/session-token-by-iam-user.json'), 'sts.session-token-by-iam-user').summary,
    ).toContain('user/ops-jane');
    expect(
      hitOf(fixture('identity/caller-check-with-user-key.json'), 'sts.caller-check-with-user-key').summary,
    ).toContain('AKIAEXAMPLEJANE0001');
    const role = {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::210987654321:assumed-role/ci-deploy/run-42',
      accountId: '210987654321',
    };
    for (const path of [
      'identity/session-token-by-iam-user.json',
      'identity/caller-check-with-user-key.json',
    ])
      expect(
        allDetectedIds(
          fixture(path, (raw) => {
            raw.userIdentity = role;
          }),
        ),
      ).toEqual([]);
  });
});

describe('identity.identity-provider-changed, deletions', () => {
  it('records a deleted SAML provider at a lower severity than a new one', () => {
    const created = hitOf(
      fixture('identity/saml-provider-created.json'),
      'identity.identity-provider-changed',
    );
    const deleted = hitOf(
      fixture('identity/saml-provider-created.json', (raw) => {
        raw.eventName = 'DeleteSAMLProvider';
        raw.requestParameters = { sAMLProviderArn: 'arn:aws:iam::210987654321:saml-provider/partner-idp' };
        raw.responseElements = null;
      }),
      'identity.identity-provider-changed',
    );
    expect(deleted.severity).toBe(0.5);
    expect(created.severity).toBeGreaterThan(deleted.severity);
  });
});
