import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  PutBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { getPlaybookImplementation, InvalidTargetError } from '../src/index.js';
import { createPlaybookHarness, declared, ref, writesAmong } from './helpers/harness.js';

const awsError = (name: string) => Object.assign(new Error(name), { name });
const bucket = ref('AWS::S3::Bucket', 'site-assets', {
  statementSids: ['PublicRead'],
  statementIndexes: [1],
});

const CLOUDFRONT_OAC = {
  Sid: 'AllowCloudFront',
  Effect: 'Allow',
  Principal: { Service: 'cloudfront.amazonaws.com' },
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::site-assets/*',
  Condition: { StringEquals: { 'AWS:SourceArn': 'arn:aws:cloudfront::111122223333:distribution/E1' } },
};
const PUBLIC_READ = {
  Sid: 'PublicRead',
  Effect: 'Allow',
  Principal: '*',
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::site-assets/*',
};
const PUBLIC_LIST = {
  Effect: 'Allow',
  Principal: { AWS: ['*'] },
  Action: 's3:ListBucket',
  Resource: 'arn:aws:s3:::site-assets',
};
const policyText = (...statements: object[]) =>
  JSON.stringify({ Version: '2012-10-17', Id: 'p1', Statement: statements });

const s3 = mockClient(S3Client);

describe('Playbook: s3.remove-public-policy-statements', () => {
  const playbook = getPlaybookImplementation('s3.remove-public-policy-statements');
  const harness = createPlaybookHarness();
  beforeEach(() => {
    s3.reset();
    harness.reset();
  });

  it('snapshots the policy text and removes only the public statements, keeping the rest', async () => {
    // Prepare
    const text = policyText(CLOUDFRONT_OAC, PUBLIC_READ, PUBLIC_LIST);
    s3.on(GetBucketPolicyCommand).resolves({ Policy: text });
    // Act
    const snapshot = await playbook.snapshot(bucket, harness.context());
    const applied = await playbook.apply(bucket, snapshot, harness.context());
    // Assess
    expect(snapshot).toEqual({ bucket: 'site-assets', policy: text });
    expect(applied.status).toBe('applied');
    expect(applied.changes[0]).toContain('removed 2 public statement(s) (PublicRead,');
    const input = s3.commandCalls(PutBucketPolicyCommand)[0]?.args[0].input;
    expect(input?.Bucket).toBe('site-assets');
    expect(input?.ExpectedBucketOwner).toBe('111122223333');
    expect(JSON.parse(input?.Policy ?? '')).toEqual({
      Version: '2012-10-17',
      Id: 'p1',
      Statement: [CLOUDFRONT_OAC],
    });
    expect(s3).not.toHaveReceivedCommand(DeleteBucketPolicyCommand);
  });

  it('deletes the policy when every statement was public', async () => {
    // Prepare
    s3.on(GetBucketPolicyCommand).resolves({ Policy: policyText(PUBLIC_READ) });
    // Act
    const applied = await playbook.apply(
      bucket,
      { bucket: 'site-assets', policy: policyText(PUBLIC_READ) },
      harness.context(),
    );
    // Assess
    expect(applied.status).toBe('applied');
    expect(s3.commandCalls(DeleteBucketPolicyCommand)[0]?.args[0].input).toEqual({
      Bucket: 'site-assets',
      ExpectedBucketOwner: '111122223333',
    });
    expect(s3).not.toHaveReceivedCommand(PutBucketPolicyCommand);
  });

  it('is idempotent: no public statement (or no policy) → no write', async () => {
    // Prepare
    s3.on(GetBucketPolicyCommand)
      .resolvesOnce({ Policy: policyText(CLOUDFRONT_OAC) })
      .rejects(awsError('NoSuchBucketPolicy'));
    // Act
    const first = await playbook.apply(bucket, { bucket: 'site-assets', policy: null }, harness.context());
    const second = await playbook.apply(bucket, { bucket: 'site-assets', policy: null }, harness.context());
    // Assess
    expect(first).toEqual({ status: 'already-compliant', changes: [] });
    expect(second).toEqual({ status: 'already-compliant', changes: [] });
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('verifies with GetBucketPolicyStatus and the re-read statements', async () => {
    // Prepare
    s3.on(GetBucketPolicyStatusCommand).resolves({ PolicyStatus: { IsPublic: false } });
    s3.on(GetBucketPolicyCommand).resolves({ Policy: policyText(CLOUDFRONT_OAC) });
    // Act
    const good = await playbook.verify(bucket, harness.context());
    s3.on(GetBucketPolicyStatusCommand).resolves({ PolicyStatus: { IsPublic: true } });
    s3.on(GetBucketPolicyCommand).resolves({ Policy: policyText(CLOUDFRONT_OAC, PUBLIC_READ) });
    const bad = await playbook.verify(bucket, harness.context());
    // Assess
    expect(good).toEqual({
      converged: true,
      observed: { isPublic: false, hasPolicy: true, publicStatements: [], policy: expect.any(String) },
      details: expect.stringContaining('IsPublic false'),
    });
    expect(bad.converged).toBe(false);
    expect(bad.observed).toMatchObject({ isPublic: true, hasPolicy: true, publicStatements: ['PublicRead'] });
    for (const call of s3.calls())
      expect(call.args[0].input).toMatchObject({
        Bucket: 'site-assets',
        ExpectedBucketOwner: '111122223333',
      });
  });

  it('verifies a bucket whose policy was deleted as converged', async () => {
    // Prepare
    s3.on(GetBucketPolicyStatusCommand).rejects(awsError('NoSuchBucketPolicy'));
    s3.on(GetBucketPolicyCommand).rejects(awsError('NoSuchBucketPolicy'));
    // Act
    const outcome = await playbook.verify(bucket, harness.context());
    // Assess
    expect(outcome).toMatchObject({ converged: true, observed: { isPublic: false, hasPolicy: false } });
  });

  it('rolls back by putting the snapshot policy text back verbatim, or deleting when there was none', async () => {
    // Prepare
    const text = policyText(CLOUDFRONT_OAC, PUBLIC_READ);
    // Act
    await playbook.rollback(bucket, { bucket: 'site-assets', policy: text }, harness.context());
    await playbook.rollback(bucket, { bucket: 'site-assets', policy: null }, harness.context());
    // Assess
    expect(s3.commandCalls(PutBucketPolicyCommand)[0]?.args[0].input).toEqual({
      Bucket: 'site-assets',
      ExpectedBucketOwner: '111122223333',
      Policy: text,
    });
    expect(s3.commandCalls(DeleteBucketPolicyCommand)[0]?.args[0].input).toEqual({
      Bucket: 'site-assets',
      ExpectedBucketOwner: '111122223333',
    });
  });

  it('rejects a target that is not a bucket', async () => {
    // Act
    const error = await playbook
      .snapshot(ref('AWS::::Account', '111122223333'), harness.context())
      .catch((e) => e);
    // Assess
    expect(error).toBeInstanceOf(InvalidTargetError);
    expect(harness.sent()).toEqual([]);
  });

  it('sends exactly the IAM actions it declares across these tests', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});
