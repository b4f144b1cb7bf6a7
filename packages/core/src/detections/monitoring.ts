import { defineDetection } from './define.js';
import { accountOf, bool, list, pick, request, resourceRef, response, str, strings } from './read.js';

const GUARDDUTY = 'guardduty.amazonaws.com';
const CONFIG = 'config.amazonaws.com';
const SECURITYHUB = 'securityhub.amazonaws.com';

const guarddutyDetectorDeleted = defineDetection({
  id: 'guardduty.detector-deleted',
  title: 'GuardDuty detector deleted',
  category: 'DEF',
  mitre: ['T1562.001'],
  severity: 0.9,
  description: 'DeleteDetector: GuardDuty threat detection is off in this region and its findings are gone.',
  triggers: [{ eventSource: GUARDDUTY, eventNames: ['DeleteDetector'] }],
  playbook: 'guardduty.recreate-detector',
  match(record) {
    const detectorId = str(request(record).detectorId);
    if (!detectorId) return null;
    return {
      resource: resourceRef(record, 'AWS::GuardDuty::Detector', detectorId, { detectorId }),
      summary: `GuardDuty detector ${detectorId} deleted in ${record.awsRegion ?? 'unknown region'}`,
    };
  },
});

const guarddutyDetectorSuspended = defineDetection({
  id: 'guardduty.detector-suspended',
  title: 'GuardDuty detector suspended',
  category: 'DEF',
  mitre: ['T1562.001'],
  severity: 0.85,
  description: 'UpdateDetector with enable=false: GuardDuty stops analysing events.',
  triggers: [{ eventSource: GUARDDUTY, eventNames: ['UpdateDetector'] }],
  playbook: 'guardduty.enable-detector',
  match(record) {
    const req = request(record);
    const detectorId = str(req.detectorId);
    if (!detectorId || bool(req.enable) !== false) return null;
    return {
      resource: resourceRef(record, 'AWS::GuardDuty::Detector', detectorId, { detectorId }),
      summary: `GuardDuty detector ${detectorId} suspended`,
    };
  },
});

const guarddutyMembershipRemoved = defineDetection({
  id: 'guardduty.membership-removed',
  title: 'GuardDuty account detached from its administrator',
  category: 'DEF',
  mitre: ['T1562.001'],
  severity: 0.75,
  description:
    'DisassociateFromMasterAccount / DisassociateFromAdministratorAccount (member side), or DeleteMembers / DisassociateMembers / StopMonitoringMembers (administrator side): findings stop reaching the security account.',
  triggers: [
    {
      eventSource: GUARDDUTY,
      eventNames: [
        'DisassociateFromMasterAccount',
        'DisassociateFromAdministratorAccount',
        'DeleteMembers',
        'DisassociateMembers',
        'StopMonitoringMembers',
      ],
    },
  ],
  playbook: null,
  match(record) {
    const req = request(record);
    const detectorId = str(req.detectorId) ?? 'unknown';
    const members = strings(req.accountIds);
    return {
      resource: resourceRef(record, 'AWS::GuardDuty::Detector', detectorId, {
        detectorId,
        memberAccounts: members,
      }),
      summary:
        members.length > 0
          ? `GuardDuty ${record.eventName}: ${members.length} member account(s) no longer monitored`
          : `GuardDuty detector ${detectorId} detached from its administrator account`,
    };
  },
});

const guarddutyFindingsSuppressed = defineDetection({
  id: 'guardduty.findings-suppressed',
  title: 'GuardDuty findings suppressed',
  category: 'DEF',
  mitre: ['T1562.001'],
  severity: 0.6,
  description:
    'CreateFilter / UpdateFilter with action ARCHIVE (auto-archives matching findings), or CreateIPSet / UpdateIPSet activated (trusted IPs generate no findings).',
  triggers: [
    { eventSource: GUARDDUTY, eventNames: ['CreateFilter', 'UpdateFilter', 'CreateIPSet', 'UpdateIPSet'] },
  ],
  playbook: null,
  match(record) {
    const req = request(record);
    const detectorId = str(req.detectorId) ?? 'unknown';
    if (record.eventName.endsWith('Filter')) {
      if (str(req.action)?.toUpperCase() !== 'ARCHIVE') return null;
      const filter = str(req.name) ?? str(req.filterName) ?? 'unknown';
      return {
        resource: resourceRef(record, 'AWS::GuardDuty::Filter', filter, { detectorId, filterName: filter }),
        summary: `GuardDuty filter ${filter} auto-archives findings`,
      };
    }
    if (bool(req.activate) !== true) return null;
    const ipSet = str(req.name) ?? str(req.ipSetId) ?? 'unknown';
    return {
      resource: resourceRef(record, 'AWS::GuardDuty::IPSet', ipSet, {
        detectorId,
        ipSetId: str(req.ipSetId) ?? null,
        location: str(req.location) ?? null,
      }),
      summary: `GuardDuty trusted IP set ${ipSet} activated: traffic from it raises no findings`,
    };
  },
});

const configRecorderStopped = defineDetection({
  id: 'config.recorder-stopped',
  title: 'AWS Config recorder stopped',
  category: 'LOG',
  mitre: ['T1562.001'],
  severity: 0.85,
  description: 'StopConfigurationRecorder: resource changes are no longer recorded.',
  triggers: [{ eventSource: CONFIG, eventNames: ['StopConfigurationRecorder'] }],
  playbook: 'config.start-recorder',
  match(record) {
    const name = str(request(record).configurationRecorderName);
    if (!name) return null;
    return {
      resource: resourceRef(record, 'AWS::Config::ConfigurationRecorder', name, {
        configurationRecorderName: name,
      }),
      summary: `AWS Config recorder ${name} stopped`,
    };
  },
});

const configRecorderDeleted = defineDetection({
  id: 'config.recorder-deleted',
  title: 'AWS Config recorder or delivery channel deleted',
  category: 'LOG',
  mitre: ['T1562.001'],
  severity: 0.85,
  description:
    'DeleteConfigurationRecorder or DeleteDeliveryChannel: recording cannot resume without re-creating them.',
  triggers: [{ eventSource: CONFIG, eventNames: ['DeleteConfigurationRecorder', 'DeleteDeliveryChannel'] }],
  playbook: null,
  match(record) {
    const req = request(record);
    const name = str(req.configurationRecorderName) ?? str(req.deliveryChannelName) ?? 'default';
    const what = record.eventName === 'DeleteDeliveryChannel' ? 'delivery channel' : 'recorder';
    const type =
      record.eventName === 'DeleteDeliveryChannel'
        ? 'AWS::Config::DeliveryChannel'
        : 'AWS::Config::ConfigurationRecorder';
    return {
      resource: resourceRef(record, type, name, { name }),
      summary: `AWS Config ${what} ${name} deleted`,
    };
  },
});

const ec2FlowLogsDeleted = defineDetection({
  id: 'ec2.flow-logs-deleted',
  title: 'VPC flow logs deleted',
  category: 'LOG',
  mitre: ['T1562.008'],
  severity: 0.8,
  description:
    'DeleteFlowLogs: network traffic of the VPC, subnet or interface is no longer logged. The event names the flow log ids, not the VPC.',
  triggers: [{ eventSource: 'ec2.amazonaws.com', eventNames: ['DeleteFlowLogs'] }],
  playbook: null,
  match(record) {
    const req = request(record);
    const body = pick(req, 'DeleteFlowLogsRequest') ?? req;
    const ids: string[] = [];
    for (const item of list(pick(body, 'FlowLogId', 'flowLogIds', 'FlowLogIds'))) {
      const id = typeof item === 'string' ? item : str(pick(item, 'content'));
      if (id) ids.push(id);
    }
    if (ids.length === 0) return null;
    return {
      resource: resourceRef(record, 'AWS::EC2::FlowLog', ids[0] as string, { flowLogIds: ids }),
      summary: `VPC flow log(s) ${ids.join(', ')} deleted`,
    };
  },
});

const route53ResolverQueryLoggingDeleted = defineDetection({
  id: 'route53resolver.query-logging-deleted',
  title: 'Route 53 Resolver query logging removed',
  category: 'LOG',
  mitre: ['T1562.008'],
  severity: 0.65,
  description:
    'DeleteResolverQueryLogConfig or DisassociateResolverQueryLogConfig: DNS queries of the VPCs are no longer logged.',
  triggers: [
    {
      eventSource: 'route53resolver.amazonaws.com',
      eventNames: ['DeleteResolverQueryLogConfig', 'DisassociateResolverQueryLogConfig'],
    },
  ],
  playbook: null,
  match(record) {
    const req = request(record);
    const configId = str(req.resolverQueryLogConfigId);
    if (!configId) return null;
    const config = pick(response(record), 'resolverQueryLogConfig');
    const vpcId = str(req.resourceId);
    return {
      resource: resourceRef(
        record,
        'AWS::Route53Resolver::ResolverQueryLoggingConfig',
        configId,
        {
          resolverQueryLogConfigId: configId,
          destinationArn: str(config, 'destinationArn') ?? null,
          ...(vpcId ? { vpcId } : {}),
        },
        str(config, 'arn'),
      ),
      summary: `Route 53 Resolver query log config ${configId} ${record.eventName.startsWith('Delete') ? 'deleted' : `detached from ${vpcId ?? 'a VPC'}`}`,
    };
  },
});

const securityhubDisabled = defineDetection({
  id: 'securityhub.disabled',
  title: 'Security Hub, its standards or findings suppressed',
  category: 'DEF',
  mitre: ['T1562.001'],
  severity: 0.75,
  description:
    'DisableSecurityHub, BatchDisableStandards, DisableImportFindingsForProduct, DeleteInsight, UpdateFindings, or BatchUpdateFindings setting findings SUPPRESSED; Access Analyzer DeleteAnalyzer.',
  triggers: [
    {
      eventSource: SECURITYHUB,
      eventNames: [
        'DisableSecurityHub',
        'BatchDisableStandards',
        'DisableImportFindingsForProduct',
        'DeleteInsight',
        'UpdateFindings',
        'BatchUpdateFindings',
      ],
    },
    { eventSource: 'access-analyzer.amazonaws.com', eventNames: ['DeleteAnalyzer'] },
  ],
  playbook: null,
  otherPlaybooks: ['securityhub.enable-hub', 'accessanalyzer.recreate-analyzer'],
  match(record) {
    const req = request(record);
    if (record.eventName === 'BatchUpdateFindings') {
      const status = str(pick(pick(req, 'Workflow', 'workflow'), 'Status', 'status'));
      if (status !== 'SUPPRESSED') return null;
    }
    const account = accountOf(record);
    const name = str(req.analyzerName) ?? str(req.Name) ?? account;
    const severity =
      record.eventName === 'DisableSecurityHub' || record.eventName === 'DeleteAnalyzer' ? 0.8 : 0.6;
    // Turning the service off (or deleting the analyzer) has a fix; suppressing findings or standards does not.
    const playbook =
      record.eventName === 'DisableSecurityHub'
        ? 'securityhub.enable-hub'
        : record.eventName === 'DeleteAnalyzer'
          ? 'accessanalyzer.recreate-analyzer'
          : null;
    return {
      playbook,
      resource: resourceRef(
        record,
        record.eventName === 'DeleteAnalyzer' ? 'AWS::AccessAnalyzer::Analyzer' : 'AWS::SecurityHub::Hub',
        name,
        {},
      ),
      summary: `${record.eventSource.split('.')[0]} ${record.eventName} (${name})`,
      severity,
    };
  },
});

const macieDisabled = defineDetection({
  id: 'macie.disabled',
  title: 'Amazon Macie disabled or its findings slowed down',
  category: 'DEF',
  mitre: ['T1562.001'],
  severity: 0.6,
  description:
    'DisableMacie, UpdateMacieSession (paused or publishing frequency changed), DeleteMember / DisassociateMember, ArchiveFindings.',
  triggers: [
    {
      eventSource: 'macie2.amazonaws.com',
      eventNames: [
        'DisableMacie',
        'UpdateMacieSession',
        'DeleteMember',
        'DisassociateMember',
        'DisassociateFromAdministratorAccount',
        'ArchiveFindings',
      ],
    },
    {
      eventSource: 'macie.amazonaws.com',
      eventNames: ['DisableMacie', 'UpdateMacieSession', 'DisassociateMemberAccount'],
    },
  ],
  playbook: null,
  match(record) {
    const status = str(request(record).status);
    if (
      record.eventName === 'UpdateMacieSession' &&
      status === 'ENABLED' &&
      request(record).findingPublishingFrequency === undefined
    )
      return null;
    return {
      resource: resourceRef(record, 'AWS::Macie::Session', accountOf(record), {}),
      summary: `Macie ${record.eventName}${status ? ` (status ${status})` : ''}`,
    };
  },
});

const wafWebAclDisassociated = defineDetection({
  id: 'waf.web-acl-disassociated',
  title: 'WAF web ACL removed from a resource',
  category: 'DEF',
  mitre: ['T1562.001'],
  severity: 0.5,
  description: 'DisassociateWebACL: the load balancer, API or distribution is no longer filtered by WAF.',
  triggers: [
    { eventSource: 'wafv2.amazonaws.com', eventNames: ['DisassociateWebACL'] },
    { eventSource: 'waf-regional.amazonaws.com', eventNames: ['DisassociateWebACL'] },
  ],
  playbook: null,
  match(record) {
    const arn = str(request(record).resourceArn) ?? str(request(record).ResourceArn);
    if (!arn) return null;
    return {
      resource: resourceRef(record, 'AWS::WAFv2::WebACLAssociation', arn, { resourceArn: arn }, arn),
      summary: `WAF web ACL disassociated from ${arn}`,
    };
  },
});

export {
  configRecorderDeleted,
  configRecorderStopped,
  ec2FlowLogsDeleted,
  guarddutyDetectorDeleted,
  guarddutyDetectorSuspended,
  guarddutyFindingsSuppressed,
  guarddutyMembershipRemoved,
  macieDisabled,
  route53ResolverQueryLoggingDeleted,
  securityhubDisabled,
  wafWebAclDisassociated,
};
