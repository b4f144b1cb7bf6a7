import {
  DescribeImageAttributeCommand,
  DescribeSnapshotAttributeCommand,
  EC2Client,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
} from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { getPlaybookImplementation, InvalidTargetError } from '../src/index.js';
import { createPlaybookHarness, declared, ref, writesAmong } from './helpers/harness.js';

const ec2 = mockClient(EC2Client);
const FOREIGN = '999988887777';
const PARTNER = '444455556666';

describe('Playbook: ec2.make-snapshot-private', () => {
  const playbook = getPlaybookImplementation('ec2.make-snapshot-private');
  const harness = createPlaybookHarness();
  const SNAP = 'snap-0123456789abcdef0';
  const target = ref('AWS::EC2::Snapshot', SNAP, { addedGroups: ['all'], addedAccounts: [FOREIGN] });
  beforeEach(() => {
    ec2.reset();
    harness.reset();
  });

  it('snapshots the create-volume permissions and removes exactly the added ones', async () => {
    // Prepare
    ec2.on(DescribeSnapshotAttributeCommand).resolves({
      SnapshotId: SNAP,
      CreateVolumePermissions: [{ Group: 'all' }, { UserId: FOREIGN }, { UserId: PARTNER }],
    });
    // Act
    const snapshot = await playbook.snapshot(target, harness.context());
    const applied = await playbook.apply(target, snapshot, harness.context());
    // Assess
    expect(ec2).toHaveReceivedCommandWith(DescribeSnapshotAttributeCommand, {
      SnapshotId: SNAP,
      Attribute: 'createVolumePermission',
    });
    expect(snapshot).toEqual({
      snapshotId: SNAP,
      createVolumePermissions: {
        groups: ['all'],
        accounts: [FOREIGN, PARTNER],
        organizations: [],
        organizationalUnits: [],
      },
    });
    expect(applied.status).toBe('applied');
    expect(ec2.commandCalls(ModifySnapshotAttributeCommand)[0]?.args[0].input).toEqual({
      SnapshotId: SNAP,
      Attribute: 'createVolumePermission',
      OperationType: 'remove',
      GroupNames: ['all'],
      UserIds: [FOREIGN],
    });
  });

  it('removes only what is still there (public already gone → only the account)', async () => {
    // Prepare
    ec2.on(DescribeSnapshotAttributeCommand).resolves({ CreateVolumePermissions: [{ UserId: FOREIGN }] });
    // Act
    await playbook.apply(
      target,
      {
        snapshotId: SNAP,
        createVolumePermissions: { groups: [], accounts: [], organizations: [], organizationalUnits: [] },
      },
      harness.context(),
    );
    // Assess
    expect(ec2.commandCalls(ModifySnapshotAttributeCommand)[0]?.args[0].input).toEqual({
      SnapshotId: SNAP,
      Attribute: 'createVolumePermission',
      OperationType: 'remove',
      UserIds: [FOREIGN],
    });
  });

  it('is idempotent: nothing added is left → no write', async () => {
    // Prepare
    ec2.on(DescribeSnapshotAttributeCommand).resolves({ CreateVolumePermissions: [{ UserId: PARTNER }] });
    // Act
    const applied = await playbook.apply(
      target,
      {
        snapshotId: SNAP,
        createVolumePermissions: { groups: [], accounts: [], organizations: [], organizationalUnits: [] },
      },
      harness.context(),
    );
    // Assess
    expect(applied).toEqual({ status: 'already-compliant', changes: [] });
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('verifies from DescribeSnapshotAttribute', async () => {
    // Prepare
    ec2
      .on(DescribeSnapshotAttributeCommand)
      .resolvesOnce({ CreateVolumePermissions: [{ UserId: PARTNER }] })
      .resolves({ CreateVolumePermissions: [{ Group: 'all' }] });
    // Act
    const privateNow = await playbook.verify(target, harness.context());
    const stillPublic = await playbook.verify(target, harness.context());
    // Assess
    expect(privateNow.converged).toBe(true);
    expect(stillPublic.converged).toBe(false);
    expect(stillPublic.details).toContain('group all');
  });

  it('rolls back by adding back the removed permissions that are missing', async () => {
    // Prepare
    ec2.on(DescribeSnapshotAttributeCommand).resolves({ CreateVolumePermissions: [{ UserId: PARTNER }] });
    const snapshot = {
      snapshotId: SNAP,
      createVolumePermissions: {
        groups: ['all'],
        accounts: [FOREIGN, PARTNER],
        organizations: [],
        organizationalUnits: [],
      },
    };
    // Act
    await playbook.rollback(target, snapshot, harness.context());
    // Assess
    expect(ec2.commandCalls(ModifySnapshotAttributeCommand)[0]?.args[0].input).toEqual({
      SnapshotId: SNAP,
      Attribute: 'createVolumePermission',
      OperationType: 'add',
      GroupNames: ['all'],
      UserIds: [FOREIGN],
    });
  });

  it('reads the matcher keys: details.public true means group all', async () => {
    // Prepare
    ec2.on(DescribeSnapshotAttributeCommand).resolves({ CreateVolumePermissions: [{ Group: 'all' }] });
    const fromMatcher = ref('AWS::EC2::Snapshot', SNAP, {
      snapshotId: SNAP,
      public: true,
      addedAccounts: [],
    });
    // Act
    await playbook.apply(
      fromMatcher,
      {
        snapshotId: SNAP,
        createVolumePermissions: { groups: [], accounts: [], organizations: [], organizationalUnits: [] },
      },
      harness.context(),
    );
    // Assess
    expect(ec2.commandCalls(ModifySnapshotAttributeCommand)[0]?.args[0].input).toEqual({
      SnapshotId: SNAP,
      Attribute: 'createVolumePermission',
      OperationType: 'remove',
      GroupNames: ['all'],
    });
  });

  it.each([
    ['no added grants', ref('AWS::EC2::Snapshot', SNAP, {}), 'details.addedGroups'],
    [
      'no snapshot id',
      ref('AWS::EC2::Snapshot', 'my-snapshot', { addedGroups: ['all'] }),
      'details.snapshotId',
    ],
  ])('rejects a target with %s', async (_case, bad, field) => {
    const error = await playbook.snapshot(bad, harness.context()).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidTargetError);
    expect(error.message).toContain(field);
    expect(harness.sent()).toEqual([]);
  });

  it('sends exactly the IAM actions it declares across these tests', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});

describe('Playbook: ec2.make-ami-private', () => {
  const playbook = getPlaybookImplementation('ec2.make-ami-private');
  const harness = createPlaybookHarness();
  const AMI = 'ami-0123456789abcdef0';
  const ORG = 'arn:aws:organizations::999988887777:organization/o-abc';
  const target = ref('AWS::EC2::Image', AMI, {
    addedGroups: ['all'],
    addedAccounts: [FOREIGN],
    addedOrganizationArns: [ORG],
  });
  const none = { groups: [], accounts: [], organizations: [], organizationalUnits: [] };
  beforeEach(() => {
    ec2.reset();
    harness.reset();
  });

  it('snapshots the launch permissions and removes the added ones', async () => {
    // Prepare
    ec2.on(DescribeImageAttributeCommand).resolves({
      ImageId: AMI,
      LaunchPermissions: [
        { Group: 'all' },
        { UserId: FOREIGN },
        { OrganizationArn: ORG },
        { UserId: PARTNER },
      ],
    });
    // Act
    const snapshot = await playbook.snapshot(target, harness.context());
    const applied = await playbook.apply(target, snapshot, harness.context());
    // Assess
    expect(ec2).toHaveReceivedCommandWith(DescribeImageAttributeCommand, {
      ImageId: AMI,
      Attribute: 'launchPermission',
    });
    expect(snapshot).toEqual({
      imageId: AMI,
      launchPermissions: {
        groups: ['all'],
        accounts: [FOREIGN, PARTNER],
        organizations: [ORG],
        organizationalUnits: [],
      },
    });
    expect(applied.status).toBe('applied');
    expect(ec2.commandCalls(ModifyImageAttributeCommand)[0]?.args[0].input).toEqual({
      ImageId: AMI,
      LaunchPermission: { Remove: [{ Group: 'all' }, { UserId: FOREIGN }, { OrganizationArn: ORG }] },
    });
  });

  it('is idempotent: no added launch permission left → no write', async () => {
    // Prepare
    ec2.on(DescribeImageAttributeCommand).resolves({ LaunchPermissions: [] });
    // Act
    const applied = await playbook.apply(
      target,
      { imageId: AMI, launchPermissions: none },
      harness.context(),
    );
    // Assess
    expect(applied).toEqual({ status: 'already-compliant', changes: [] });
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('verifies from DescribeImageAttribute', async () => {
    // Prepare
    ec2
      .on(DescribeImageAttributeCommand)
      .resolvesOnce({ LaunchPermissions: [] })
      .resolves({ LaunchPermissions: [{ UserId: FOREIGN }] });
    // Act
    const good = await playbook.verify(target, harness.context());
    const bad = await playbook.verify(target, harness.context());
    // Assess
    expect(good.converged).toBe(true);
    expect(bad).toMatchObject({ converged: false, observed: { launchPermissions: { accounts: [FOREIGN] } } });
  });

  it('rolls back with LaunchPermission Add of what the snapshot had', async () => {
    // Prepare
    ec2.on(DescribeImageAttributeCommand).resolves({ LaunchPermissions: [] });
    // Act
    await playbook.rollback(
      target,
      { imageId: AMI, launchPermissions: { ...none, groups: ['all'] } },
      harness.context(),
    );
    // Assess
    expect(ec2.commandCalls(ModifyImageAttributeCommand)[0]?.args[0].input).toEqual({
      ImageId: AMI,
      LaunchPermission: { Add: [{ Group: 'all' }] },
    });
  });

  it('splits details.addedOrganizations into organization and OU launch permissions', async () => {
    // Prepare
    const OU = 'arn:aws:organizations::999988887777:ou/o-abc/ou-ab12-cdef3456';
    ec2
      .on(DescribeImageAttributeCommand)
      .resolves({ LaunchPermissions: [{ OrganizationArn: ORG }, { OrganizationalUnitArn: OU }] });
    const fromMatcher = ref('AWS::EC2::Image', AMI, {
      imageId: AMI,
      public: false,
      addedAccounts: [],
      addedOrganizations: [ORG, OU],
    });
    // Act
    await playbook.apply(fromMatcher, { imageId: AMI, launchPermissions: none }, harness.context());
    // Assess
    expect(ec2.commandCalls(ModifyImageAttributeCommand)[0]?.args[0].input).toEqual({
      ImageId: AMI,
      LaunchPermission: { Remove: [{ OrganizationArn: ORG }, { OrganizationalUnitArn: OU }] },
    });
  });

  it('rejects a target without an image id', async () => {
    const error = await playbook
      .verify(ref('AWS::EC2::Image', 'golden', { addedGroups: ['all'] }), harness.context())
      .catch((e) => e);
    expect(error).toBeInstanceOf(InvalidTargetError);
    expect(error.message).toContain('details.imageId');
  });

  it('sends exactly the IAM actions it declares across these tests', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});
