import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import { defineDetection, INFORMATIONAL_SEVERITY } from './define.js';
import { request, str, strings } from './read.js';

/**
 * Informational discovery: reads an intruder makes early to learn the account (who is in which group, whose
 * account this is, whether it can send mail, what guards the network). Each read is routine for an operator, so
 * these never move the score; they are kept so that an analyst sees the reconnaissance around a real detection.
 * Discovery rules need the read-only EventBridge rule state (trap T8).
 */

/**
 * An AWS service reading with its own session (Trusted Advisor, Config…) puts its host name in sourceIPAddress and
 * names no invokedBy. A read CloudFormation makes for a person's stack has invokedBy set and is kept, as the shared
 * guard keeps it (trap T5).
 */
const calledByAwsService = (record: CloudTrailRecord): boolean =>
  /\.amazonaws\.com$/.test(record.sourceIPAddress ?? '') && record.userIdentity?.invokedBy === undefined;

const caller = (record: CloudTrailRecord): string =>
  record.userIdentity?.arn ?? record.userIdentity?.type ?? 'an unknown principal';

const iamGroupEnumeration = defineDetection({
  id: 'iam.group-enumeration',
  title: 'IAM groups and their policies read (informational)',
  category: 'DIS',
  mitre: ['T1069.003'],
  severity: INFORMATIONAL_SEVERITY,
  description:
    'GetGroup, GetGroupPolicy, ListGroups, ListGroupsForUser, ListGroupPolicies, ListAttachedGroupPolicies: mapping which groups grant what.',
  triggers: [
    {
      eventSource: 'iam.amazonaws.com',
      eventNames: [
        'GetGroup',
        'GetGroupPolicy',
        'ListGroups',
        'ListGroupsForUser',
        'ListGroupPolicies',
        'ListAttachedGroupPolicies',
      ],
    },
  ],
  playbook: null,
  match(record) {
    if (calledByAwsService(record)) return null;
    const req = request(record);
    const target = str(req.groupName) ?? str(req.userName);
    return {
      resource: null,
      summary: `${record.eventName}${target ? ` (${target})` : ''} by ${caller(record)}`,
    };
  },
});

const accountContactDiscovery = defineDetection({
  id: 'account.contact-discovery',
  title: 'Account details or contacts read (informational)',
  category: 'DIS',
  mitre: ['T1087.004'],
  severity: INFORMATIONAL_SEVERITY,
  description:
    'Organizations DescribeAccount, and the account’s contact information or alternate contacts (billing console or Account API): who owns this account and who would be told.',
  triggers: [
    { eventSource: 'organizations.amazonaws.com', eventNames: ['DescribeAccount'] },
    {
      eventSource: 'billingconsole.amazonaws.com',
      eventNames: ['GetAlternateContact', 'GetContactInformation'],
    },
    { eventSource: 'account.amazonaws.com', eventNames: ['GetAlternateContact', 'GetContactInformation'] },
  ],
  playbook: null,
  match(record) {
    if (calledByAwsService(record)) return null;
    const account = str(request(record).accountId);
    return {
      resource: null,
      summary: `${record.eventName}${account ? ` of account ${account}` : ''} by ${caller(record)}`,
    };
  },
});

const sesSendingProbe = defineDetection({
  id: 'ses.sending-probe',
  title: 'Email sending capacity probed (informational)',
  category: 'DIS',
  mitre: ['T1526'],
  severity: INFORMATIONAL_SEVERITY,
  description:
    'SES GetSendQuota, GetAccountSendingEnabled, GetIdentityVerificationAttributes, ListIdentities (and the v2 GetAccount, ListEmailIdentities): what a spammer checks with stolen keys before sending. Trusted Advisor and other AWS services doing the same are left out.',
  triggers: [
    {
      eventSource: 'ses.amazonaws.com',
      eventNames: [
        'GetSendQuota',
        'GetAccountSendingEnabled',
        'GetIdentityVerificationAttributes',
        'ListIdentities',
        'GetAccount',
        'ListEmailIdentities',
      ],
    },
  ],
  playbook: null,
  match(record) {
    if (calledByAwsService(record) || /\.amazonaws\.com$/.test(record.userAgent ?? '')) return null;
    const identities = strings(request(record).identities);
    return {
      resource: null,
      summary: `${record.eventName}${identities.length > 0 ? ` for ${identities.length} identities` : ''} by ${caller(record)}`,
    };
  },
});

const securityControlsDiscovery = defineDetection({
  id: 'recon.security-controls-discovery',
  title: 'Network and security controls read (informational)',
  category: 'DIS',
  mitre: ['T1518.001', 'T1580'],
  severity: INFORMATIONAL_SEVERITY,
  description:
    'Reads of security groups and subnets, of Security Hub (hub, standards, controls, products, members) and of Network Firewall (firewalls, policies, rule groups, logging): learning what guards the account.',
  triggers: [
    {
      eventSource: 'ec2.amazonaws.com',
      eventNames: [
        'DescribeSecurityGroups',
        'DescribeSecurityGroupRules',
        'DescribeSecurityGroupReferences',
        'DescribeSubnets',
      ],
    },
    {
      eventSource: 'securityhub.amazonaws.com',
      eventNames: [
        'DescribeHub',
        'DescribeStandards',
        'DescribeStandardsControls',
        'DescribeProducts',
        'ListMembers',
      ],
    },
    {
      eventSource: 'network-firewall.amazonaws.com',
      eventNames: [
        'ListFirewalls',
        'ListRuleGroups',
        'ListFirewallPolicies',
        'DescribeFirewall',
        'DescribeFirewallPolicy',
        'DescribeLoggingConfiguration',
        'DescribeResourcePolicy',
        'DescribeRuleGroup',
      ],
    },
  ],
  playbook: null,
  match(record) {
    if (calledByAwsService(record)) return null;
    return { resource: null, summary: `${record.eventName} by ${caller(record)}` };
  },
});

/** IAM reads an intruder makes to map identities and what they may do. */
const IAM_ENUMERATION = [
  'GetAccountAuthorizationDetails',
  'GetAccountSummary',
  'GetPolicy',
  'GetPolicyVersion',
  'GetRole',
  'GetRolePolicy',
  'GetUser',
  'GetUserPolicy',
  'ListAccessKeys',
  'ListAccountAliases',
  'ListAttachedRolePolicies',
  'ListAttachedUserPolicies',
  'ListPolicies',
  'ListRolePolicies',
  'ListRoles',
  'ListUserPolicies',
  'ListUsers',
] as const;

const DENIED = /^(?:AccessDenied|.*UnauthorizedOperation|.*AccessDeniedException)$/;

const reconDeniedEnumeration = defineDetection({
  id: 'recon.denied-enumeration',
  title: 'IAM enumeration denied (informational)',
  category: 'DIS',
  mitre: ['T1087.004', 'T1069.003'],
  severity: INFORMATIONAL_SEVERITY,
  description:
    'An IAM read that maps identities or permissions (GetRole, ListUsers, GetAccountAuthorizationDetails, …) denied: a key probing what it may see. One denial is noise; the behaviour scorer counts them per principal (recent_denied). The console’s own background reads (user agent aws-internal) and AWS services are left out.',
  triggers: [{ eventSource: 'iam.amazonaws.com', eventNames: [...IAM_ENUMERATION] }],
  matchesFailures: true,
  playbook: null,
  match(record) {
    if (!DENIED.test(record.errorCode ?? '')) return null;
    if (calledByAwsService(record) || /\.amazonaws\.com$/.test(record.sourceIPAddress ?? '')) return null;
    if (/^aws-internal\//.test(record.userAgent ?? '')) return null;
    return { resource: null, summary: `${record.eventName} by ${caller(record)}` };
  },
});

export {
  accountContactDiscovery,
  iamGroupEnumeration,
  reconDeniedEnumeration,
  securityControlsDiscovery,
  sesSendingProbe,
};
