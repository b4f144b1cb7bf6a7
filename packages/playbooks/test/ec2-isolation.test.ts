import {
  CreateSecurityGroupCommand,
  CreateSnapshotCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  type IpPermission,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
} from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { getPlaybookImplementation, InvalidTargetError } from '../src/index.js';
import { createPlaybookHarness, declared, ref, writesAmong } from './helpers/harness.js';

/**
 * A small EC2 with state (aws-sdk-client-mock; no EC2 emulator exists here): one instance with two network
 * interfaces and two volumes, security groups, snapshots. Every answer is derived from that state, so a playbook that
 * claims a change it did not make fails its own verify.
 */
interface Group {
  GroupId: string;
  GroupName: string;
  VpcId: string;
  IpPermissions: IpPermission[];
  IpPermissionsEgress: IpPermission[];
}
interface World {
  interfaces: { NetworkInterfaceId: string; groups: string[] }[];
  volumes: string[];
  groups: Group[];
  snapshots: { SnapshotId: string; VolumeId: string; Tags: { Key: string; Value: string }[] }[];
}

const ec2 = mockClient(EC2Client);
const INSTANCE = 'i-0abcd1234ef567890';
const VPC = 'vpc-0a1b2c3d';
let world: World;
let ids = 0;

function fakeEc2(): void {
  ec2.reset();
  ec2.on(DescribeInstancesCommand).callsFake(async (input: { InstanceIds?: string[] }) => ({
    Reservations: input.InstanceIds?.includes(INSTANCE)
      ? [
          {
            Instances: [
              {
                InstanceId: INSTANCE,
                VpcId: VPC,
                State: { Name: 'running' },
                NetworkInterfaces: world.interfaces.map((eni) => ({
                  NetworkInterfaceId: eni.NetworkInterfaceId,
                  Groups: eni.groups.map((GroupId) => ({ GroupId })),
                })),
                BlockDeviceMappings: world.volumes.map((VolumeId, i) => ({
                  DeviceName: `/dev/xvd${String.fromCharCode(97 + i)}`,
                  Ebs: { VolumeId },
                })),
              },
            ],
          },
        ]
      : [],
  }));
  ec2
    .on(DescribeSecurityGroupsCommand)
    .callsFake(async (input: { Filters?: { Name: string; Values: string[] }[] }) => {
      const name = input.Filters?.find((f) => f.Name === 'group-name')?.Values[0];
      const vpc = input.Filters?.find((f) => f.Name === 'vpc-id')?.Values[0];
      return {
        SecurityGroups: structuredClone(world.groups.filter((g) => g.GroupName === name && g.VpcId === vpc)),
      };
    });
  ec2.on(CreateSecurityGroupCommand).callsFake(async (input: { GroupName: string; VpcId: string }) => {
    ids += 1;
    const GroupId = `sg-0quarantine${ids}`;
    world.groups.push({
      GroupId,
      GroupName: input.GroupName,
      VpcId: input.VpcId,
      IpPermissions: [],
      // EC2 gives a new group an allow-all outbound rule.
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    });
    return { GroupId };
  });
  ec2.on(RevokeSecurityGroupEgressCommand).callsFake(async (input: { GroupId: string }) => {
    const group = world.groups.find((g) => g.GroupId === input.GroupId);
    if (group) group.IpPermissionsEgress = [];
    return { Return: true };
  });
  ec2
    .on(ModifyNetworkInterfaceAttributeCommand)
    .callsFake(async (input: { NetworkInterfaceId: string; Groups: string[] }) => {
      const eni = world.interfaces.find((e) => e.NetworkInterfaceId === input.NetworkInterfaceId);
      if (eni) eni.groups = [...input.Groups];
      return {};
    });
  ec2
    .on(CreateSnapshotCommand)
    .callsFake(
      async (input: {
        VolumeId: string;
        TagSpecifications?: { Tags?: { Key: string; Value: string }[] }[];
      }) => {
        ids += 1;
        const SnapshotId = `snap-0forensic${ids}`;
        world.snapshots.push({
          SnapshotId,
          VolumeId: input.VolumeId,
          Tags: input.TagSpecifications?.[0]?.Tags ?? [],
        });
        return { SnapshotId, VolumeId: input.VolumeId };
      },
    );
  ec2
    .on(DescribeSnapshotsCommand)
    .callsFake(async (input: { Filters?: { Name: string; Values: string[] }[] }) => {
      const tag = input.Filters?.find((f) => f.Name.startsWith('tag:'));
      const key = tag?.Name.slice(4);
      return {
        Snapshots: world.snapshots.filter((s) =>
          s.Tags.some((t) => t.Key === key && tag?.Values.includes(t.Value)),
        ),
      };
    });
}

describe('Playbook: ec2.isolate-instance', () => {
  const playbook = getPlaybookImplementation('ec2.isolate-instance');
  const harness = createPlaybookHarness();
  const instance = ref('AWS::EC2::Instance', INSTANCE, { instanceId: INSTANCE });
  beforeEach(() => {
    world = {
      interfaces: [
        { NetworkInterfaceId: 'eni-0primary', groups: ['sg-0web', 'sg-0ssh'] },
        { NetworkInterfaceId: 'eni-0secondary', groups: ['sg-0internal'] },
      ],
      volumes: ['vol-0root', 'vol-0data'],
      groups: [],
      snapshots: [],
    };
    fakeEc2();
    harness.reset();
  });

  it('snapshot → apply → verify → rollback: isolated with no rules, disks kept for forensics, groups put back', async () => {
    // Act: snapshot + apply
    const snapshot = await playbook.snapshot(instance, harness.context());
    const applied = await playbook.apply(instance, snapshot, harness.context());
    // Assess: the snapshot holds every interface's old groups and the volumes
    expect(snapshot).toEqual({
      instanceId: INSTANCE,
      vpcId: VPC,
      interfaces: [
        { networkInterfaceId: 'eni-0primary', groupIds: ['sg-0web', 'sg-0ssh'] },
        { networkInterfaceId: 'eni-0secondary', groupIds: ['sg-0internal'] },
      ],
      volumeIds: ['vol-0root', 'vol-0data'],
    });
    expect(applied.status).toBe('applied');
    const quarantine = world.groups.find((g) => g.GroupName === 'aisaws-quarantine');
    expect(quarantine).toMatchObject({ VpcId: VPC, IpPermissions: [], IpPermissionsEgress: [] });
    expect(world.interfaces.map((e) => e.groups)).toEqual([[quarantine?.GroupId], [quarantine?.GroupId]]);
    expect(world.snapshots.map((s) => s.VolumeId)).toEqual(['vol-0root', 'vol-0data']);
    expect(world.snapshots[0]?.Tags).toContainEqual({ Key: 'aisaws:forensics-of', Value: INSTANCE });
    // Never stops or terminates: only these writes were sent
    expect([...new Set(writesAmong(harness.sent()))].sort()).toEqual([
      'CreateSecurityGroupCommand',
      'CreateSnapshotCommand',
      'ModifyNetworkInterfaceAttributeCommand',
      'RevokeSecurityGroupEgressCommand',
    ]);
    // Act + Assess: verify re-reads EC2
    const verified = await playbook.verify(instance, harness.context());
    expect(verified).toMatchObject({
      converged: true,
      observed: { state: 'running', quarantineGroupId: quarantine?.GroupId, quarantineGroupHasRules: false },
    });
    // Act + Assess: rollback puts the groups back, keeps the snapshots
    const rolledBack = await playbook.rollback(instance, snapshot, harness.context());
    expect(rolledBack.changes).toHaveLength(2);
    expect(world.interfaces.map((e) => e.groups)).toEqual([['sg-0web', 'sg-0ssh'], ['sg-0internal']]);
    expect(world.snapshots).toHaveLength(2);
    expect((await playbook.verify(instance, harness.context())).converged).toBe(false);
  });

  it('a retried apply changes nothing: the same group, no second snapshot', async () => {
    const snapshot = await playbook.snapshot(instance, harness.context());
    await playbook.apply(instance, snapshot, harness.context());
    harness.reset();
    const again = await playbook.apply(instance, snapshot, harness.context());
    expect(again).toEqual({ status: 'already-compliant', changes: [] });
    expect(writesAmong(harness.sent())).toEqual([]);
    expect(world.snapshots).toHaveLength(2);
    expect(world.groups).toHaveLength(1);
  });

  it("reuses the VPC's quarantine group and empties it if someone added a rule", async () => {
    world.groups.push({
      GroupId: 'sg-0existingq',
      GroupName: 'aisaws-quarantine',
      VpcId: VPC,
      IpPermissions: [],
      IpPermissionsEgress: [
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      ],
    });
    const snapshot = await playbook.snapshot(instance, harness.context());
    expect((await playbook.verify(instance, harness.context())).converged).toBe(false);
    const applied = await playbook.apply(instance, snapshot, harness.context());
    expect(applied.changes).toContain('RevokeSecurityGroupEgress sg-0existingq: every outbound rule');
    expect(ec2).not.toHaveReceivedCommand(CreateSecurityGroupCommand);
    expect((await playbook.verify(instance, harness.context())).converged).toBe(true);
  });

  it('verify is not fooled by an isolated instance whose volume has no forensic snapshot', async () => {
    const snapshot = await playbook.snapshot(instance, harness.context());
    await playbook.apply(instance, snapshot, harness.context());
    world.snapshots = world.snapshots.filter((s) => s.VolumeId !== 'vol-0data');
    const outcome = await playbook.verify(instance, harness.context());
    expect(outcome.converged).toBe(false);
    expect(outcome.details).toMatch(/volumes without a forensic snapshot: vol-0data/);
  });

  it('refuses a target without an instance id', async () => {
    await expect(
      playbook.snapshot(ref('AWS::EC2::Instance', 'web-1', {}), harness.context()),
    ).rejects.toThrow(InvalidTargetError);
  });

  it('sends exactly the IAM actions it declares, with ec2:CreateTags authorising the tags set on create', () => {
    // CreateSecurityGroup and CreateSnapshot with TagSpecifications are also authorised with ec2:CreateTags.
    expect([...harness.actionsExercised(), 'ec2:CreateTags'].sort()).toEqual(declared(playbook));
  });
});
