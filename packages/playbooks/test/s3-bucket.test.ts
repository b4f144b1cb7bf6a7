import {
  DeletePublicAccessBlockCommand,
  GetBucketAclCommand,
  GetBucketOwnershipControlsCommand,
  GetPublicAccessBlockCommand,
  PutBucketAclCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { getPlaybookImplementation, InvalidSnapshotError, InvalidTargetError } from '../src/index.js';
import { createPlaybookHarness, declared, ref, writesAmong } from './helpers/harness.js';

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const OWNER = { ID: 'owner-canonical-id', DisplayName: 'owner' };
const OWNER_GRANT = {
  Grantee: { Type: 'CanonicalUser' as const, ID: OWNER.ID, DisplayName: 'owner' },
  Permission: 'FULL_CONTROL' as const,
};
const PUBLIC_READ_GRANT = {
  Grantee: { Type: 'Group' as const, URI: ALL_USERS },
  Permission: 'READ' as const,
};
const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';
const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const LOG_WRITE_GRANT = {
  Grantee: { Type: 'Group' as const, URI: LOG_DELIVERY },
  Permission: 'WRITE' as const,
};
const LOG_READ_ACP_GRANT = {
  Grantee: { Type: 'Group' as const, URI: LOG_DELIVERY },
  Permission: 'READ_ACP' as const,
};
const CROSS_ACCOUNT_GRANT = {
  Grantee: { Type: 'CanonicalUser' as const, ID: 'partner-canonical-id' },
  Permission: 'READ' as const,
};
const AUTHENTICATED_WRITE_GRANT = {
  Grantee: { Type: 'Group' as const, URI: AUTHENTICATED_USERS },
  Permission: 'WRITE' as const,
};
/** The account of the resource (ref()'s account): every bucket call must name it as ExpectedBucketOwner. */
const OWNER_ACCOUNT = '111122223333';
const ALL_TRUE = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};
const PARTIAL = {
  BlockPublicAcls: false,
  IgnorePublicAcls: true,
  BlockPublicPolicy: false,
  RestrictPublicBuckets: true,
};

const awsError = (name: string) => Object.assign(new Error(name), { name });
const bucket = ref('AWS::S3::Bucket', 'logs-2024', { grants: ['READ to AllUsers'] });

const s3 = mockClient(S3Client);

describe('Playbook: s3.make-bucket-private', () => {
  const playbook = getPlaybookImplementation('s3.make-bucket-private');
  const harness = createPlaybookHarness();
  beforeEach(() => {
    s3.reset();
    harness.reset();
  });

  it('snapshots the ACL, the Block Public Access configuration (none) and the object ownership', async () => {
    // Prepare
    s3.on(GetBucketAclCommand).resolves({ Owner: OWNER, Grants: [OWNER_GRANT, PUBLIC_READ_GRANT] });
    s3.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration'));
    s3.on(GetBucketOwnershipControlsCommand).rejects(awsError('OwnershipControlsNotFoundError'));
    // Act
    const snapshot = await playbook.snapshot(bucket, harness.context());
    // Assess
    expect(snapshot).toEqual({
      bucket: 'logs-2024',
      acl: { Owner: OWNER, Grants: [OWNER_GRANT, PUBLIC_READ_GRANT] },
      publicAccessBlock: null,
      objectOwnership: null,
    });
    expect(s3.commandCalls(GetBucketAclCommand)[0]?.args[0].input).toEqual({
      Bucket: 'logs-2024',
      ExpectedBucketOwner: OWNER_ACCOUNT,
    });
    expect(s3.commandCalls(GetPublicAccessBlockCommand)[0]?.args[0].input).toEqual({
      Bucket: 'logs-2024',
      ExpectedBucketOwner: OWNER_ACCOUNT,
    });
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });

  it('removes only the public grants, keeping the owner, LogDelivery and cross-account grants, and blocks public access', async () => {
    // Prepare: a logging target bucket shared with a partner and made public by two grants
    const grants = [
      OWNER_GRANT,
      LOG_WRITE_GRANT,
      PUBLIC_READ_GRANT,
      LOG_READ_ACP_GRANT,
      CROSS_ACCOUNT_GRANT,
      AUTHENTICATED_WRITE_GRANT,
    ];
    s3.on(GetBucketAclCommand).resolves({ Owner: OWNER, Grants: grants });
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: PARTIAL });
    s3.on(GetBucketOwnershipControlsCommand).resolves({
      OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
    });
    // Act
    const outcome = await playbook.apply(bucket, {}, harness.context()).catch((e) => e);
    // Assess: the snapshot argument is validated
    expect(outcome).toBeInstanceOf(InvalidSnapshotError);

    // Act
    const snapshot = await playbook.snapshot(bucket, harness.context());
    harness.reset();
    const applied = await playbook.apply(bucket, snapshot, harness.context());
    // Assess
    expect(applied.status).toBe('applied');
    expect(applied.changes).toEqual([
      'PutBucketAcl logs-2024: removed READ to AllUsers, WRITE to AuthenticatedUsers; kept 4 other grant(s)',
      'PutPublicAccessBlock logs-2024: all four settings true',
    ]);
    expect(s3.commandCalls(PutBucketAclCommand).map((call) => call.args[0].input)).toEqual([
      {
        Bucket: 'logs-2024',
        ExpectedBucketOwner: OWNER_ACCOUNT,
        AccessControlPolicy: {
          Owner: OWNER,
          Grants: [OWNER_GRANT, LOG_WRITE_GRANT, LOG_READ_ACP_GRANT, CROSS_ACCOUNT_GRANT],
        },
      },
    ]);
    expect(s3.commandCalls(PutPublicAccessBlockCommand)[0]?.args[0].input).toEqual({
      Bucket: 'logs-2024',
      ExpectedBucketOwner: OWNER_ACCOUNT,
      PublicAccessBlockConfiguration: ALL_TRUE,
    });
    expect(writesAmong(harness.sent())).toEqual(['PutBucketAclCommand', 'PutPublicAccessBlockCommand']);
  });

  it('re-reads the ACL before the removal: a grant made private since the snapshot is not written again', async () => {
    // Prepare: the snapshot saw a public grant; by apply time the owner removed it and added a partner
    s3.on(GetBucketAclCommand)
      .resolvesOnce({ Owner: OWNER, Grants: [OWNER_GRANT, PUBLIC_READ_GRANT] })
      .resolves({ Owner: OWNER, Grants: [OWNER_GRANT, CROSS_ACCOUNT_GRANT] });
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: ALL_TRUE });
    s3.on(GetBucketOwnershipControlsCommand).rejects(awsError('OwnershipControlsNotFoundError'));
    const snapshot = await playbook.snapshot(bucket, harness.context());
    harness.reset();
    // Act
    const applied = await playbook.apply(bucket, snapshot, harness.context());
    // Assess
    expect(applied).toEqual({ status: 'already-compliant', changes: [] });
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('does not touch the ACL when ACLs are disabled (BucketOwnerEnforced)', async () => {
    // Prepare
    s3.on(GetBucketAclCommand).resolves({ Owner: OWNER, Grants: [OWNER_GRANT, PUBLIC_READ_GRANT] });
    s3.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration'));
    s3.on(GetBucketOwnershipControlsCommand).resolves({
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    const snapshot = await playbook.snapshot(bucket, harness.context());
    harness.reset();
    // Act
    const applied = await playbook.apply(bucket, snapshot, harness.context());
    // Assess
    expect(applied.status).toBe('applied');
    expect(s3).not.toHaveReceivedCommand(PutBucketAclCommand);
    expect(writesAmong(harness.sent())).toEqual(['PutPublicAccessBlockCommand']);
  });

  it('is idempotent: an already private bucket gets no write', async () => {
    // Prepare
    s3.on(GetBucketAclCommand).resolves({ Owner: OWNER, Grants: [OWNER_GRANT] });
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: ALL_TRUE });
    s3.on(GetBucketOwnershipControlsCommand).rejects(awsError('OwnershipControlsNotFoundError'));
    const snapshot = await playbook.snapshot(bucket, harness.context());
    harness.reset();
    // Act
    const applied = await playbook.apply(bucket, snapshot, harness.context());
    // Assess
    expect(applied).toEqual({ status: 'already-compliant', changes: [] });
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('verifies by re-reading: converged only with all four settings on and no public grant', async () => {
    // Prepare
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: ALL_TRUE });
    s3.on(GetBucketAclCommand).resolves({ Owner: OWNER, Grants: [OWNER_GRANT] });
    // Act
    const good = await playbook.verify(bucket, harness.context());
    s3.on(GetBucketAclCommand).resolves({ Owner: OWNER, Grants: [OWNER_GRANT, PUBLIC_READ_GRANT] });
    const publicAcl = await playbook.verify(bucket, harness.context());
    s3.on(GetBucketAclCommand).resolves({ Owner: OWNER, Grants: [OWNER_GRANT] });
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: PARTIAL });
    const partial = await playbook.verify(bucket, harness.context());
    // Assess
    expect(good).toEqual({
      converged: true,
      observed: { publicAccessBlock: ALL_TRUE, publicGrants: [], grants: expect.any(Array) },
      details: expect.stringContaining('is private'),
    });
    expect(publicAcl.converged).toBe(false);
    expect(publicAcl.details).toContain('READ to AllUsers');
    expect(partial.converged).toBe(false);
    expect(partial.details).toContain('Block Public Access is not fully on');
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('rolls back: puts back exactly the public grants removed, keeps the live grants, deletes the Block Public Access it had not', async () => {
    // Prepare: after the fix a partner grant was added; the snapshot had the owner, LogDelivery and a public read
    const snapshot = {
      bucket: 'logs-2024',
      acl: { Owner: OWNER, Grants: [OWNER_GRANT, LOG_WRITE_GRANT, PUBLIC_READ_GRANT] },
      publicAccessBlock: null,
      objectOwnership: 'ObjectWriter',
    };
    s3.on(GetBucketAclCommand).resolves({
      Owner: OWNER,
      Grants: [OWNER_GRANT, LOG_WRITE_GRANT, CROSS_ACCOUNT_GRANT],
    });
    // Act
    const rolledBack = await playbook.rollback(bucket, snapshot, harness.context());
    // Assess
    expect(s3.commandCalls(PutBucketAclCommand).map((call) => call.args[0].input)).toEqual([
      {
        Bucket: 'logs-2024',
        ExpectedBucketOwner: OWNER_ACCOUNT,
        AccessControlPolicy: {
          Owner: OWNER,
          Grants: [OWNER_GRANT, LOG_WRITE_GRANT, CROSS_ACCOUNT_GRANT, PUBLIC_READ_GRANT],
        },
      },
    ]);
    expect(s3.commandCalls(DeletePublicAccessBlockCommand)[0]?.args[0].input).toEqual({
      Bucket: 'logs-2024',
      ExpectedBucketOwner: OWNER_ACCOUNT,
    });
    expect(rolledBack.changes).toEqual([
      'DeletePublicAccessBlock logs-2024: the bucket had no Block Public Access configuration',
      'PutBucketAcl logs-2024: restored READ to AllUsers',
    ]);
    // S3 refuses a public ACL while BlockPublicAcls is on: the block must be restored before the ACL.
    expect(writesAmong(harness.sent())).toEqual(['DeletePublicAccessBlockCommand', 'PutBucketAclCommand']);
  });

  it('rolls back no ACL grant that is already there (nothing was removed, or it was put back by hand)', async () => {
    // Prepare
    const snapshot = {
      bucket: 'logs-2024',
      acl: { Owner: OWNER, Grants: [OWNER_GRANT, PUBLIC_READ_GRANT] },
      publicAccessBlock: ALL_TRUE,
      objectOwnership: null,
    };
    s3.on(GetBucketAclCommand).resolves({ Owner: OWNER, Grants: [PUBLIC_READ_GRANT, OWNER_GRANT] });
    // Act
    const rolledBack = await playbook.rollback(bucket, snapshot, harness.context());
    // Assess
    expect(s3).not.toHaveReceivedCommand(PutBucketAclCommand);
    expect(rolledBack.changes).toHaveLength(1);
  });

  it('rolls back a prior partial Block Public Access by putting it back', async () => {
    // Prepare
    const snapshot = {
      bucket: 'logs-2024',
      acl: { Owner: OWNER, Grants: [OWNER_GRANT] },
      publicAccessBlock: PARTIAL,
      objectOwnership: null,
    };
    s3.on(GetBucketAclCommand).resolves({ Owner: OWNER, Grants: [OWNER_GRANT] });
    // Act
    await playbook.rollback(bucket, snapshot, harness.context());
    // Assess
    expect(s3.commandCalls(PutPublicAccessBlockCommand)[0]?.args[0].input).toEqual({
      Bucket: 'logs-2024',
      ExpectedBucketOwner: OWNER_ACCOUNT,
      PublicAccessBlockConfiguration: PARTIAL,
    });
    expect(s3).not.toHaveReceivedCommand(DeletePublicAccessBlockCommand);
  });

  it('rejects a target that is not a bucket, naming the field', async () => {
    // Act
    const error = await playbook
      .verify(ref('AWS::EC2::SecurityGroup', 'sg-1'), harness.context())
      .catch((e) => e);
    // Assess
    expect(error).toBeInstanceOf(InvalidTargetError);
    expect(String(error.message)).toContain('type');
    expect(harness.sent()).toEqual([]);
  });

  it('passes the resource account as ExpectedBucketOwner on every bucket call, and refuses a target without one', async () => {
    // Prepare
    s3.on(GetBucketAclCommand).resolves({ Owner: OWNER, Grants: [OWNER_GRANT, PUBLIC_READ_GRANT] });
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: PARTIAL });
    s3.on(GetBucketOwnershipControlsCommand).rejects(awsError('OwnershipControlsNotFoundError'));
    const other = ref('AWS::S3::Bucket', 'logs-2024', {}, { account: '444455556666' });
    // Act
    const snapshot = await playbook.snapshot(other, harness.context());
    await playbook.apply(other, snapshot, harness.context());
    await playbook.verify(other, harness.context());
    await playbook.rollback(other, snapshot, harness.context());
    const refused = await playbook
      .verify(ref('AWS::S3::Bucket', 'logs-2024', {}, { account: 'unknown' }), harness.context())
      .catch((e) => e);
    // Assess
    const inputs = s3.calls().map((call) => call.args[0].input as Record<string, unknown>);
    expect(inputs.length).toBeGreaterThanOrEqual(10);
    for (const input of inputs) expect(input.ExpectedBucketOwner).toBe('444455556666');
    expect(refused).toBeInstanceOf(InvalidTargetError);
    expect(String(refused.message)).toContain('account');
  });

  it('uses details.bucketName over the ResourceRef id when given', async () => {
    // Prepare
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: ALL_TRUE });
    s3.on(GetBucketAclCommand).resolves({ Owner: OWNER, Grants: [OWNER_GRANT] });
    // Act
    await playbook.verify(
      ref('AWS::S3::Bucket', 'arn:aws:s3:::x', { bucketName: 'real-name' }),
      harness.context(),
    );
    // Assess
    expect(s3).toHaveReceivedCommandWith(GetBucketAclCommand, { Bucket: 'real-name' });
  });

  it('sends exactly the IAM actions it declares across these tests', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});

describe('Playbook: s3.restore-bucket-public-access-block', () => {
  const playbook = getPlaybookImplementation('s3.restore-bucket-public-access-block');
  const harness = createPlaybookHarness();
  beforeEach(() => {
    s3.reset();
    harness.reset();
  });

  it('snapshots the configuration and turns on all four settings', async () => {
    // Prepare
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: PARTIAL });
    // Act
    const snapshot = await playbook.snapshot(bucket, harness.context());
    const applied = await playbook.apply(bucket, snapshot, harness.context());
    // Assess
    expect(snapshot).toEqual({ bucket: 'logs-2024', publicAccessBlock: PARTIAL });
    expect(applied).toEqual({
      status: 'applied',
      changes: ['PutPublicAccessBlock logs-2024: all four settings true'],
    });
    expect(s3.commandCalls(PutPublicAccessBlockCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: 'logs-2024', ExpectedBucketOwner: OWNER_ACCOUNT, PublicAccessBlockConfiguration: ALL_TRUE },
    ]);
  });

  it('records a deleted configuration as null and applies on it', async () => {
    // Prepare
    s3.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration'));
    // Act
    const snapshot = await playbook.snapshot(bucket, harness.context());
    const applied = await playbook.apply(bucket, snapshot, harness.context());
    // Assess
    expect(snapshot).toEqual({ bucket: 'logs-2024', publicAccessBlock: null });
    expect(applied.status).toBe('applied');
  });

  it('lets other read errors through instead of taking them for "no configuration"', async () => {
    // Prepare
    s3.on(GetPublicAccessBlockCommand).rejects(awsError('AccessDenied'));
    // Act
    const error = await playbook.snapshot(bucket, harness.context()).catch((e) => e);
    // Assess
    expect(error.name).toBe('AccessDenied');
  });

  it('is idempotent: all four already on → no write', async () => {
    // Prepare
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: ALL_TRUE });
    // Act
    const applied = await playbook.apply(
      bucket,
      { bucket: 'logs-2024', publicAccessBlock: ALL_TRUE },
      harness.context(),
    );
    // Assess
    expect(applied).toEqual({ status: 'already-compliant', changes: [] });
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('verifies from the re-read configuration', async () => {
    // Prepare
    s3.on(GetPublicAccessBlockCommand)
      .resolvesOnce({ PublicAccessBlockConfiguration: ALL_TRUE })
      .rejects(awsError('NoSuchPublicAccessBlockConfiguration'));
    // Act
    const on = await playbook.verify(bucket, harness.context());
    const absent = await playbook.verify(bucket, harness.context());
    // Assess
    expect(on).toMatchObject({ converged: true, observed: { publicAccessBlock: ALL_TRUE } });
    expect(absent).toMatchObject({ converged: false, observed: { publicAccessBlock: null } });
    expect(absent.details).toContain('absent');
  });

  it('rolls back to the prior configuration, or deletes it when there was none', async () => {
    // Act
    await playbook.rollback(bucket, { bucket: 'logs-2024', publicAccessBlock: PARTIAL }, harness.context());
    await playbook.rollback(bucket, { bucket: 'logs-2024', publicAccessBlock: null }, harness.context());
    // Assess
    expect(s3.calls().map((call) => call.args[0].input)).toEqual([
      { Bucket: 'logs-2024', ExpectedBucketOwner: OWNER_ACCOUNT, PublicAccessBlockConfiguration: PARTIAL },
      { Bucket: 'logs-2024', ExpectedBucketOwner: OWNER_ACCOUNT },
    ]);
    expect(writesAmong(harness.sent())).toEqual([
      'PutPublicAccessBlockCommand',
      'DeletePublicAccessBlockCommand',
    ]);
  });

  it('rejects a snapshot without the publicAccessBlock field', async () => {
    // Act
    const error = await playbook.rollback(bucket, { bucket: 'logs-2024' }, harness.context()).catch((e) => e);
    // Assess
    expect(error).toBeInstanceOf(InvalidSnapshotError);
    expect(String(error.message)).toContain('publicAccessBlock');
    expect(harness.sent()).toEqual([]);
  });

  it('sends exactly the IAM actions it declares across these tests', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});
