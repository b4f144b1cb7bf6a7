import {
  DescribeDBClusterSnapshotAttributesCommand,
  DescribeDBSnapshotAttributesCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  ModifyDBSnapshotAttributeCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { getPlaybookImplementation, InvalidTargetError } from '../src/index.js';
import { createPlaybookHarness, declared, ref, writesAmong } from './helpers/harness.js';

const rds = mockClient(RDSClient);
const FOREIGN = '999988887777';
const PARTNER = '444455556666';
const restore = (values: string[]) => ({
  DBSnapshotAttributesResult: {
    DBSnapshotIdentifier: 'db-snap',
    DBSnapshotAttributes: [{ AttributeName: 'restore', AttributeValues: values }],
  },
});
const clusterRestore = (values: string[]) => ({
  DBClusterSnapshotAttributesResult: {
    DBClusterSnapshotIdentifier: 'cluster-snap',
    DBClusterSnapshotAttributes: [{ AttributeName: 'restore', AttributeValues: values }],
  },
});

describe('Playbook: rds.make-snapshot-private', () => {
  const playbook = getPlaybookImplementation('rds.make-snapshot-private');
  const harness = createPlaybookHarness();
  const instanceSnapshot = ref('AWS::RDS::DBSnapshot', 'db-snap', { valuesToAdd: ['all', FOREIGN] });
  const clusterSnapshot = ref('AWS::RDS::DBClusterSnapshot', 'cluster-snap', { addedGroups: ['all'] });
  beforeEach(() => {
    rds.reset();
    harness.reset();
  });

  it('snapshots the restore values and removes the added ones (DB snapshot)', async () => {
    // Prepare
    rds.on(DescribeDBSnapshotAttributesCommand).resolves(restore(['all', FOREIGN, PARTNER]));
    // Act
    const snapshot = await playbook.snapshot(instanceSnapshot, harness.context());
    const applied = await playbook.apply(instanceSnapshot, snapshot, harness.context());
    // Assess
    expect(rds).toHaveReceivedCommandWith(DescribeDBSnapshotAttributesCommand, {
      DBSnapshotIdentifier: 'db-snap',
    });
    expect(snapshot).toEqual({
      identifier: 'db-snap',
      cluster: false,
      restoreValues: ['all', FOREIGN, PARTNER],
    });
    expect(applied.status).toBe('applied');
    expect(rds.commandCalls(ModifyDBSnapshotAttributeCommand)[0]?.args[0].input).toEqual({
      DBSnapshotIdentifier: 'db-snap',
      AttributeName: 'restore',
      ValuesToRemove: ['all', FOREIGN],
    });
    expect(rds).not.toHaveReceivedCommand(ModifyDBClusterSnapshotAttributeCommand);
  });

  it('uses the cluster APIs for a DB cluster snapshot', async () => {
    // Prepare
    rds.on(DescribeDBClusterSnapshotAttributesCommand).resolves(clusterRestore(['all']));
    // Act
    const snapshot = await playbook.snapshot(clusterSnapshot, harness.context());
    await playbook.apply(clusterSnapshot, snapshot, harness.context());
    // Assess
    expect(snapshot).toEqual({ identifier: 'cluster-snap', cluster: true, restoreValues: ['all'] });
    expect(rds).toHaveReceivedCommandWith(DescribeDBClusterSnapshotAttributesCommand, {
      DBClusterSnapshotIdentifier: 'cluster-snap',
    });
    expect(rds.commandCalls(ModifyDBClusterSnapshotAttributeCommand)[0]?.args[0].input).toEqual({
      DBClusterSnapshotIdentifier: 'cluster-snap',
      AttributeName: 'restore',
      ValuesToRemove: ['all'],
    });
    expect(rds).not.toHaveReceivedCommand(DescribeDBSnapshotAttributesCommand);
  });

  it('is idempotent: none of the added values left → no write', async () => {
    // Prepare
    rds.on(DescribeDBSnapshotAttributesCommand).resolves(restore([PARTNER]));
    // Act
    const applied = await playbook.apply(
      instanceSnapshot,
      { identifier: 'db-snap', cluster: false, restoreValues: [] },
      harness.context(),
    );
    // Assess
    expect(applied).toEqual({ status: 'already-compliant', changes: [] });
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('verifies from the re-read restore attribute', async () => {
    // Prepare
    rds
      .on(DescribeDBSnapshotAttributesCommand)
      .resolvesOnce(restore([PARTNER]))
      .resolves(restore(['all']));
    // Act
    const good = await playbook.verify(instanceSnapshot, harness.context());
    const bad = await playbook.verify(instanceSnapshot, harness.context());
    // Assess
    expect(good).toMatchObject({ converged: true, observed: { restoreValues: [PARTNER] } });
    expect(bad.converged).toBe(false);
    expect(bad.details).toContain('all');
  });

  it('rolls back with ValuesToAdd for the removed values that are missing (both variants)', async () => {
    // Prepare
    rds.on(DescribeDBSnapshotAttributesCommand).resolves(restore([PARTNER]));
    rds.on(DescribeDBClusterSnapshotAttributesCommand).resolves(clusterRestore([]));
    // Act
    await playbook.rollback(
      instanceSnapshot,
      { identifier: 'db-snap', cluster: false, restoreValues: ['all', FOREIGN, PARTNER] },
      harness.context(),
    );
    await playbook.rollback(
      clusterSnapshot,
      { identifier: 'cluster-snap', cluster: true, restoreValues: ['all'] },
      harness.context(),
    );
    // Assess
    expect(rds.commandCalls(ModifyDBSnapshotAttributeCommand)[0]?.args[0].input).toEqual({
      DBSnapshotIdentifier: 'db-snap',
      AttributeName: 'restore',
      ValuesToAdd: ['all', FOREIGN],
    });
    expect(rds.commandCalls(ModifyDBClusterSnapshotAttributeCommand)[0]?.args[0].input).toEqual({
      DBClusterSnapshotIdentifier: 'cluster-snap',
      AttributeName: 'restore',
      ValuesToAdd: ['all'],
    });
  });

  it('reads the matcher keys: snapshotIdentifier, cluster and public', async () => {
    // Prepare
    rds.on(DescribeDBClusterSnapshotAttributesCommand).resolves(clusterRestore(['all', FOREIGN]));
    const fromMatcher = ref('AWS::RDS::DBSnapshot', 'ignored-id', {
      snapshotIdentifier: 'cluster-snap',
      cluster: true,
      public: true,
      addedAccounts: [FOREIGN],
    });
    // Act
    await playbook.apply(
      fromMatcher,
      { identifier: 'cluster-snap', cluster: true, restoreValues: [] },
      harness.context(),
    );
    // Assess
    expect(rds.commandCalls(ModifyDBClusterSnapshotAttributeCommand)[0]?.args[0].input).toEqual({
      DBClusterSnapshotIdentifier: 'cluster-snap',
      AttributeName: 'restore',
      ValuesToRemove: ['all', FOREIGN],
    });
  });

  it('rejects a target without values to remove', async () => {
    const error = await playbook
      .snapshot(ref('AWS::RDS::DBSnapshot', 'db-snap'), harness.context())
      .catch((e) => e);
    expect(error).toBeInstanceOf(InvalidTargetError);
    expect(error.message).toContain('details.valuesToAdd');
  });

  it('sends exactly the IAM actions it declares across these tests', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});
