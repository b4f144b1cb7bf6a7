import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import type { MatchContext } from './define.js';
import { defineDetection } from './define.js';
import {
  adminStatements,
  awsPrincipals,
  federatedPrincipals,
  foreignAccounts,
  hasNarrowingCondition,
  isAllow,
  statementsOf,
} from './policy.js';
import { bool, callerUserName, policyDocument, request, resourceRef, response, str } from './read.js';

const IAM = 'iam.amazonaws.com';

/** AWS managed policies that grant full control (of everything, or of IAM, which is the same after one call). */
const ADMIN_POLICIES = new Map([
  ['arn:aws:iam::aws:policy/AdministratorAccess', 0.8],
  ['arn:aws:iam::aws:policy/IAMFullAccess', 0.75],
  ['arn:aws:iam::aws:policy/PowerUserAccess', 0.6],
]);

const PRINCIPAL_KINDS = [
  { key: 'userName', type: 'AWS::IAM::User', label: 'user' },
  { key: 'roleName', type: 'AWS::IAM::Role', label: 'role' },
  { key: 'groupName', type: 'AWS::IAM::Group', label: 'group' },
] as const;

/** The user, role or group an IAM request targets. */
function iamPrincipal(
  record: CloudTrailRecord,
): ((typeof PRINCIPAL_KINDS)[number] & { name: string }) | undefined {
  const req = request(record);
  for (const kind of PRINCIPAL_KINDS) {
    const name = str(req[kind.key]);
    if (name) return { ...kind, name };
  }
  return undefined;
}

/** The policy ARN's trailing name, without path. */
const policyNameOf = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

const iamAdminPolicyAttached = defineDetection({
  id: 'iam.admin-policy-attached',
  title: 'Administrator policy attached to a user, role or group',
  category: 'PRV',
  mitre: ['T1098.003'],
  severity: 0.8,
  description:
    'AttachUserPolicy / AttachRolePolicy / AttachGroupPolicy with AdministratorAccess, IAMFullAccess or PowerUserAccess.',
  triggers: [{ eventSource: IAM, eventNames: ['AttachUserPolicy', 'AttachRolePolicy', 'AttachGroupPolicy'] }],
  playbook: 'iam.detach-admin-policy',
  match(record) {
    const policyArn = str(request(record).policyArn);
    const severity = policyArn ? ADMIN_POLICIES.get(policyArn) : undefined;
    const target = iamPrincipal(record);
    if (!policyArn || severity === undefined || !target) return null;
    return {
      resource: resourceRef(record, target.type, target.name, {
        principalType: target.label,
        principalName: target.name,
        policyArn,
      }),
      summary: `${policyNameOf(policyArn)} attached to IAM ${target.label} ${target.name}`,
      severity,
    };
  },
});

const iamAdminInlinePolicy = defineDetection({
  id: 'iam.admin-policy-written',
  title: 'Policy granting all actions written',
  category: 'PRV',
  mitre: ['T1098.003'],
  severity: 0.75,
  description:
    'PutUserPolicy / PutRolePolicy / PutGroupPolicy, CreatePolicy or CreatePolicyVersion whose document allows "*" (or "*:*", "iam:*") on Resource "*".',
  triggers: [
    {
      eventSource: IAM,
      eventNames: ['PutUserPolicy', 'PutRolePolicy', 'PutGroupPolicy', 'CreatePolicy', 'CreatePolicyVersion'],
    },
  ],
  // Inline policies are deleted (with the document saved); a managed policy has no fix here (alert).
  playbook: 'iam.delete-inline-admin-policy',
  match(record) {
    const req = request(record);
    const statements = adminStatements(req.policyDocument);
    if (statements.length === 0) return null;
    const target = iamPrincipal(record);
    const policyName = str(req.policyName);
    const policyArn = str(req.policyArn) ?? str(response(record), 'policy.arn');
    const details = {
      policyName: policyName ?? null,
      policyArn: policyArn ?? null,
      setAsDefault: bool(req.setAsDefault) ?? null,
      statementSids: statements.flatMap((s) => (s.sid ? [s.sid] : [])),
      ...(target ? { principalType: target.label, principalName: target.name } : {}),
    };
    const id = target?.name ?? policyArn ?? policyName;
    if (!id) return null;
    const type = target?.type ?? 'AWS::IAM::ManagedPolicy';
    const where = target
      ? `inline on IAM ${target.label} ${target.name}`
      : `managed policy ${policyArn ?? policyName}`;
    const inactiveVersion = record.eventName === 'CreatePolicyVersion' && bool(req.setAsDefault) !== true;
    return {
      resource: resourceRef(record, type, id, details),
      summary: `Policy ${policyName ?? ''} granting all actions written (${where})`.replace('  ', ' '),
      severity: inactiveVersion ? 0.5 : 0.75,
      ...(target && policyName ? {} : { playbook: null }),
    };
  },
});

/** True when the target user is someone else than the caller (roles and federated sessions are never the user). */
function isOtherUser(record: CloudTrailRecord, target: string): boolean {
  const caller = callerUserName(record);
  if (caller !== undefined) return caller !== target;
  // An assumed-role session named after the user (SSO, `alice`) acting on `alice` is the user itself.
  const session = record.userIdentity?.arn?.split('/').pop();
  return session !== target;
}

const iamAccessKeyForOtherUser = defineDetection({
  id: 'iam.access-key-for-other-user',
  title: 'Access key created for another user',
  category: 'PER',
  mitre: ['T1098.001'],
  severity: 0.75,
  description:
    'CreateAccessKey where requestParameters.userName is set and is not the caller (or the caller is a role or federated session).',
  triggers: [{ eventSource: IAM, eventNames: ['CreateAccessKey'] }],
  playbook: 'iam.deactivate-access-key',
  match(record) {
    const user = str(request(record).userName);
    if (!user || !isOtherUser(record, user)) return null;
    const accessKeyId = str(response(record), 'accessKey.accessKeyId');
    return {
      resource: resourceRef(record, 'AWS::IAM::AccessKey', accessKeyId ?? user, {
        userName: user,
        accessKeyId: accessKeyId ?? null,
      }),
      summary: `Access key ${accessKeyId ?? ''} created for IAM user ${user} by another principal`.replace(
        '  ',
        ' ',
      ),
    };
  },
});

const iamLoginProfileForOtherUser = defineDetection({
  id: 'iam.login-profile-for-other-user',
  title: 'Console password created or changed for another user',
  category: 'PER',
  mitre: ['T1098.001'],
  severity: 0.75,
  description:
    'CreateLoginProfile or UpdateLoginProfile on a user other than the caller. A helpdesk-style reset that forces a new password at next sign-in (passwordResetRequired true) on UpdateLoginProfile is not flagged.',
  triggers: [{ eventSource: IAM, eventNames: ['CreateLoginProfile', 'UpdateLoginProfile'] }],
  playbook: null,
  match(record) {
    const req = request(record);
    const user = str(req.userName);
    if (!user || !isOtherUser(record, user)) return null;
    if (record.eventName === 'UpdateLoginProfile' && bool(req.passwordResetRequired) === true) return null;
    const created = record.eventName === 'CreateLoginProfile';
    return {
      resource: resourceRef(record, 'AWS::IAM::User', user, {
        userName: user,
        operation: created ? 'create' : 'update',
      }),
      summary: `Console password ${created ? 'created' : 'changed'} for IAM user ${user} by another principal`,
      severity: created ? 0.7 : 0.75,
    };
  },
});

/** Trust statements open to anyone or to a foreign account, and what makes them so. */
function backdoorTrust(
  policy: unknown,
  record: CloudTrailRecord,
  context: MatchContext,
): { sid?: string; index: number; principals: string[] }[] {
  const document = policyDocument(policy);
  if (!document) return [];
  const out: { sid?: string; index: number; principals: string[] }[] = [];
  statementsOf(document).forEach((statement, index) => {
    if (!isAllow(statement)) return;
    const aws = awsPrincipals(statement);
    const principals: string[] = [];
    if (aws.includes('*')) {
      // ExternalId does not narrow "*": anyone who learns it can assume the role.
      if (!hasNarrowingCondition(statement, ORG_OR_ACCOUNT_KEYS)) principals.push('*');
    } else if (!hasNarrowingCondition(statement)) {
      principals.push(...foreignAccounts(aws, record, context));
    }
    for (const federated of federatedPrincipals(statement))
      if (federated === '*') principals.push('Federated:*');
    if (principals.length === 0) return;
    const sid = typeof statement.Sid === 'string' ? statement.Sid : undefined;
    out.push({ index, principals, ...(sid ? { sid } : {}) });
  });
  return out;
}

/** The keys that make a trust to "*" safe: they name the caller's organisation or account. */
const ORG_OR_ACCOUNT_KEYS: ReadonlySet<string> = new Set([
  'aws:principalorgid',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:principalorgpaths',
  'aws:sourceaccount',
]);

const iamRoleTrustBackdoor = defineDetection({
  id: 'iam.role-trust-backdoor',
  title: 'Role trust policy opened to anyone or a foreign account',
  category: 'PER',
  mitre: ['T1098.003'],
  severity: 0.8,
  description:
    'UpdateAssumeRolePolicy or CreateRole whose trust policy allows AWS "*" (without an org/account condition) or an account that is neither this one nor trusted (without sts:ExternalId or aws:PrincipalOrgID).',
  triggers: [{ eventSource: IAM, eventNames: ['UpdateAssumeRolePolicy', 'CreateRole'] }],
  playbook: null,
  match(record, context) {
    const req = request(record);
    const role = str(req.roleName);
    const policy = record.eventName === 'CreateRole' ? req.assumeRolePolicyDocument : req.policyDocument;
    const statements = backdoorTrust(policy, record, context);
    if (statements.length === 0) return null;
    const principals = [...new Set(statements.flatMap((s) => s.principals))];
    const roleArn = str(response(record), 'role.arn');
    if (!role)
      return {
        resource: null,
        summary: `A role trust policy now admits ${principals.join(', ')} (role name not in the event)`,
      };
    return {
      resource: resourceRef(
        record,
        'AWS::IAM::Role',
        role,
        {
          roleName: role,
          trustedPrincipals: principals,
          statementIndexes: statements.map((s) => s.index),
          statementSids: statements.flatMap((s) => (s.sid ? [s.sid] : [])),
        },
        roleArn,
      ),
      summary: `Role ${role} can now be assumed by ${principals.join(', ')}`,
      severity: principals.some((p) => p.includes('*')) ? 0.9 : 0.8,
    };
  },
});

/** AWS's own quarantine when it finds a key in public: the managed policy, or the older inline policy names. */
const QUARANTINE_POLICY = /^(AWSCompromisedKeyQuarantine(V\d+)?|AWSExposedCredentialPolicy_DO_NOT_REMOVE)$/;

const iamCompromisedKeyQuarantine = defineDetection({
  id: 'iam.compromised-key-quarantine',
  title: 'AWS quarantined a leaked access key',
  category: 'CRD',
  mitre: ['T1552.001', 'T1078.004'],
  severity: 0.85,
  description:
    "AttachUserPolicy with AWSCompromisedKeyQuarantine (any version), or PutUserPolicy named like it or AWSExposedCredentialPolicy_DO_NOT_REMOVE: AWS found the user's access key in public and limited it. The key is leaked; whoever holds it may already have used it.",
  triggers: [{ eventSource: IAM, eventNames: ['AttachUserPolicy', 'PutUserPolicy'] }],
  playbook: null,
  match(record) {
    const req = request(record);
    const user = str(req.userName);
    const policyArn = str(req.policyArn);
    const policyName = policyArn ? policyNameOf(policyArn) : str(req.policyName);
    if (!user || !policyName || !QUARANTINE_POLICY.test(policyName)) return null;
    if (policyArn && !policyArn.startsWith('arn:aws:iam::aws:policy/')) return null;
    return {
      resource: resourceRef(record, 'AWS::IAM::User', user, {
        userName: user,
        policyName,
        policyArn: policyArn ?? null,
      }),
      summary: `AWS quarantined a leaked access key of IAM user ${user} (${policyName})`,
    };
  },
});

const ADMIN_GROUP = /admin|root|power|full/i;

const iamUserAddedToAdminGroup = defineDetection({
  id: 'iam.user-added-to-admin-group',
  title: 'User added to an administrators group',
  category: 'PRV',
  mitre: ['T1098'],
  severity: 0.6,
  description: 'AddUserToGroup where the group name says admin, power or full access.',
  triggers: [{ eventSource: IAM, eventNames: ['AddUserToGroup'] }],
  playbook: null,
  match(record) {
    const req = request(record);
    const group = str(req.groupName);
    const user = str(req.userName);
    if (!group || !user || !ADMIN_GROUP.test(group)) return null;
    return {
      resource: resourceRef(record, 'AWS::IAM::Group', group, { groupName: group, userName: user }),
      summary: `IAM user ${user} added to group ${group}`,
    };
  },
});

export {
  iamAccessKeyForOtherUser,
  iamAdminInlinePolicy,
  iamAdminPolicyAttached,
  iamCompromisedKeyQuarantine,
  iamLoginProfileForOtherUser,
  iamRoleTrustBackdoor,
  iamUserAddedToAdminGroup,
};
