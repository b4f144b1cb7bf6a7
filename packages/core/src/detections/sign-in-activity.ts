import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import { defineDetection, INFORMATIONAL_SEVERITY } from './define.js';
import { isObject, response, str } from './read.js';

/**
 * Informational sign-in and credential-use records: how people and keys enter the account. Each is normal on its
 * own; they are kept so that the analyst sees, next to a real detection, that the actor signed in with a password
 * instead of the identity provider, or that a long-term key was used to ask "who am I" first.
 */

const isIamUser = (record: CloudTrailRecord): boolean => record.userIdentity?.type === 'IAMUser';
const who = (record: CloudTrailRecord): string =>
  record.userIdentity?.arn ?? record.userIdentity?.userName ?? 'an unknown principal';

const iamUserConsoleSignIn = defineDetection({
  id: 'identity.iam-user-console-sign-in',
  title: 'Console sign-in with an IAM user password (informational)',
  category: 'IDN',
  mitre: ['T1078.004'],
  severity: INFORMATIONAL_SEVERITY,
  description:
    'A successful ConsoleLogin by an IAM user, not through a SAML identity provider: long-term passwords outside single sign-on. Missing MFA and root sign-ins have their own detections.',
  triggers: [{ eventSource: 'signin.amazonaws.com', eventNames: ['ConsoleLogin'] }],
  playbook: null,
  match(record) {
    if (!isIamUser(record)) return null;
    if (str(response(record).ConsoleLogin) !== 'Success') return null;
    const extra = isObject(record.additionalEventData) ? record.additionalEventData : {};
    if (str(extra.SamlProviderArn)) return null;
    return {
      resource: null,
      summary: `${who(record)} signed in to the console with a password (MFA ${str(extra.MFAUsed) ?? 'unknown'})`,
    };
  },
});

const stsSessionTokenByIamUser = defineDetection({
  id: 'sts.session-token-by-iam-user',
  title: 'Temporary credentials minted from an IAM user key (informational)',
  category: 'CRD',
  mitre: ['T1550.001'],
  severity: INFORMATIONAL_SEVERITY,
  description:
    'GetSessionToken by an IAM user: a long-term key turned into session credentials (routine for MFA on the CLI; also how a stolen key outlives its rotation for up to 36 hours).',
  triggers: [{ eventSource: 'sts.amazonaws.com', eventNames: ['GetSessionToken'] }],
  playbook: null,
  match(record) {
    if (!isIamUser(record)) return null;
    return { resource: null, summary: `GetSessionToken by ${who(record)}` };
  },
});

const stsCallerCheckWithUserKey = defineDetection({
  id: 'sts.caller-check-with-user-key',
  title: 'Caller identity checked with an IAM user key (informational)',
  category: 'DIS',
  mitre: ['T1033'],
  severity: INFORMATIONAL_SEVERITY,
  description:
    'GetCallerIdentity by an IAM user: usually a script’s first call, and the first call made with a leaked key. Known secret scanners have their own detection.',
  triggers: [{ eventSource: 'sts.amazonaws.com', eventNames: ['GetCallerIdentity'] }],
  playbook: null,
  match(record) {
    if (!isIamUser(record)) return null;
    const key = record.userIdentity?.accessKeyId;
    return { resource: null, summary: `GetCallerIdentity by ${who(record)}${key ? ` with key ${key}` : ''}` };
  },
});

export { iamUserConsoleSignIn, stsCallerCheckWithUserKey, stsSessionTokenByIamUser };
