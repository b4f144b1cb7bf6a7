import {
  CreateSecurityGroupCommand,
  CreateSnapshotCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  type Instance,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { definePlaybookImplementation } from '../define.js';
import { firstDefined, resourceRefSchema } from '../shared.js';
import type { PlaybookContext } from '../types.js';

/**
 * ec2.isolate-instance: a compromised instance (GuardDuty Backdoor, CryptoCurrency, Trojan, UnauthorizedAccess:EC2)
 * loses every network path and keeps its disks for forensics. Each network interface is moved to the VPC's
 * quarantine security group `aisaws-quarantine` (created with no inbound rule and its default outbound rule
 * revoked), and each attached EBS volume is snapshotted with forensic tags. The instance is never stopped or
 * terminated: its memory and processes stay for the responders.
 */

const QUARANTINE_GROUP = 'aisaws-quarantine';
const FORENSICS_TAG = 'aisaws:forensics-of';

const ec2 = (region: string, ctx: PlaybookContext) => ctx.clients(EC2Client, region);

const InstanceTargetSchema = resourceRefSchema(
  ['AWS::EC2::Instance'],
  z.object({ instanceId: z.string().optional() }),
)
  .transform((ref) => ({
    instanceId: firstDefined(ref.details.instanceId, ref.id.slice(ref.id.lastIndexOf('/') + 1)) ?? '',
    region: ref.region,
  }))
  .refine((target) => /^i-[0-9a-f]{8,17}$/.test(target.instanceId), {
    message: 'needs the instance id (details.instanceId or an i-… ResourceRef id)',
    path: ['details', 'instanceId'],
  });
type InstanceTarget = z.infer<typeof InstanceTargetSchema>;

class InstanceNotFoundError extends Error {
  constructor(instanceId: string) {
    super(`instance ${instanceId} not found`);
    this.name = 'InstanceNotFoundError';
  }
}

async function describeInstance(target: InstanceTarget, ctx: PlaybookContext): Promise<Instance> {
  const output = await ec2(target.region, ctx).send(
    new DescribeInstancesCommand({ InstanceIds: [target.instanceId] }),
  );
  const instance = output.Reservations?.flatMap((r) => r.Instances ?? []).find(
    (i) => i.InstanceId === target.instanceId,
  );
  if (!instance) throw new InstanceNotFoundError(target.instanceId);
  return instance;
}

const interfacesOf = (instance: Instance) =>
  (instance.NetworkInterfaces ?? []).flatMap((eni) =>
    eni.NetworkInterfaceId
      ? [
          {
            networkInterfaceId: eni.NetworkInterfaceId,
            groupIds: (eni.Groups ?? []).flatMap((g) => (g.GroupId ? [g.GroupId] : [])),
          },
        ]
      : [],
  );

const volumesOf = (instance: Instance): string[] =>
  (instance.BlockDeviceMappings ?? []).flatMap((m) => (m.Ebs?.VolumeId ? [m.Ebs.VolumeId] : []));

async function findQuarantineGroup(
  target: InstanceTarget,
  vpcId: string,
  ctx: PlaybookContext,
): Promise<SecurityGroup | undefined> {
  const output = await ec2(target.region, ctx).send(
    new DescribeSecurityGroupsCommand({
      Filters: [
        { Name: 'group-name', Values: [QUARANTINE_GROUP] },
        { Name: 'vpc-id', Values: [vpcId] },
      ],
    }),
  );
  return output.SecurityGroups?.[0];
}

const hasNoRules = (group: SecurityGroup | undefined): boolean =>
  group !== undefined &&
  (group.IpPermissions ?? []).length === 0 &&
  (group.IpPermissionsEgress ?? []).length === 0;

/** The VPC's quarantine group with no rule at all: found, or created and its default egress revoked. */
async function ensureQuarantineGroup(
  target: InstanceTarget,
  vpcId: string,
  ctx: PlaybookContext,
  changes: string[],
): Promise<string> {
  const client = ec2(target.region, ctx);
  let group = await findQuarantineGroup(target, vpcId, ctx);
  if (!group) {
    const created = await client.send(
      new CreateSecurityGroupCommand({
        GroupName: QUARANTINE_GROUP,
        Description: 'AISAWS quarantine: no inbound, no outbound. Do not add rules.',
        VpcId: vpcId,
        TagSpecifications: [
          { ResourceType: 'security-group', Tags: [{ Key: 'aisaws:purpose', Value: 'quarantine' }] },
        ],
      }),
    );
    changes.push(`CreateSecurityGroup ${QUARANTINE_GROUP} in ${vpcId}: ${created.GroupId}`);
    group = {
      GroupId: created.GroupId,
      IpPermissions: [],
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    };
  }
  const groupId = group.GroupId ?? '';
  // A new group allows all egress by default; an existing one may have gained rules since. Keep it empty.
  if ((group.IpPermissionsEgress ?? []).length > 0) {
    await client.send(
      new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: group.IpPermissionsEgress }),
    );
    changes.push(`RevokeSecurityGroupEgress ${groupId}: every outbound rule`);
  }
  return groupId;
}

/** Volumes that already have a forensic snapshot from this instance (a retried apply does not snapshot twice). */
async function forensicSnapshots(target: InstanceTarget, ctx: PlaybookContext): Promise<Map<string, string>> {
  const output = await ec2(target.region, ctx).send(
    new DescribeSnapshotsCommand({
      OwnerIds: ['self'],
      Filters: [{ Name: `tag:${FORENSICS_TAG}`, Values: [target.instanceId] }],
    }),
  );
  const byVolume = new Map<string, string>();
  for (const snapshot of output.Snapshots ?? [])
    if (snapshot.VolumeId && snapshot.SnapshotId) byVolume.set(snapshot.VolumeId, snapshot.SnapshotId);
  return byVolume;
}

const StateSchema = z.object({
  instanceId: z.string(),
  vpcId: z.string(),
  /** Each network interface and the security groups it had before the fix: what rollback puts back. */
  interfaces: z.array(z.object({ networkInterfaceId: z.string(), groupIds: z.array(z.string()) })),
  volumeIds: z.array(z.string()),
});

const isolateInstance = definePlaybookImplementation({
  id: 'ec2.isolate-instance',
  permissions: [
    'ec2:CreateSecurityGroup',
    'ec2:CreateSnapshot',
    'ec2:CreateTags',
    'ec2:DescribeInstances',
    'ec2:DescribeSecurityGroups',
    'ec2:DescribeSnapshots',
    'ec2:ModifyNetworkInterfaceAttribute',
    'ec2:RevokeSecurityGroupEgress',
  ],
  rollbackPermissions: ['ec2:DescribeInstances', 'ec2:ModifyNetworkInterfaceAttribute'],
  target: InstanceTargetSchema,
  state: StateSchema,
  async snapshot(target, ctx) {
    const instance = await describeInstance(target, ctx);
    return {
      instanceId: target.instanceId,
      vpcId: instance.VpcId ?? '',
      interfaces: interfacesOf(instance),
      volumeIds: volumesOf(instance),
    };
  },
  async apply(target, state, ctx) {
    const changes: string[] = [];
    const client = ec2(target.region, ctx);
    const instance = await describeInstance(target, ctx);
    const vpcId = instance.VpcId ?? state.vpcId;
    const quarantineId = await ensureQuarantineGroup(target, vpcId, ctx, changes);
    for (const eni of interfacesOf(instance)) {
      if (eni.groupIds.length === 1 && eni.groupIds[0] === quarantineId) continue;
      await client.send(
        new ModifyNetworkInterfaceAttributeCommand({
          NetworkInterfaceId: eni.networkInterfaceId,
          Groups: [quarantineId],
        }),
      );
      changes.push(
        `ModifyNetworkInterfaceAttribute ${eni.networkInterfaceId}: groups ${eni.groupIds.join(', ') || '(none)'} → ${quarantineId}`,
      );
    }
    const taken = await forensicSnapshots(target, ctx);
    for (const volumeId of volumesOf(instance)) {
      if (taken.has(volumeId)) continue;
      const snapshot = await client.send(
        new CreateSnapshotCommand({
          VolumeId: volumeId,
          Description: `AISAWS forensic snapshot of ${volumeId} from ${target.instanceId}`,
          TagSpecifications: [
            {
              ResourceType: 'snapshot',
              Tags: [
                { Key: FORENSICS_TAG, Value: target.instanceId },
                { Key: 'aisaws:purpose', Value: 'forensics' },
              ],
            },
          ],
        }),
      );
      changes.push(
        `CreateSnapshot ${volumeId}: ${snapshot.SnapshotId} tagged ${FORENSICS_TAG}=${target.instanceId}`,
      );
    }
    return { status: changes.length === 0 ? 'already-compliant' : 'applied', changes };
  },
  async verify(target, ctx) {
    const instance = await describeInstance(target, ctx);
    const vpcId = instance.VpcId ?? '';
    const quarantine = await findQuarantineGroup(target, vpcId, ctx);
    const interfaces = interfacesOf(instance);
    const isolated =
      quarantine?.GroupId !== undefined &&
      interfaces.length > 0 &&
      interfaces.every((eni) => eni.groupIds.length === 1 && eni.groupIds[0] === quarantine.GroupId);
    const taken = await forensicSnapshots(target, ctx);
    const volumes = volumesOf(instance);
    const missing = volumes.filter((volumeId) => !taken.has(volumeId));
    const empty = hasNoRules(quarantine);
    return {
      converged: isolated && empty && missing.length === 0,
      observed: {
        instanceId: target.instanceId,
        state: instance.State?.Name ?? null,
        quarantineGroupId: quarantine?.GroupId ?? null,
        quarantineGroupHasRules: !empty,
        interfaces,
        forensicSnapshots: Object.fromEntries(taken),
      },
      details: !isolated
        ? `Instance ${target.instanceId} still has network interfaces outside ${QUARANTINE_GROUP}.`
        : !empty
          ? `The quarantine group ${quarantine?.GroupId} has rules: the instance is not cut off.`
          : missing.length > 0
            ? `Instance ${target.instanceId} is isolated; volumes without a forensic snapshot: ${missing.join(', ')}.`
            : `Instance ${target.instanceId} is isolated in ${quarantine?.GroupId} (no rules) and every volume has a forensic snapshot.`,
    };
  },
  async rollback(target, state, ctx) {
    const client = ec2(target.region, ctx);
    const current = new Map(
      interfacesOf(await describeInstance(target, ctx)).map((eni) => [eni.networkInterfaceId, eni.groupIds]),
    );
    const changes: string[] = [];
    for (const eni of state.interfaces) {
      const now = current.get(eni.networkInterfaceId);
      if (now === undefined || eni.groupIds.length === 0) continue;
      if (now.length === eni.groupIds.length && now.every((id) => eni.groupIds.includes(id))) continue;
      await client.send(
        new ModifyNetworkInterfaceAttributeCommand({
          NetworkInterfaceId: eni.networkInterfaceId,
          Groups: eni.groupIds,
        }),
      );
      changes.push(
        `ModifyNetworkInterfaceAttribute ${eni.networkInterfaceId}: groups → ${eni.groupIds.join(', ')}`,
      );
    }
    return { changes };
  },
});

export { FORENSICS_TAG, isolateInstance, QUARANTINE_GROUP };
