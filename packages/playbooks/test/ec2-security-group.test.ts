import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { getPlaybookImplementation, InvalidTargetError } from '../src/index.js';
import { createPlaybookHarness, declared, ref, writesAmong } from './helpers/harness.js';

const GROUP = 'sg-0123456789abcdef0';
const rule = (id: string, fields: Partial<SecurityGroupRule>): SecurityGroupRule => ({
  SecurityGroupRuleId: id,
  GroupId: GROUP,
  IsEgress: false,
  ...fields,
});
const SSH_WORLD = rule('sgr-0aaa', {
  IpProtocol: 'tcp',
  FromPort: 22,
  ToPort: 22,
  CidrIpv4: '0.0.0.0/0',
  Description: 'debug',
});
const SSH_WORLD_V6 = rule('sgr-0bbb', { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv6: '::/0' });
const HTTPS_OFFICE = rule('sgr-0ccc', {
  IpProtocol: 'tcp',
  FromPort: 443,
  ToPort: 443,
  CidrIpv4: '203.0.113.0/24',
});
const EGRESS_ALL = rule('sgr-0ddd', {
  IpProtocol: '-1',
  FromPort: -1,
  ToPort: -1,
  CidrIpv4: '0.0.0.0/0',
  IsEgress: true,
});
const RDP_WORLD = rule('sgr-0eee', {
  IpProtocol: 'tcp',
  FromPort: 3389,
  ToPort: 3389,
  CidrIpv4: '0.0.0.0/0',
});

const byRuleIds = ref('AWS::EC2::SecurityGroup', GROUP, {
  groupId: GROUP,
  securityGroupRuleIds: ['sgr-0aaa', 'sgr-0bbb'],
  openRules: [{ cidr: '0.0.0.0/0', protocol: 'tcp', fromPort: 22, toPort: 22, ruleId: 'sgr-0aaa' }],
});
// Stratus-style event without rule ids: an anonymised /0 CIDR, flattened fields.
const byShape = ref('AWS::EC2::SecurityGroup', GROUP, {
  groupId: GROUP,
  securityGroupRuleIds: [],
  openRules: [{ cidr: '208.236.235.254/0', protocol: 'tcp', fromPort: 22, toPort: 22 }],
});

const ec2 = mockClient(EC2Client);

describe('Playbook: ec2.revoke-world-open-ingress', () => {
  const playbook = getPlaybookImplementation('ec2.revoke-world-open-ingress');
  const harness = createPlaybookHarness();
  beforeEach(() => {
    ec2.reset();
    harness.reset();
  });

  it('snapshots exactly the targeted world-open ingress rules, read with a group-id filter', async () => {
    // Prepare
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [SSH_WORLD, SSH_WORLD_V6, HTTPS_OFFICE, EGRESS_ALL, RDP_WORLD],
    });
    // Act
    const snapshot = await playbook.snapshot(byRuleIds, harness.context());
    // Assess
    expect(ec2.commandCalls(DescribeSecurityGroupRulesCommand)[0]?.args[0].input).toEqual({
      Filters: [{ Name: 'group-id', Values: [GROUP] }],
    });
    expect(snapshot).toEqual({
      groupId: GROUP,
      rules: [
        {
          ruleId: 'sgr-0aaa',
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          cidrIpv4: '0.0.0.0/0',
          description: 'debug',
        },
        { ruleId: 'sgr-0bbb', ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv6: '::/0' },
      ],
    });
  });

  it('revokes by SecurityGroupRuleIds when the event gave rule ids', async () => {
    // Prepare
    ec2
      .on(DescribeSecurityGroupRulesCommand)
      .resolves({ SecurityGroupRules: [SSH_WORLD, SSH_WORLD_V6, RDP_WORLD] });
    // Act
    const applied = await playbook.apply(byRuleIds, { groupId: GROUP, rules: [] }, harness.context());
    // Assess
    expect(applied.status).toBe('applied');
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)[0]?.args[0].input).toEqual({
      GroupId: GROUP,
      SecurityGroupRuleIds: ['sgr-0aaa', 'sgr-0bbb'],
    });
  });

  it('revokes by exact IpPermissions when only the rule shapes are known', async () => {
    // Prepare
    ec2
      .on(DescribeSecurityGroupRulesCommand)
      .resolves({ SecurityGroupRules: [SSH_WORLD, HTTPS_OFFICE, RDP_WORLD] });
    // Act
    const applied = await playbook.apply(byShape, { groupId: GROUP, rules: [] }, harness.context());
    // Assess
    expect(applied.changes).toEqual([
      `RevokeSecurityGroupIngress ${GROUP}: sgr-0aaa tcp 22-22 from 0.0.0.0/0`,
    ]);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)[0]?.args[0].input).toEqual({
      GroupId: GROUP,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'debug' }],
        },
      ],
    });
  });

  it('treats any range wider than /8 as the world: revokes 0.0.0.0/1 and 128.0.0.0/1, keeps a /8 and the office /24', async () => {
    // Prepare: "0.0.0.0/0" split in two halves, as someone dodging a /0 check would write it
    const lowHalf = rule('sgr-0f01', { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/1' });
    const highHalf = rule('sgr-0f02', {
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      CidrIpv4: '128.0.0.0/1',
    });
    const corporate = rule('sgr-0f03', {
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      CidrIpv4: '10.0.0.0/8',
    });
    ec2
      .on(DescribeSecurityGroupRulesCommand)
      .resolves({ SecurityGroupRules: [lowHalf, highHalf, corporate, HTTPS_OFFICE] });
    const halves = ref('AWS::EC2::SecurityGroup', GROUP, {
      groupId: GROUP,
      openRules: [
        { cidr: '0.0.0.0/1', protocol: 'tcp', fromPort: 22, toPort: 22 },
        { cidr: '128.0.0.0/1', protocol: 'tcp', fromPort: 22, toPort: 22 },
        { cidr: '10.0.0.0/8', protocol: 'tcp', fromPort: 22, toPort: 22 },
      ],
    });
    // Act
    const applied = await playbook.apply(halves, { groupId: GROUP, rules: [] }, harness.context());
    // Assess: each event range matches its own live rule only, and the /8 is not the world
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)[0]?.args[0].input).toEqual({
      GroupId: GROUP,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/1' }] },
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '128.0.0.0/1' }] },
      ],
    });
    expect(applied.changes[0]).not.toContain('10.0.0.0/8');
  });

  it('matches an all-traffic event rule (protocol -1) to the live -1 rule', async () => {
    // Prepare
    const allTraffic = rule('sgr-0fff', {
      IpProtocol: '-1',
      FromPort: -1,
      ToPort: -1,
      CidrIpv4: '0.0.0.0/0',
    });
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [allTraffic, SSH_WORLD] });
    const target = ref('AWS::EC2::SecurityGroup', GROUP, {
      openRules: [{ cidr: '0.0.0.0/0', protocol: 'all' }],
    });
    // Act
    await playbook.apply(target, { groupId: GROUP, rules: [] }, harness.context());
    // Assess
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)[0]?.args[0].input).toEqual({
      GroupId: GROUP,
      IpPermissions: [{ IpProtocol: '-1', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    });
  });

  it('follows DescribeSecurityGroupRules pages', async () => {
    // Prepare
    ec2
      .on(DescribeSecurityGroupRulesCommand)
      .resolvesOnce({ SecurityGroupRules: [HTTPS_OFFICE], NextToken: 'page-2' })
      .resolves({ SecurityGroupRules: [SSH_WORLD] });
    // Act
    const snapshot = await playbook.snapshot(byRuleIds, harness.context());
    // Assess
    expect(ec2.commandCalls(DescribeSecurityGroupRulesCommand)[1]?.args[0].input).toEqual({
      Filters: [{ Name: 'group-id', Values: [GROUP] }],
      NextToken: 'page-2',
    });
    expect(snapshot.rules).toHaveLength(1);
  });

  it('is idempotent: targeted rules already gone → no write', async () => {
    // Prepare
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [HTTPS_OFFICE, RDP_WORLD] });
    // Act
    const applied = await playbook.apply(byRuleIds, { groupId: GROUP, rules: [] }, harness.context());
    // Assess
    expect(applied).toEqual({ status: 'already-compliant', changes: [] });
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('verifies from the re-read rules: other world-open rules the event did not add do not count', async () => {
    // Prepare
    ec2
      .on(DescribeSecurityGroupRulesCommand)
      .resolvesOnce({ SecurityGroupRules: [RDP_WORLD, HTTPS_OFFICE] })
      .resolves({ SecurityGroupRules: [SSH_WORLD, RDP_WORLD] });
    // Act
    const gone = await playbook.verify(byRuleIds, harness.context());
    const still = await playbook.verify(byRuleIds, harness.context());
    // Assess
    expect(gone).toMatchObject({ converged: true, observed: { groupId: GROUP, worldOpenTargetedRules: [] } });
    expect(still.converged).toBe(false);
    expect(still.details).toContain('sgr-0aaa');
  });

  it('rolls back by re-authorizing the snapshot rules that are missing, with their descriptions', async () => {
    // Prepare
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        rule('sgr-0new', { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv6: '::/0' }),
      ],
    });
    const snapshot = {
      groupId: GROUP,
      rules: [
        {
          ruleId: 'sgr-0aaa',
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          cidrIpv4: '0.0.0.0/0',
          description: 'debug',
        },
        { ruleId: 'sgr-0bbb', ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv6: '::/0' },
      ],
    };
    // Act
    const rolledBack = await playbook.rollback(byRuleIds, snapshot, harness.context());
    // Assess
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)[0]?.args[0].input).toEqual({
      GroupId: GROUP,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'debug' }],
        },
      ],
    });
    expect(rolledBack.changes).toHaveLength(1);
  });

  it('rolls back nothing when every snapshot rule is back already', async () => {
    // Prepare
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [SSH_WORLD] });
    // Act
    const rolledBack = await playbook.rollback(
      byRuleIds,
      {
        groupId: GROUP,
        rules: [{ ruleId: 'sgr-0aaa', ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }],
      },
      harness.context(),
    );
    // Assess
    expect(rolledBack).toEqual({ changes: [] });
    expect(ec2).not.toHaveReceivedCommand(AuthorizeSecurityGroupIngressCommand);
  });

  it.each([
    [
      'no rule ids and no open rules',
      ref('AWS::EC2::SecurityGroup', GROUP, { groupId: GROUP }),
      'details.ruleIds',
    ],
    [
      'a group name instead of an id',
      ref('AWS::EC2::SecurityGroup', 'web', { groupName: 'web', securityGroupRuleIds: ['sgr-0aaa'] }),
      'details.groupId',
    ],
  ])('rejects a target with %s', async (_case, target, field) => {
    // Act
    const error = await playbook.verify(target, harness.context()).catch((e) => e);
    // Assess
    expect(error).toBeInstanceOf(InvalidTargetError);
    expect(error.message).toContain(field);
    expect(harness.sent()).toEqual([]);
  });

  it('sends exactly the IAM actions it declares across these tests', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});
