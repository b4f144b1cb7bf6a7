import {
  DescribeDBClusterSnapshotAttributesCommand,
  DescribeDBSnapshotAttributesCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  ModifyDBSnapshotAttributeCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import * as z from 'zod';
import { definePlaybookImplementation } from '../define.js';
import { firstDefined, resourceRefSchema } from '../shared.js';
import type { PlaybookContext } from '../types.js';
import {
  hasAnyTarget,
  intersect,
  NO_TARGET_MESSAGE,
  SharingDetailsSchema,
  type SharingTargets,
  sharingTargets,
  subtract,
} from './sharing.js';

const CLUSTER_SNAPSHOT = 'AWS::RDS::DBClusterSnapshot';

/**
 * DB snapshot or DB cluster snapshot: the cluster variant when the type is AWS::RDS::DBClusterSnapshot,
 * details.cluster is true or details.dbClusterSnapshotIdentifier is set. Identifier: details.snapshotIdentifier, else
 * the id. Values to remove: details.valuesToAdd / addedValues (RDS spelling,
 * `all` = public) or addedGroups / addedAccounts.
 */
const RdsSnapshotTargetSchema = resourceRefSchema(
  ['AWS::RDS::DBSnapshot', CLUSTER_SNAPSHOT],
  SharingDetailsSchema.extend({
    snapshotIdentifier: z.string().min(1).optional(),
    cluster: z.boolean().optional(),
    dbSnapshotIdentifier: z.string().min(1).optional(),
    dbClusterSnapshotIdentifier: z.string().min(1).optional(),
  }),
)
  .transform((ref) => {
    const cluster =
      ref.type === CLUSTER_SNAPSHOT ||
      ref.details.cluster === true ||
      ref.details.dbClusterSnapshotIdentifier !== undefined;
    const identifier =
      firstDefined(
        ref.details.snapshotIdentifier,
        cluster ? ref.details.dbClusterSnapshotIdentifier : ref.details.dbSnapshotIdentifier,
      ) ?? ref.id;
    return { cluster, identifier, region: ref.region, targets: sharingTargets(ref.details) };
  })
  .refine((target) => hasAnyTarget(target.targets), {
    message: NO_TARGET_MESSAGE,
    path: ['details', 'valuesToAdd'],
  });
type RdsSnapshotTarget = z.infer<typeof RdsSnapshotTargetSchema>;

const rds = (target: RdsSnapshotTarget, ctx: PlaybookContext) => ctx.clients(RDSClient, target.region);

/** The values of the `restore` attribute: `all` and account ids. */
async function readRestoreValues(target: RdsSnapshotTarget, ctx: PlaybookContext): Promise<string[]> {
  const attributes = target.cluster
    ? (
        await rds(target, ctx).send(
          new DescribeDBClusterSnapshotAttributesCommand({ DBClusterSnapshotIdentifier: target.identifier }),
        )
      ).DBClusterSnapshotAttributesResult?.DBClusterSnapshotAttributes
    : (
        await rds(target, ctx).send(
          new DescribeDBSnapshotAttributesCommand({ DBSnapshotIdentifier: target.identifier }),
        )
      ).DBSnapshotAttributesResult?.DBSnapshotAttributes;
  return (attributes ?? []).find((attribute) => attribute.AttributeName === 'restore')?.AttributeValues ?? [];
}

const asTargets = (values: readonly string[]): SharingTargets => ({
  groups: values.filter((v) => v === 'all'),
  accounts: values.filter((v) => v !== 'all'),
  organizations: [],
  organizationalUnits: [],
});
const asValues = (targets: SharingTargets): string[] => [...targets.groups, ...targets.accounts];

async function modifyRestore(
  target: RdsSnapshotTarget,
  change: 'ValuesToRemove' | 'ValuesToAdd',
  values: string[],
  ctx: PlaybookContext,
) {
  if (target.cluster) {
    await rds(target, ctx).send(
      new ModifyDBClusterSnapshotAttributeCommand({
        DBClusterSnapshotIdentifier: target.identifier,
        AttributeName: 'restore',
        [change]: values,
      }),
    );
  } else {
    await rds(target, ctx).send(
      new ModifyDBSnapshotAttributeCommand({
        DBSnapshotIdentifier: target.identifier,
        AttributeName: 'restore',
        [change]: values,
      }),
    );
  }
  return `${target.cluster ? 'ModifyDBClusterSnapshotAttribute' : 'ModifyDBSnapshotAttribute'} ${target.identifier}: restore ${change} ${values.join(', ')}`;
}

const makeRdsSnapshotPrivate = definePlaybookImplementation({
  id: 'rds.make-snapshot-private',
  permissions: [
    'rds:DescribeDBClusterSnapshotAttributes',
    'rds:DescribeDBSnapshotAttributes',
    'rds:ModifyDBClusterSnapshotAttribute',
    'rds:ModifyDBSnapshotAttribute',
  ],
  rollbackPermissions: [
    'rds:DescribeDBClusterSnapshotAttributes',
    'rds:DescribeDBSnapshotAttributes',
    'rds:ModifyDBClusterSnapshotAttribute',
    'rds:ModifyDBSnapshotAttribute',
  ],
  target: RdsSnapshotTargetSchema,
  state: z.object({ identifier: z.string(), cluster: z.boolean(), restoreValues: z.array(z.string()) }),
  async snapshot(target, ctx) {
    return {
      identifier: target.identifier,
      cluster: target.cluster,
      restoreValues: await readRestoreValues(target, ctx),
    };
  },
  async apply(target, _state, ctx) {
    const remove = asValues(intersect(target.targets, asTargets(await readRestoreValues(target, ctx))));
    if (remove.length === 0) return { status: 'already-compliant', changes: [] };
    return { status: 'applied', changes: [await modifyRestore(target, 'ValuesToRemove', remove, ctx)] };
  },
  async verify(target, ctx) {
    const restoreValues = await readRestoreValues(target, ctx);
    const remaining = asValues(intersect(target.targets, asTargets(restoreValues)));
    return {
      converged: remaining.length === 0,
      observed: { identifier: target.identifier, cluster: target.cluster, restoreValues },
      details:
        remaining.length === 0
          ? `Snapshot ${target.identifier} is no longer restorable by ${asValues(target.targets).join(', ')}.`
          : `Snapshot ${target.identifier} is still restorable by ${remaining.join(', ')}.`,
    };
  },
  async rollback(target, state, ctx) {
    const prior = intersect(target.targets, asTargets(state.restoreValues));
    const add = asValues(subtract(prior, asTargets(await readRestoreValues(target, ctx))));
    if (add.length === 0) return { changes: [] };
    return { changes: [await modifyRestore(target, 'ValuesToAdd', add, ctx)] };
  },
});

export { makeRdsSnapshotPrivate };
