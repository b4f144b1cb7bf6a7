import { defineDetection } from './define.js';
import { accountOf, request, resourceRef, str } from './read.js';

const ORGANIZATIONS = 'organizations.amazonaws.com';

const organizationsLeaveAttempt = defineDetection({
  id: 'organizations.leave-attempt',
  title: 'Account tried to leave the organization',
  category: 'DEF',
  mitre: ['T1666'],
  severity: 0.9,
  description:
    'LeaveOrganization, successful or not: leaving drops every SCP and the central logging. A denied attempt is still the signal (never actionable).',
  triggers: [{ eventSource: ORGANIZATIONS, eventNames: ['LeaveOrganization'] }],
  matchesFailures: true,
  playbook: null,
  match(record) {
    const account = accountOf(record);
    return {
      resource: resourceRef(record, 'AWS::::Account', account, {}),
      summary: `Account ${account} ${record.errorCode ? 'tried to leave' : 'left'} its AWS Organization`,
      severity: record.errorCode ? 0.7 : 0.95,
    };
  },
});

const organizationsGuardrailRemoved = defineDetection({
  id: 'organizations.guardrail-removed',
  title: 'Organization guardrail removed',
  category: 'DEF',
  mitre: ['T1666', 'T1562.001'],
  severity: 0.7,
  description:
    'DetachPolicy / DeletePolicy / DisablePolicyType (SCPs), RemoveAccountFromOrganization or DeleteOrganization in the management account.',
  triggers: [
    {
      eventSource: ORGANIZATIONS,
      eventNames: [
        'DetachPolicy',
        'DeletePolicy',
        'DisablePolicyType',
        'RemoveAccountFromOrganization',
        'DeleteOrganization',
      ],
    },
  ],
  playbook: null,
  match(record) {
    const req = request(record);
    const target = str(req.policyId) ?? str(req.accountId) ?? str(req.policyType) ?? accountOf(record);
    const type = str(req.policyId) ? 'AWS::Organizations::Policy' : 'AWS::Organizations::Organization';
    return {
      resource: resourceRef(record, type, target, {
        policyId: str(req.policyId) ?? null,
        targetId: str(req.targetId) ?? null,
        accountId: str(req.accountId) ?? null,
      }),
      summary: `Organizations ${record.eventName} (${target}${str(req.targetId) ? ` from ${str(req.targetId)}` : ''})`,
      severity:
        record.eventName === 'DeleteOrganization' || record.eventName === 'RemoveAccountFromOrganization'
          ? 0.85
          : 0.7,
    };
  },
});

const route53DomainTransfer = defineDetection({
  id: 'route53domains.transfer-unlocked',
  title: 'Route 53 domain unlocked or transferred away',
  category: 'IMP',
  mitre: ['T1098'],
  severity: 0.8,
  description:
    'DisableDomainTransferLock or TransferDomainToAnotherAwsAccount: the first step of stealing a domain (and its mail and certificates).',
  triggers: [
    {
      eventSource: 'route53domains.amazonaws.com',
      eventNames: ['DisableDomainTransferLock', 'TransferDomainToAnotherAwsAccount'],
    },
    // SigmaHQ spells the source route53.amazonaws.com; both are listed so either spelling is caught.
    {
      eventSource: 'route53.amazonaws.com',
      eventNames: ['DisableDomainTransferLock', 'TransferDomainToAnotherAwsAccount'],
    },
  ],
  playbook: null,
  match(record) {
    const req = request(record);
    const domain = str(req.domainName);
    if (!domain) return null;
    const transfer = record.eventName === 'TransferDomainToAnotherAwsAccount';
    return {
      resource: resourceRef(record, 'AWS::Route53Domains::Domain', domain, {
        domainName: domain,
        targetAccount: str(req.accountId) ?? null,
      }),
      summary: transfer
        ? `Domain ${domain} transfer to account ${str(req.accountId) ?? '?'} started`
        : `Domain ${domain} transfer lock disabled`,
      severity: transfer ? 0.9 : 0.8,
    };
  },
});

const accountRegionEnabled = defineDetection({
  id: 'account.region-enabled',
  title: 'Opt-in region enabled',
  category: 'DEF',
  mitre: ['T1535'],
  severity: 0.4,
  description:
    'account:EnableRegion: resources in a newly enabled region are often outside monitoring (unused-region abuse).',
  triggers: [{ eventSource: 'account.amazonaws.com', eventNames: ['EnableRegion'] }],
  playbook: null,
  match(record) {
    const region = str(request(record).RegionName) ?? str(request(record).regionName);
    if (!region) return null;
    return {
      resource: resourceRef(record, 'AWS::::Account', accountOf(record), { regionName: region }),
      summary: `Region ${region} enabled`,
    };
  },
});

export {
  accountRegionEnabled,
  organizationsGuardrailRemoved,
  organizationsLeaveAttempt,
  route53DomainTransfer,
};
