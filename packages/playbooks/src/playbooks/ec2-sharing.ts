import {
  DescribeImageAttributeCommand,
  DescribeSnapshotAttributeCommand,
  EC2Client,
  type LaunchPermission,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
} from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { definePlaybookImplementation } from '../define.js';
import { resourceRefSchema } from '../shared.js';
import type { PlaybookContext } from '../types.js';
import {
  describeSharing,
  hasAnyTarget,
  intersect,
  NO_TARGET_MESSAGE,
  SharingDetailsSchema,
  SharingStateSchema,
  type SharingTargets,
  sharingTargets,
  subtract,
} from './sharing.js';

const EMPTY: SharingTargets = { groups: [], accounts: [], organizations: [], organizationalUnits: [] };

/** EBS snapshot: details.snapshotId, else the id; the added grants from details (see sharing.ts). */
const SnapshotTargetSchema = resourceRefSchema(
  ['AWS::EC2::Snapshot'],
  SharingDetailsSchema.extend({ snapshotId: z.string().optional() }),
)
  .transform((ref) => ({
    snapshotId: ref.details.snapshotId ?? ref.id,
    region: ref.region,
    targets: sharingTargets(ref.details),
  }))
  .refine((target) => /^snap-[0-9a-f]+$/.test(target.snapshotId), {
    message: 'needs the snapshot id (details.snapshotId or a snap-… ResourceRef id)',
    path: ['details', 'snapshotId'],
  })
  .refine((target) => hasAnyTarget(target.targets), {
    message: NO_TARGET_MESSAGE,
    path: ['details', 'addedGroups'],
  });
type SnapshotTarget = z.infer<typeof SnapshotTargetSchema>;

const ec2 = (region: string, ctx: PlaybookContext) => ctx.clients(EC2Client, region);

async function readCreateVolumePermissions(
  target: SnapshotTarget,
  ctx: PlaybookContext,
): Promise<SharingTargets> {
  const output = await ec2(target.region, ctx).send(
    new DescribeSnapshotAttributeCommand({
      SnapshotId: target.snapshotId,
      Attribute: 'createVolumePermission',
    }),
  );
  const permissions = output.CreateVolumePermissions ?? [];
  return {
    ...EMPTY,
    groups: permissions.flatMap((p) => (p.Group ? [p.Group] : [])),
    accounts: permissions.flatMap((p) => (p.UserId ? [p.UserId] : [])),
  };
}

async function modifyCreateVolumePermission(
  target: SnapshotTarget,
  operation: 'add' | 'remove',
  grants: SharingTargets,
  ctx: PlaybookContext,
): Promise<void> {
  await ec2(target.region, ctx).send(
    new ModifySnapshotAttributeCommand({
      SnapshotId: target.snapshotId,
      Attribute: 'createVolumePermission',
      OperationType: operation,
      ...(grants.groups.length > 0 ? { GroupNames: grants.groups } : {}),
      ...(grants.accounts.length > 0 ? { UserIds: grants.accounts } : {}),
    }),
  );
}

const makeSnapshotPrivate = definePlaybookImplementation({
  id: 'ec2.make-snapshot-private',
  permissions: ['ec2:DescribeSnapshotAttribute', 'ec2:ModifySnapshotAttribute'],
  rollbackPermissions: ['ec2:DescribeSnapshotAttribute', 'ec2:ModifySnapshotAttribute'],
  target: SnapshotTargetSchema,
  state: z.object({ snapshotId: z.string(), createVolumePermissions: SharingStateSchema }),
  async snapshot(target, ctx) {
    return {
      snapshotId: target.snapshotId,
      createVolumePermissions: await readCreateVolumePermissions(target, ctx),
    };
  },
  async apply(target, _state, ctx) {
    const remove = intersect(target.targets, await readCreateVolumePermissions(target, ctx));
    if (!hasAnyTarget(remove)) return { status: 'already-compliant', changes: [] };
    await modifyCreateVolumePermission(target, 'remove', remove, ctx);
    return {
      status: 'applied',
      changes: [
        `ModifySnapshotAttribute ${target.snapshotId}: removed create-volume permission for ${describeSharing(remove)}`,
      ],
    };
  },
  async verify(target, ctx) {
    const present = await readCreateVolumePermissions(target, ctx);
    const remaining = intersect(target.targets, present);
    const converged = !hasAnyTarget(remaining);
    return {
      converged,
      observed: { snapshotId: target.snapshotId, createVolumePermissions: present },
      details: converged
        ? `Snapshot ${target.snapshotId} is no longer shared with ${describeSharing(target.targets)}.`
        : `Snapshot ${target.snapshotId} is still shared with ${describeSharing(remaining)}.`,
    };
  },
  async rollback(target, state, ctx) {
    const add = subtract(
      intersect(target.targets, state.createVolumePermissions),
      await readCreateVolumePermissions(target, ctx),
    );
    if (!hasAnyTarget(add)) return { changes: [] };
    await modifyCreateVolumePermission(target, 'add', add, ctx);
    return {
      changes: [
        `ModifySnapshotAttribute ${target.snapshotId}: added back create-volume permission for ${describeSharing(add)}`,
      ],
    };
  },
});

/** AMI: details.imageId, else the id; the added grants from details (see sharing.ts). */
const ImageTargetSchema = resourceRefSchema(
  ['AWS::EC2::Image'],
  SharingDetailsSchema.extend({ imageId: z.string().optional() }),
)
  .transform((ref) => ({
    imageId: ref.details.imageId ?? ref.id,
    region: ref.region,
    targets: sharingTargets(ref.details),
  }))
  .refine((target) => /^ami-[0-9a-f]+$/.test(target.imageId), {
    message: 'needs the image id (details.imageId or an ami-… ResourceRef id)',
    path: ['details', 'imageId'],
  })
  .refine((target) => hasAnyTarget(target.targets), {
    message: NO_TARGET_MESSAGE,
    path: ['details', 'addedGroups'],
  });
type ImageTarget = z.infer<typeof ImageTargetSchema>;

async function readLaunchPermissions(target: ImageTarget, ctx: PlaybookContext): Promise<SharingTargets> {
  const output = await ec2(target.region, ctx).send(
    new DescribeImageAttributeCommand({ ImageId: target.imageId, Attribute: 'launchPermission' }),
  );
  const permissions = output.LaunchPermissions ?? [];
  return {
    groups: permissions.flatMap((p) => (p.Group ? [p.Group] : [])),
    accounts: permissions.flatMap((p) => (p.UserId ? [p.UserId] : [])),
    organizations: permissions.flatMap((p) => (p.OrganizationArn ? [p.OrganizationArn] : [])),
    organizationalUnits: permissions.flatMap((p) =>
      p.OrganizationalUnitArn ? [p.OrganizationalUnitArn] : [],
    ),
  };
}

const toLaunchPermissions = (grants: SharingTargets): LaunchPermission[] => [
  // 'all' is the only launch-permission group EC2 has
  ...grants.groups.filter((group): group is 'all' => group === 'all').map((Group) => ({ Group })),
  ...grants.accounts.map((UserId) => ({ UserId })),
  ...grants.organizations.map((OrganizationArn) => ({ OrganizationArn })),
  ...grants.organizationalUnits.map((OrganizationalUnitArn) => ({ OrganizationalUnitArn })),
];

const makeAmiPrivate = definePlaybookImplementation({
  id: 'ec2.make-ami-private',
  permissions: ['ec2:DescribeImageAttribute', 'ec2:ModifyImageAttribute'],
  rollbackPermissions: ['ec2:DescribeImageAttribute', 'ec2:ModifyImageAttribute'],
  target: ImageTargetSchema,
  state: z.object({ imageId: z.string(), launchPermissions: SharingStateSchema }),
  async snapshot(target, ctx) {
    return { imageId: target.imageId, launchPermissions: await readLaunchPermissions(target, ctx) };
  },
  async apply(target, _state, ctx) {
    const remove = intersect(target.targets, await readLaunchPermissions(target, ctx));
    if (!hasAnyTarget(remove)) return { status: 'already-compliant', changes: [] };
    await ec2(target.region, ctx).send(
      new ModifyImageAttributeCommand({
        ImageId: target.imageId,
        LaunchPermission: { Remove: toLaunchPermissions(remove) },
      }),
    );
    return {
      status: 'applied',
      changes: [
        `ModifyImageAttribute ${target.imageId}: removed launch permission for ${describeSharing(remove)}`,
      ],
    };
  },
  async verify(target, ctx) {
    const present = await readLaunchPermissions(target, ctx);
    const remaining = intersect(target.targets, present);
    const converged = !hasAnyTarget(remaining);
    return {
      converged,
      observed: { imageId: target.imageId, launchPermissions: present },
      details: converged
        ? `Image ${target.imageId} is no longer shared with ${describeSharing(target.targets)}.`
        : `Image ${target.imageId} is still shared with ${describeSharing(remaining)}.`,
    };
  },
  async rollback(target, state, ctx) {
    const add = subtract(
      intersect(target.targets, state.launchPermissions),
      await readLaunchPermissions(target, ctx),
    );
    if (!hasAnyTarget(add)) return { changes: [] };
    await ec2(target.region, ctx).send(
      new ModifyImageAttributeCommand({
        ImageId: target.imageId,
        LaunchPermission: { Add: toLaunchPermissions(add) },
      }),
    );
    return {
      changes: [
        `ModifyImageAttribute ${target.imageId}: added back launch permission for ${describeSharing(add)}`,
      ],
    };
  },
});

export { makeAmiPrivate, makeSnapshotPrivate };
