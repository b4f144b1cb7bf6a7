import { describe, expect, it } from '@jest/globals';
import { catalog } from '../../src/detections/index.js';
import { detectedIds, fixture, hitOf, objectAt } from './fixtures.js';

describe('root activity', () => {
  it('runs on any event made by root, through the principal-type index', () => {
    expect(catalog.principalTypes()).toEqual(['Root']);
    expect(detectedIds(fixture('identity/root-activity.json'))).toEqual(['identity.root-activity']);
  });

  it('weighs read-only root calls lower and ignores a service acting as root', () => {
    const readOnly = fixture('identity/root-activity.json', (raw) => {
      raw.eventName = 'DescribeVpcs';
      raw.readOnly = true;
    });
    const invoked = fixture('identity/root-activity.json', (raw) => {
      objectAt(raw, 'userIdentity').invokedBy = 'support.amazonaws.com';
    });
    expect(hitOf(readOnly, 'identity.root-activity').severity).toBeLessThan(
      hitOf(fixture('identity/root-activity.json'), 'identity.root-activity').severity,
    );
    expect(detectedIds(invoked)).toEqual([]);
  });

  it('reports a root sign-in once (console login, not also generic root activity), higher without MFA', () => {
    const withMfa = fixture('identity/root-console-login.json', (raw) => {
      objectAt(raw, 'additionalEventData').MFAUsed = 'Yes';
    });
    expect(detectedIds(fixture('identity/root-console-login.json'))).toEqual(['identity.root-console-login']);
    expect(hitOf(withMfa, 'identity.root-console-login').severity).toBeLessThan(
      hitOf(fixture('identity/root-console-login.json'), 'identity.root-console-login').severity,
    );
  });

  it('separates a failed root sign-in and a root key for another user', () => {
    expect(detectedIds(fixture('identity/root-console-login-failed.json'))).toEqual([
      'identity.root-console-login-failed',
    ]);
    const forUser = fixture('identity/root-access-key-created.json', (raw) => {
      raw.requestParameters = { userName: 'svc-reporting' };
    });
    expect(detectedIds(forUser)).toEqual(['iam.access-key-for-other-user']);
  });
});

describe('identity.console-login-without-mfa', () => {
  it('ignores MFA sign-ins and SAML federation, and leaves failures to identity.console-login-failed', () => {
    const mfa = fixture('identity/console-login-without-mfa.json', (raw) => {
      objectAt(raw, 'additionalEventData').MFAUsed = 'Yes';
    });
    const failure = fixture('identity/console-login-without-mfa.json', (raw) => {
      raw.responseElements = { ConsoleLogin: 'Failure' };
      raw.errorMessage = 'Failed authentication';
    });
    const saml = fixture('identity/console-login-without-mfa.json', (raw) => {
      objectAt(raw, 'additionalEventData').SamlProviderArn =
        'arn:aws:iam::210987654321:saml-provider/corp-idp';
    });
    expect([detectedIds(mfa), detectedIds(failure), detectedIds(saml)]).toEqual([
      [],
      ['identity.console-login-failed'],
      [],
    ]);
  });
});

describe('federation, Roles Anywhere and identity providers', () => {
  it('weighs a federation token with an allow-all policy more than a scoped one', () => {
    const scoped = fixture('identity/federation-token.json', (raw) => {
      objectAt(raw, 'requestParameters').policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
      });
    });
    expect(hitOf(scoped, 'identity.federation-token').severity).toBeLessThan(
      hitOf(fixture('identity/federation-token.json'), 'identity.federation-token').severity,
    );
  });

  it('accepts a trust anchor backed by AWS Private CA', () => {
    const pca = fixture('identity/roles-anywhere-trust-anchor.json', (raw) => {
      objectAt(raw, 'requestParameters').source = {
        sourceType: 'AWS_ACM_PCA',
        sourceData: { acmPcaArn: 'arn:aws:acm-pca:eu-west-3:210987654321:certificate-authority/1' },
      };
    });
    expect(detectedIds(pca)).toEqual([]);
  });
});
