import { isWorldCidr, sameCidr } from '@aisaws/core/access';
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  type IpPermission,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { definePlaybookImplementation } from '../define.js';
import { firstDefined, resourceRefSchema, unique } from '../shared.js';
import type { PlaybookContext } from '../types.js';

/** An open rule as the detection read it from the event (`protocol` or `ipProtocol`; ports optional). */
const OpenRuleSchema = z
  .object({
    cidr: z.string().min(1),
    protocol: z.string().optional(),
    ipProtocol: z.string().optional(),
    fromPort: z.number().int().optional(),
    toPort: z.number().int().optional(),
  })
  .transform((rule) => ({
    cidr: rule.cidr,
    protocol: rule.protocol ?? rule.ipProtocol ?? '-1',
    fromPort: rule.fromPort,
    toPort: rule.toPort,
  }));
type OpenRule = z.infer<typeof OpenRuleSchema>;

const SecurityGroupTargetSchema = resourceRefSchema(
  ['AWS::EC2::SecurityGroup'],
  z.object({
    groupId: z.string().optional(),
    ruleIds: z.array(z.string().regex(/^sgr-/)).optional(),
    securityGroupRuleIds: z.array(z.string().regex(/^sgr-/)).optional(),
    openRules: z.array(OpenRuleSchema).optional(),
  }),
)
  .transform((ref) => ({
    groupId: firstDefined(ref.details.groupId, ref.id.startsWith('sg-') ? ref.id : undefined) ?? '',
    region: ref.region,
    ruleIds: unique([...(ref.details.ruleIds ?? []), ...(ref.details.securityGroupRuleIds ?? [])]),
    openRules: ref.details.openRules ?? [],
  }))
  .refine((target) => /^sg-[0-9a-f]+$/.test(target.groupId), {
    message: 'needs the security group id (details.groupId or an sg-… ResourceRef id)',
    path: ['details', 'groupId'],
  })
  .refine((target) => target.ruleIds.length > 0 || target.openRules.length > 0, {
    message:
      'needs the rules to revoke: details.ruleIds / details.securityGroupRuleIds (sgr-…) or details.openRules',
    path: ['details', 'ruleIds'],
  });
type SecurityGroupTarget = z.infer<typeof SecurityGroupTargetSchema>;

/** A rule as the snapshot keeps it: enough to re-authorize it exactly. */
const StoredRuleSchema = z.object({
  ruleId: z.string(),
  ipProtocol: z.string(),
  fromPort: z.number().int().optional(),
  toPort: z.number().int().optional(),
  cidrIpv4: z.string().optional(),
  cidrIpv6: z.string().optional(),
  description: z.string().optional(),
});
type StoredRule = z.infer<typeof StoredRuleSchema>;

const PROTOCOL_NUMBERS: Readonly<Record<string, string>> = {
  tcp: '6',
  udp: '17',
  icmp: '1',
  icmpv6: '58',
  all: '-1',
};
const normalizeProtocol = (protocol: string): string => PROTOCOL_NUMBERS[protocol.toLowerCase()] ?? protocol;

function toStored(rule: SecurityGroupRule): StoredRule {
  return StoredRuleSchema.parse({
    ruleId: rule.SecurityGroupRuleId,
    ipProtocol: rule.IpProtocol,
    ...(rule.FromPort !== undefined ? { fromPort: rule.FromPort } : {}),
    ...(rule.ToPort !== undefined ? { toPort: rule.ToPort } : {}),
    ...(rule.CidrIpv4 ? { cidrIpv4: rule.CidrIpv4 } : {}),
    ...(rule.CidrIpv6 ? { cidrIpv6: rule.CidrIpv6 } : {}),
    ...(rule.Description ? { description: rule.Description } : {}),
  });
}

/**
 * A live world-open ingress rule that matches an event rule: the same range (core's `sameCidr`: any /0 of one family
 * matches, other world ranges such as `0.0.0.0/1` match by network), protocol and ports (when known). "World" is
 * core's `isWorldCidr`, the detection's own rule: an IPv4 range wider than /8, an IPv6 range wider than /32.
 */
function matchesOpenRule(rule: StoredRule, open: OpenRule): boolean {
  const liveCidr = rule.cidrIpv4 ?? rule.cidrIpv6;
  if (!isWorldCidr(liveCidr) || !isWorldCidr(open.cidr) || !sameCidr(liveCidr, open.cidr)) return false;
  if (normalizeProtocol(rule.ipProtocol) !== normalizeProtocol(open.protocol)) return false;
  if (normalizeProtocol(open.protocol) === '-1') return true;
  return (
    (open.fromPort === undefined || open.fromPort === rule.fromPort) &&
    (open.toPort === undefined || open.toPort === rule.toPort)
  );
}

const ec2 = (target: SecurityGroupTarget, ctx: PlaybookContext) => ctx.clients(EC2Client, target.region);

/** The group's ingress rules that are open to the world, read live (all pages). */
async function readWorldOpenIngress(
  target: SecurityGroupTarget,
  ctx: PlaybookContext,
): Promise<StoredRule[]> {
  const rules: SecurityGroupRule[] = [];
  let nextToken: string | undefined;
  do {
    const output = await ec2(target, ctx).send(
      new DescribeSecurityGroupRulesCommand({
        Filters: [{ Name: 'group-id', Values: [target.groupId] }],
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    rules.push(...(output.SecurityGroupRules ?? []));
    nextToken = output.NextToken;
  } while (nextToken);
  return rules
    .filter(
      (rule) =>
        rule.IsEgress !== true &&
        rule.GroupId === target.groupId &&
        isWorldCidr(rule.CidrIpv4 ?? rule.CidrIpv6),
    )
    .map(toStored);
}

/** The targeted rules among the live world-open ones: by rule id when the event gave ids, else by shape. */
function targetedRules(target: SecurityGroupTarget, live: readonly StoredRule[]): StoredRule[] {
  if (target.ruleIds.length > 0) return live.filter((rule) => target.ruleIds.includes(rule.ruleId));
  return live.filter((rule) => target.openRules.some((open) => matchesOpenRule(rule, open)));
}

function toIpPermission(rule: StoredRule): IpPermission {
  const description = rule.description ? { Description: rule.description } : {};
  return {
    IpProtocol: rule.ipProtocol,
    ...(rule.fromPort !== undefined ? { FromPort: rule.fromPort } : {}),
    ...(rule.toPort !== undefined ? { ToPort: rule.toPort } : {}),
    ...(rule.cidrIpv4 ? { IpRanges: [{ CidrIp: rule.cidrIpv4, ...description }] } : {}),
    ...(rule.cidrIpv6 ? { Ipv6Ranges: [{ CidrIpv6: rule.cidrIpv6, ...description }] } : {}),
  };
}

const describeRule = (rule: StoredRule): string =>
  `${rule.ruleId} ${rule.ipProtocol === '-1' ? 'all traffic' : `${rule.ipProtocol} ${rule.fromPort}-${rule.toPort}`} from ${rule.cidrIpv4 ?? rule.cidrIpv6}`;

/** Same rule, ignoring its id (a re-authorized rule gets a new id). */
const sameShape = (a: StoredRule, b: StoredRule): boolean =>
  a.ipProtocol === b.ipProtocol &&
  a.fromPort === b.fromPort &&
  a.toPort === b.toPort &&
  a.cidrIpv4 === b.cidrIpv4 &&
  a.cidrIpv6 === b.cidrIpv6;

const revokeWorldOpenIngress = definePlaybookImplementation({
  id: 'ec2.revoke-world-open-ingress',
  permissions: ['ec2:DescribeSecurityGroupRules', 'ec2:RevokeSecurityGroupIngress'],
  rollbackPermissions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:DescribeSecurityGroupRules'],
  target: SecurityGroupTargetSchema,
  state: z.object({ groupId: z.string(), rules: z.array(StoredRuleSchema) }),
  async snapshot(target, ctx) {
    return { groupId: target.groupId, rules: targetedRules(target, await readWorldOpenIngress(target, ctx)) };
  },
  async apply(target, _state, ctx) {
    const rules = targetedRules(target, await readWorldOpenIngress(target, ctx));
    if (rules.length === 0) return { status: 'already-compliant', changes: [] };
    const byId = target.ruleIds.length > 0;
    await ec2(target, ctx).send(
      new RevokeSecurityGroupIngressCommand(
        byId
          ? { GroupId: target.groupId, SecurityGroupRuleIds: rules.map((rule) => rule.ruleId) }
          : { GroupId: target.groupId, IpPermissions: rules.map(toIpPermission) },
      ),
    );
    return {
      status: 'applied',
      changes: [`RevokeSecurityGroupIngress ${target.groupId}: ${rules.map(describeRule).join('; ')}`],
    };
  },
  async verify(target, ctx) {
    const remaining = targetedRules(target, await readWorldOpenIngress(target, ctx));
    return {
      converged: remaining.length === 0,
      observed: { groupId: target.groupId, worldOpenTargetedRules: remaining },
      details:
        remaining.length === 0
          ? `Security group ${target.groupId}: none of the targeted rules is open to the world any more.`
          : `Security group ${target.groupId} still allows ${remaining.map(describeRule).join('; ')}.`,
    };
  },
  async rollback(target, state, ctx) {
    const live = await readWorldOpenIngress(target, ctx);
    const missing = state.rules.filter((rule) => !live.some((current) => sameShape(current, rule)));
    if (missing.length === 0) return { changes: [] };
    await ec2(target, ctx).send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: target.groupId,
        IpPermissions: missing.map(toIpPermission),
      }),
    );
    return {
      changes: [
        `AuthorizeSecurityGroupIngress ${target.groupId}: re-authorized ${missing.map(describeRule).join('; ')}`,
      ],
    };
  },
});

export { revokeWorldOpenIngress };
