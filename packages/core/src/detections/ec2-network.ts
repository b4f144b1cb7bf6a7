import { isWorldCidr } from '../access/cidr.js';
import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import { defineDetection } from './define.js';
import { bool, isObject, list, num, pick, request, resourceRef, response, str } from './read.js';

const EC2 = 'ec2.amazonaws.com';

/** Security Hub EC2.19 high-risk ports, plus common database ports. */
const ADMIN_PORTS = [
  20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 1521, 2375, 2376, 3000, 3306, 3389, 4333, 5000, 5432,
  5500, 5601, 5984, 6379, 8080, 8088, 8888, 9042, 9200, 9300, 11211, 27017,
];
const WEB_PORTS = new Set([80, 443]);

/** An ingress rule open to the world, as far as the event tells. */
interface OpenRule {
  readonly cidr: string;
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly ruleId?: string;
}

const allPorts = (protocol: string): boolean => protocol === '-1' || protocol.toLowerCase() === 'all';

/** The admin ports a rule exposes (every one when the protocol is -1 or the range is 0-65535). */
function exposedAdminPorts(rule: OpenRule): number[] {
  if (allPorts(rule.protocol)) return ADMIN_PORTS;
  const from = rule.fromPort ?? 0;
  const to = rule.toPort ?? 65535;
  if (from < 0 || to < 0) return ADMIN_PORTS;
  return ADMIN_PORTS.filter((port) => port >= from && port <= to);
}

const onlyWebPorts = (rule: OpenRule): boolean =>
  !allPorts(rule.protocol) &&
  rule.fromPort !== undefined &&
  rule.fromPort === rule.toPort &&
  WEB_PORTS.has(rule.fromPort);

/** Rules from `responseElements.securityGroupRuleSet.items` (they carry the rule ids the revoke needs). */
function rulesFromResponse(record: CloudTrailRecord): OpenRule[] {
  const out: OpenRule[] = [];
  for (const item of list(response(record), 'securityGroupRuleSet')) {
    if (bool(pick(item, 'isEgress')) === true) continue;
    const cidr = str(pick(item, 'cidrIpv4')) ?? str(pick(item, 'cidrIpv6'));
    if (!isWorldCidr(cidr)) continue;
    out.push(openRule(item, cidr, str(pick(item, 'securityGroupRuleId'))));
  }
  return out;
}

function openRule(source: unknown, cidr: string, ruleId?: string): OpenRule {
  const fromPort = num(pick(source, 'fromPort', 'FromPort'));
  const toPort = num(pick(source, 'toPort', 'ToPort'));
  return {
    cidr,
    protocol: str(pick(source, 'ipProtocol', 'IpProtocol')) ?? '-1',
    ...(fromPort !== undefined ? { fromPort } : {}),
    ...(toPort !== undefined ? { toPort } : {}),
    ...(ruleId ? { ruleId } : {}),
  };
}

/** Rules from the request: flattened (`cidrIp`/`fromPort`) and nested (`ipPermissions.items[].ipRanges.items[]`). */
function rulesFromRequest(record: CloudTrailRecord): OpenRule[] {
  const req = request(record);
  const out: OpenRule[] = [];
  for (const cidr of [str(req.cidrIp), str(req.cidrIpv6)])
    if (isWorldCidr(cidr)) out.push(openRule(req, cidr));
  for (const permission of list(req.ipPermissions)) {
    for (const range of list(pick(permission, 'ipRanges'))) {
      const cidr = str(pick(range, 'cidrIp'));
      if (isWorldCidr(cidr)) out.push(openRule(permission, cidr));
    }
    for (const range of list(pick(permission, 'ipv6Ranges'))) {
      const cidr = str(pick(range, 'cidrIpv6'));
      if (isWorldCidr(cidr)) out.push(openRule(permission, cidr));
    }
  }
  return out;
}

/** ModifySecurityGroupRules: `ModifySecurityGroupRulesRequest.SecurityGroupRule[]` each with its rule id. */
function rulesFromModify(record: CloudTrailRecord): { groupId?: string; rules: OpenRule[] } {
  const body = pick(request(record), 'ModifySecurityGroupRulesRequest') ?? request(record);
  const groupId = str(pick(body, 'GroupId', 'groupId'));
  const rules: OpenRule[] = [];
  for (const entry of list(pick(body, 'SecurityGroupRule', 'securityGroupRules'))) {
    const ruleId = str(pick(entry, 'SecurityGroupRuleId', 'securityGroupRuleId'));
    const rule = pick(entry, 'SecurityGroupRule', 'securityGroupRule');
    const cidr = str(pick(rule, 'CidrIpv4', 'cidrIpv4')) ?? str(pick(rule, 'CidrIpv6', 'cidrIpv6'));
    if (isWorldCidr(cidr)) rules.push(openRule(rule, cidr, ruleId));
  }
  return groupId ? { groupId, rules } : { rules };
}

/** Severity of a world-open rule set: admin ports weigh most, web-only ports least. */
function openRuleSeverity(rules: readonly OpenRule[]): number {
  if (rules.some((rule) => allPorts(rule.protocol))) return 0.85;
  if (rules.some((rule) => exposedAdminPorts(rule).length > 0)) return 0.8;
  if (rules.every(onlyWebPorts)) return 0.3;
  return 0.5;
}

const describeRule = (rule: OpenRule): string =>
  allPorts(rule.protocol)
    ? `all traffic from ${rule.cidr}`
    : `${rule.protocol} ${rule.fromPort === rule.toPort ? rule.fromPort : `${rule.fromPort ?? 0}-${rule.toPort ?? 65535}`} from ${rule.cidr}`;

const ec2SecurityGroupOpenToWorld = defineDetection({
  id: 'ec2.security-group-open-to-world',
  title: 'Security group ingress open to the world',
  category: 'EXP',
  mitre: ['T1562.007', 'T1133'],
  severity: 0.8,
  description:
    'AuthorizeSecurityGroupIngress or ModifySecurityGroupRules adds an ingress rule from the world: an IPv4 range wider than /8 or an IPv6 range wider than /32 (0.0.0.0/0, ::/0, 0.0.0.0/1 …). Admin and database ports (Security Hub EC2.19) or all traffic weigh highest; 80/443 only weighs lowest.',
  triggers: [{ eventSource: EC2, eventNames: ['AuthorizeSecurityGroupIngress', 'ModifySecurityGroupRules'] }],
  playbook: 'ec2.revoke-world-open-ingress',
  match(record) {
    let groupId: string | undefined;
    let rules: OpenRule[];
    if (record.eventName === 'ModifySecurityGroupRules') {
      const modified = rulesFromModify(record);
      groupId = modified.groupId;
      rules = modified.rules;
    } else {
      groupId = str(request(record).groupId);
      const fromResponse = rulesFromResponse(record);
      rules = fromResponse.length > 0 ? fromResponse : rulesFromRequest(record);
      groupId ??= str(list(response(record), 'securityGroupRuleSet')[0], 'groupId');
    }
    if (rules.length === 0) return null;
    const groupName = str(request(record).groupName);
    const id = groupId ?? groupName;
    if (!id) return null;
    const adminPorts = [...new Set(rules.flatMap(exposedAdminPorts))];
    const details = {
      ...(groupId ? { groupId } : { groupName }),
      securityGroupRuleIds: rules.flatMap((rule) => (rule.ruleId ? [rule.ruleId] : [])),
      openRules: rules,
      adminPorts: adminPorts.length === ADMIN_PORTS.length ? ['all'] : adminPorts,
    };
    return {
      resource: resourceRef(record, 'AWS::EC2::SecurityGroup', id, details),
      summary: `Security group ${id} opened to the world: ${rules.map(describeRule).join('; ')}`,
      severity: openRuleSeverity(rules),
      evidence: { openRules: rules },
    };
  },
});

const ec2NetworkAclOpenToWorld = defineDetection({
  id: 'ec2.network-acl-open-to-world',
  title: 'Network ACL allows ingress from the world',
  category: 'EXP',
  mitre: ['T1562.007'],
  severity: 0.6,
  description:
    'CreateNetworkAclEntry or ReplaceNetworkAclEntry adds an ingress allow rule from the world (IPv4 wider than /8, IPv6 wider than /32); all protocols or admin ports weigh highest.',
  triggers: [{ eventSource: EC2, eventNames: ['CreateNetworkAclEntry', 'ReplaceNetworkAclEntry'] }],
  playbook: null,
  match(record) {
    const req = request(record);
    if (bool(req.egress) !== false) return null;
    if (str(req.ruleAction)?.toLowerCase() !== 'allow') return null;
    const cidr = str(req.cidrBlock) ?? str(req.ipv6CidrBlock);
    if (!isWorldCidr(cidr)) return null;
    const aclId = str(req.networkAclId);
    if (!aclId) return null;
    const protocol = str(req.aclProtocol) ?? '-1';
    const range = isObject(req.portRange) ? req.portRange : {};
    const rule: OpenRule = {
      cidr,
      protocol,
      ...(num(range.from) !== undefined ? { fromPort: num(range.from) } : {}),
      ...(num(range.to) !== undefined ? { toPort: num(range.to) } : {}),
    };
    const admin = exposedAdminPorts(rule).length > 0;
    return {
      resource: resourceRef(record, 'AWS::EC2::NetworkAcl', aclId, { ruleNumber: num(req.ruleNumber), rule }),
      summary: `Network ACL ${aclId} rule ${num(req.ruleNumber) ?? '?'} allows ${describeRule(rule)}`,
      severity: admin ? 0.6 : 0.4,
    };
  },
});

export { ec2NetworkAclOpenToWorld, ec2SecurityGroupOpenToWorld, isWorldCidr };
