import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import { defineDetection } from './define.js';
import { adminStatements } from './policy.js';
import { accountOf, isObject, pick, request, resourceRef, response, str } from './read.js';

const SIGNIN = 'signin.amazonaws.com';
const IAM = 'iam.amazonaws.com';

/** Console events report their outcome in `responseElements.<EventName>` ("Success" / "Failure"), not in errorCode. */
const consoleOutcome = (record: CloudTrailRecord): string | undefined =>
  str(response(record)[record.eventName]);

const mfaUsed = (record: CloudTrailRecord): string | undefined =>
  isObject(record.additionalEventData) ? str(record.additionalEventData.MFAUsed) : undefined;

const rootRef = (record: CloudTrailRecord, details: Record<string, unknown> = {}) =>
  resourceRef(record, 'AWS::IAM::Root', accountOf(record), details, `arn:aws:iam::${accountOf(record)}:root`);

const READ_ONLY_NAME = /^(Get|List|Describe|Head|Lookup|Search|Check|View)/;
/** Root events that have their own, more precise detection. */
const ROOT_SPECIFIC = new Set(['ConsoleLogin', 'CreateAccessKey', 'PasswordUpdated']);

const rootActivity = defineDetection({
  id: 'identity.root-activity',
  title: 'Root user used',
  category: 'IDN',
  mitre: ['T1078.004'],
  severity: 0.8,
  description:
    'Any successful event made by the root user itself (userIdentity.type Root, not invokedBy a service, not an AwsServiceEvent). Read-only calls weigh less; CreateServiceLinkedRole (done by the console for root) is ignored.',
  triggers: [],
  principalTypes: ['Root'],
  playbook: null,
  match(record) {
    if (ROOT_SPECIFIC.has(record.eventName) || record.eventName === 'CreateServiceLinkedRole') return null;
    if (consoleOutcome(record) === 'Failure' || record.errorMessage) return null;
    const readOnly = record.readOnly ?? READ_ONLY_NAME.test(record.eventName);
    return {
      resource: rootRef(record),
      summary: `Root user called ${record.eventSource.split('.')[0]}:${record.eventName}`,
      severity: readOnly ? 0.4 : 0.8,
    };
  },
});

const rootConsoleLogin = defineDetection({
  id: 'identity.root-console-login',
  title: 'Root user signed in to the console',
  category: 'IDN',
  mitre: ['T1078.004'],
  severity: 0.8,
  description: 'Successful ConsoleLogin by the root user; without MFA it weighs highest.',
  triggers: [{ eventSource: SIGNIN, eventNames: ['ConsoleLogin'] }],
  playbook: null,
  match(record) {
    if (record.userIdentity?.type !== 'Root' || consoleOutcome(record) !== 'Success') return null;
    const mfa = mfaUsed(record);
    return {
      resource: rootRef(record, { mfaUsed: mfa ?? null }),
      summary: `Root user signed in to the console ${mfa === 'Yes' ? 'with' : 'without'} MFA from ${record.sourceIPAddress ?? 'an unknown address'}`,
      severity: mfa === 'Yes' ? 0.75 : 0.9,
    };
  },
});

const rootConsoleLoginFailed = defineDetection({
  id: 'identity.root-console-login-failed',
  title: 'Failed root console sign-in',
  category: 'IDN',
  mitre: ['T1110'],
  severity: 0.5,
  description:
    'ConsoleLogin by the root user with outcome Failure: someone has the root e-mail address and is trying passwords.',
  triggers: [{ eventSource: SIGNIN, eventNames: ['ConsoleLogin'] }],
  playbook: null,
  match(record) {
    if (record.userIdentity?.type !== 'Root' || consoleOutcome(record) !== 'Failure') return null;
    return {
      resource: null,
      summary: `Failed root console sign-in from ${record.sourceIPAddress ?? 'an unknown address'}: ${record.errorMessage ?? 'failure'}`,
    };
  },
});

const consoleLoginFailed = defineDetection({
  id: 'identity.console-login-failed',
  title: 'Failed console sign-in',
  category: 'IDN',
  mitre: ['T1110'],
  severity: 0.25,
  description:
    'ConsoleLogin with outcome Failure for an IAM user or an unknown user name (root failures have their own row). One failure is noise; bursts per user or source IP (brute force, password spraying) are scored by behaviour.',
  triggers: [{ eventSource: SIGNIN, eventNames: ['ConsoleLogin'] }],
  playbook: null,
  match(record) {
    if (record.userIdentity?.type === 'Root' || consoleOutcome(record) !== 'Failure') return null;
    const user =
      record.userIdentity?.userName ?? record.userIdentity?.arn?.split('/').pop() ?? 'unknown user';
    return {
      resource: null,
      summary: `Failed console sign-in for ${user} from ${record.sourceIPAddress ?? 'an unknown address'}${mfaUsed(record) === 'Yes' ? ' (MFA step)' : ''}`,
      severity: mfaUsed(record) === 'Yes' ? 0.4 : 0.25,
      evidence: { userName: user, sourceIp: record.sourceIPAddress ?? null },
    };
  },
});

const consoleSessionFromKeys = defineDetection({
  id: 'identity.console-session-from-keys',
  title: 'Console session minted from API credentials',
  category: 'LAT',
  mitre: ['T1550.001'],
  severity: 0.45,
  description:
    'signin:GetSigninToken turns temporary API credentials (federation or role session) into a console session: how stolen keys get a browser (aws_consoler and similar tools). IAM Identity Center (AWSReservedSSO_) portal sign-ins are routine and skipped.',
  triggers: [{ eventSource: SIGNIN, eventNames: ['GetSigninToken'] }],
  playbook: null,
  match(record) {
    if (consoleOutcome(record) === 'Failure') return null;
    // The IAM Identity Center portal signs its users in to the console this way: routine, not a stolen key.
    const issuer = record.userIdentity?.sessionContext?.sessionIssuer?.arn ?? record.userIdentity?.arn ?? '';
    if (/AWSReservedSSO_/.test(issuer)) return null;
    const who = record.userIdentity?.arn ?? record.userIdentity?.principalId ?? 'an unknown principal';
    return {
      resource: null,
      summary: `Console sign-in token minted for ${who}`,
      evidence: { principal: who },
    };
  },
});

const rootPasswordChanged = defineDetection({
  id: 'identity.root-password-changed',
  title: 'Root password changed',
  category: 'IDN',
  mitre: ['T1098'],
  severity: 0.85,
  description:
    'PasswordUpdated with outcome Success by the root user (account takeover step, or a legitimate rotation).',
  triggers: [{ eventSource: SIGNIN, eventNames: ['PasswordUpdated'] }],
  playbook: null,
  match(record) {
    if (record.userIdentity?.type !== 'Root' || consoleOutcome(record) !== 'Success') return null;
    return {
      resource: rootRef(record),
      summary: `Root password changed from ${record.sourceIPAddress ?? 'an unknown address'}`,
    };
  },
});

const rootAccessKeyCreated = defineDetection({
  id: 'identity.root-access-key-created',
  title: 'Root access key created',
  category: 'PER',
  mitre: ['T1098.001', 'T1078.004'],
  severity: 0.95,
  description:
    'CreateAccessKey by the root user for itself (no userName): long-lived keys with full control of the account.',
  triggers: [{ eventSource: IAM, eventNames: ['CreateAccessKey'] }],
  // Only with Organizations centralized root access (policy); otherwise the decision is ALERT with console steps.
  playbook: 'iam.delete-root-access-key',
  match(record) {
    if (record.userIdentity?.type !== 'Root' || str(request(record).userName)) return null;
    const accessKeyId = str(response(record), 'accessKey.accessKeyId');
    return {
      resource: rootRef(record, { accessKeyId: accessKeyId ?? null }),
      summary: `Root access key ${accessKeyId ?? ''} created`.replace('  ', ' '),
    };
  },
});

const consoleLoginWithoutMfa = defineDetection({
  id: 'identity.console-login-without-mfa',
  title: 'IAM user console sign-in without MFA',
  category: 'IDN',
  mitre: ['T1078.004'],
  severity: 0.6,
  description:
    'Successful ConsoleLogin by an IAM user with additionalEventData.MFAUsed No (SAML federated sign-ins excluded: the IdP handles MFA).',
  triggers: [{ eventSource: SIGNIN, eventNames: ['ConsoleLogin'] }],
  playbook: null,
  match(record) {
    if (
      record.userIdentity?.type !== 'IAMUser' ||
      consoleOutcome(record) !== 'Success' ||
      mfaUsed(record) !== 'No'
    )
      return null;
    if (isObject(record.additionalEventData) && record.additionalEventData.SamlProviderArn) return null;
    const user = record.userIdentity.userName ?? record.userIdentity.arn?.split('/').pop() ?? 'unknown';
    return {
      resource: resourceRef(record, 'AWS::IAM::User', user, { userName: user }, record.userIdentity.arn),
      summary: `IAM user ${user} signed in to the console without MFA from ${record.sourceIPAddress ?? 'an unknown address'}`,
    };
  },
});

const stsFederationToken = defineDetection({
  id: 'identity.federation-token',
  title: 'Federation token minted by an IAM user',
  category: 'PER',
  mitre: ['T1550.001', 'T1098.001'],
  severity: 0.6,
  description:
    'GetFederationToken: temporary credentials that outlive the deletion of the access key that minted them; an inline policy allowing "*" weighs more.',
  triggers: [{ eventSource: 'sts.amazonaws.com', eventNames: ['GetFederationToken'] }],
  playbook: null,
  match(record) {
    const req = request(record);
    const name = str(req.name) ?? 'unknown';
    const broad = adminStatements(req.policy).length > 0;
    const user = record.userIdentity?.userName ?? record.userIdentity?.arn ?? 'unknown';
    return {
      resource: resourceRef(record, 'AWS::IAM::User', user, { federatedName: name, policyAllowsAll: broad }),
      summary: `${user} minted federation token ${name}${broad ? ' with a policy allowing everything' : ''}`,
      severity: broad ? 0.75 : 0.6,
    };
  },
});

const rolesAnywhereTrustAnchor = defineDetection({
  id: 'identity.roles-anywhere-trust-anchor',
  title: 'IAM Roles Anywhere trust anchor or profile created',
  category: 'PER',
  mitre: ['T1098.003', 'T1556'],
  severity: 0.75,
  description:
    'CreateTrustAnchor with a certificate bundle not issued by AWS Private CA, UpdateTrustAnchor, or CreateProfile: certificates from an outside CA can now obtain role credentials.',
  triggers: [
    {
      eventSource: 'rolesanywhere.amazonaws.com',
      eventNames: ['CreateTrustAnchor', 'UpdateTrustAnchor', 'CreateProfile'],
    },
  ],
  playbook: null,
  match(record) {
    const req = request(record);
    if (record.eventName === 'CreateProfile') {
      const profileId = str(response(record), 'profile.profileId') ?? str(req.name) ?? 'unknown';
      return {
        resource: resourceRef(
          record,
          'AWS::RolesAnywhere::Profile',
          profileId,
          { profileId, roleArns: pick(req, 'roleArns') ?? [] },
          str(response(record), 'profile.profileArn'),
        ),
        summary: `Roles Anywhere profile ${str(req.name) ?? profileId} created`,
        severity: 0.6,
      };
    }
    const sourceType = str(req, 'source.sourceType');
    if (sourceType === 'AWS_ACM_PCA') return null;
    const anchorId =
      str(response(record), 'trustAnchor.trustAnchorId') ??
      str(req.trustAnchorId) ??
      str(req.name) ??
      'unknown';
    return {
      resource: resourceRef(
        record,
        'AWS::RolesAnywhere::TrustAnchor',
        anchorId,
        { trustAnchorId: anchorId, sourceType: sourceType ?? null },
        str(response(record), 'trustAnchor.trustAnchorArn'),
      ),
      summary: `Roles Anywhere trust anchor ${str(req.name) ?? anchorId} trusts an external certificate authority`,
    };
  },
});

const identityProviderCreated = defineDetection({
  id: 'identity.identity-provider-changed',
  title: 'SAML or OIDC identity provider created, changed or deleted',
  category: 'PER',
  mitre: ['T1484.002', 'T1556'],
  severity: 0.65,
  description:
    'CreateSAMLProvider, UpdateSAMLProvider, CreateOpenIDConnectProvider, AddClientIDToOpenIDConnectProvider, or an IAM Identity Center directory / external IdP change: a new external IdP can mint sessions. DeleteSAMLProvider / DeleteOpenIDConnectProvider cut everyone who signs in through it off (.5).',
  triggers: [
    {
      eventSource: IAM,
      eventNames: [
        'CreateSAMLProvider',
        'UpdateSAMLProvider',
        'CreateOpenIDConnectProvider',
        'AddClientIDToOpenIDConnectProvider',
        'UpdateOpenIDConnectProviderThumbprint',
        'DeleteSAMLProvider',
        'DeleteOpenIDConnectProvider',
      ],
    },
    {
      eventSource: 'sso-directory.amazonaws.com',
      eventNames: [
        'EnableExternalIdPConfigurationForDirectory',
        'AssociateDirectory',
        'DisassociateDirectory',
      ],
    },
    { eventSource: 'sso.amazonaws.com', eventNames: ['AssociateDirectory', 'DisassociateDirectory'] },
  ],
  playbook: null,
  match(record) {
    const req = request(record);
    const arn =
      str(response(record).sAMLProviderArn) ??
      str(response(record).openIDConnectProviderArn) ??
      str(req.sAMLProviderArn) ??
      str(req.openIDConnectProviderArn);
    const id = arn ?? str(req.name) ?? str(req.url) ?? 'unknown';
    const type = record.eventSource.startsWith('sso')
      ? 'AWS::SSO::Instance'
      : record.eventName.includes('SAML')
        ? 'AWS::IAM::SAMLProvider'
        : 'AWS::IAM::OIDCProvider';
    return {
      resource: resourceRef(record, type, id, { providerArn: arn ?? null }, arn),
      summary: `${record.eventName}: ${id}`,
      ...(record.eventName.startsWith('Delete') ? { severity: 0.5 } : {}),
    };
  },
});

export {
  consoleLoginFailed,
  consoleLoginWithoutMfa,
  consoleSessionFromKeys,
  identityProviderCreated,
  rolesAnywhereTrustAnchor,
  rootAccessKeyCreated,
  rootActivity,
  rootConsoleLogin,
  rootConsoleLoginFailed,
  rootPasswordChanged,
  stsFederationToken,
};
