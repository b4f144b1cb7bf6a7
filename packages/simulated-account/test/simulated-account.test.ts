import { catalog } from '@aisaws/core/detections';
import { CloudTrailEventBridgeEventSchema } from '@aisaws/core/schemas';
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import {
  GetBucketAclCommand,
  GetPublicAccessBlockCommand,
  PutBucketAclCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from '@jest/globals';
import { SimulatedAccount } from '../src/simulated-account.js';

const fixedNow = () => new Date('2026-11-25T04:00:00.000Z');

/** An account with a bucket whose ACLs are enabled and Block Public Access is off (the seed's setup). */
function accountWithOpenableBucket(bucket = 'reports-1'): SimulatedAccount {
  const account = SimulatedAccount.create({ now: fixedNow });
  account.createBucket(bucket);
  account.deletePublicAccessBlock(bucket);
  account.putBucketOwnershipControls(bucket, 'ObjectWriter');
  return account;
}

describe('simulated account: API calls write the CloudTrail record AWS writes', () => {
  it('logs PutBucketAcl with a canned ACL as x-amz-acl [public-read], inside an EventBridge CloudTrail envelope', () => {
    // Prepare
    const account = accountWithOpenableBucket();

    // Act
    const { record, event } = account.putBucketAcl('reports-1', 'public-read');

    // Assess
    expect(record).toMatchObject({
      eventVersion: '1.09',
      eventSource: 's3.amazonaws.com',
      eventName: 'PutBucketAcl',
      eventTime: '2026-11-25T04:00:00Z',
      awsRegion: 'us-east-1',
      userIdentity: { type: 'IAMUser', userName: 'dev-sam', accountId: '111122223333' },
      requestParameters: { bucketName: 'reports-1', acl: '', 'x-amz-acl': ['public-read'] },
      responseElements: null,
      eventType: 'AwsApiCall',
      recipientAccountId: '111122223333',
    });
    expect(record).not.toHaveProperty('errorCode');
    const envelope = CloudTrailEventBridgeEventSchema.parse(event);
    expect(envelope['detail-type']).toBe('AWS API Call via CloudTrail');
    expect(envelope.source).toBe('aws.s3');
    expect(envelope.detail.eventID).toBe(record.eventID);
    expect(catalog.detect(envelope.detail).map((hit) => hit.id)).toContain('s3.bucket-acl-public');
    expect(account.bucketExposure('reports-1').isPublic).toBe(true);
  });

  it('refuses a public ACL on a bucket with ACLs disabled, and still logs the call with errorCode', () => {
    // Prepare
    const account = SimulatedAccount.create({ now: fixedNow });
    account.createBucket('fresh');
    account.deletePublicAccessBlock('fresh');

    // Act
    let thrown: unknown;
    try {
      account.putBucketAcl('fresh', 'public-read');
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toMatchObject({
      name: 'AccessControlListNotSupported',
      record: {
        eventName: 'PutBucketAcl',
        errorCode: 'AccessControlListNotSupported',
        responseElements: null,
      },
    });
    expect(account.bucketExposure('fresh').isPublic).toBe(false);
  });

  it('returns the created rule id in AuthorizeSecurityGroupIngress responseElements.securityGroupRuleSet', () => {
    // Prepare
    const account = SimulatedAccount.create({ now: fixedNow });
    const { groupId } = account.createSecurityGroup('bastion', 'bastion');

    // Act
    const { record } = account.authorizeSecurityGroupIngress(groupId, {
      ipProtocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidrIpv4: '0.0.0.0/0',
    });

    // Assess
    const ruleSet = (
      record.responseElements as { securityGroupRuleSet: { items: Record<string, unknown>[] } }
    ).securityGroupRuleSet.items;
    expect(ruleSet).toHaveLength(1);
    const stored = account
      .securityGroup(groupId)
      .rules.find((rule) => rule.cidrIpv4 === '0.0.0.0/0' && !rule.isEgress);
    expect(ruleSet[0]).toMatchObject({
      groupId,
      securityGroupRuleId: stored?.ruleId,
      isEgress: false,
      fromPort: 22,
    });
    expect(record.requestParameters).toMatchObject({
      groupId,
      ipPermissions: {
        items: [{ ipProtocol: 'tcp', fromPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }],
      },
    });
  });

  it('logs StopLogging, ModifySnapshotAttribute (group all) and a root ConsoleLogin without MFA as AWS does', () => {
    // Prepare
    const account = SimulatedAccount.create({ now: fixedNow });
    const trail = account.seedTrail('org-trail', 'trail-bucket');
    const snapshot = account.seedSnapshot('backup');

    // Act
    const stop = account.stopLogging(account.trailArn(trail));
    const share = account.shareSnapshotPublicly(snapshot.snapshotId);
    const login = account.consoleLogin({ root: true, mfaUsed: false });

    // Assess
    expect(stop.record).toMatchObject({
      eventSource: 'cloudtrail.amazonaws.com',
      eventName: 'StopLogging',
      responseElements: null,
    });
    expect(account.trail('org-trail').isLogging).toBe(false);
    expect(share.record.requestParameters).toEqual({
      snapshotId: snapshot.snapshotId,
      createVolumePermission: { add: { items: [{ group: 'all' }] } },
      attributeType: 'CREATE_VOLUME_PERMISSION',
    });
    expect(login.record).toMatchObject({
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root' },
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: { MFAUsed: 'No' },
      eventType: 'AwsConsoleSignIn',
    });
    expect(CloudTrailEventBridgeEventSchema.parse(login.event)['detail-type']).toBe(
      'AWS Console Sign In via CloudTrail',
    );
  });

  it('survives a JSON round trip and names the field when the saved state is wrong', () => {
    // Prepare
    const account = accountWithOpenableBucket();
    account.putBucketAcl('reports-1', 'public-read');

    // Act
    const restored = SimulatedAccount.fromJSON(JSON.parse(JSON.stringify(account.toJSON())));

    // Assess
    expect(restored.bucketExposure('reports-1').isPublic).toBe(true);
    expect(() => SimulatedAccount.fromJSON({ ...account.toJSON(), accountId: '12' })).toThrow(/accountId/);
  });
});

describe('simulated account: SDK-shaped clients for the playbooks', () => {
  it('answers GetPublicAccessBlock with NoSuchPublicAccessBlockConfiguration when there is none, as S3 does', async () => {
    // Prepare
    const account = accountWithOpenableBucket();
    const s3 = account.clientFactory(S3Client, 'us-east-1');

    // Act
    const read = s3.send(new GetPublicAccessBlockCommand({ Bucket: 'reports-1' }));

    // Assess
    await expect(read).rejects.toMatchObject({
      name: 'NoSuchPublicAccessBlockConfiguration',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('makes the bucket private through PutBucketAcl + PutPublicAccessBlock and reads it back', async () => {
    // Prepare
    const account = accountWithOpenableBucket();
    account.putBucketAcl('reports-1', 'public-read');
    const s3 = account.clientFactory(S3Client, 'us-east-1');

    // Act
    await s3.send(new PutBucketAclCommand({ Bucket: 'reports-1', ACL: 'private' }));
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: 'reports-1',
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      }),
    );
    const acl = await s3.send(new GetBucketAclCommand({ Bucket: 'reports-1' }));
    const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'reports-1' }));

    // Assess
    expect(acl.Grants?.map((grant) => grant.Grantee?.Type)).toEqual(['CanonicalUser']);
    expect(block.PublicAccessBlockConfiguration?.RestrictPublicBuckets).toBe(true);
    expect(account.bucketExposure('reports-1').isPublic).toBe(false);
    expect(account.state.calls.map((call) => call.operation)).toEqual([
      'PutBucketAcl',
      'PutPublicAccessBlock',
      'GetBucketAcl',
      'GetPublicAccessBlock',
    ]);
  });

  it('refuses to put a public ACL back while BlockPublicAcls is on (AccessDenied), as S3 does', async () => {
    // Prepare
    const account = accountWithOpenableBucket();
    account.setPublicAccessBlock('reports-1', {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    const s3 = account.clientFactory(S3Client, 'us-east-1');

    // Act
    const put = s3.send(new PutBucketAclCommand({ Bucket: 'reports-1', ACL: 'public-read' }));

    // Assess
    await expect(put).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('refuses a bucket call whose ExpectedBucketOwner is another account (403 AccessDenied), as S3 does', async () => {
    // Prepare
    const account = accountWithOpenableBucket();
    const s3 = account.clientFactory(S3Client, 'us-east-1');

    // Act
    const other = s3.send(
      new GetBucketAclCommand({ Bucket: 'reports-1', ExpectedBucketOwner: '999988887777' }),
    );
    const own = await s3.send(
      new GetBucketAclCommand({ Bucket: 'reports-1', ExpectedBucketOwner: account.state.accountId }),
    );

    // Assess
    await expect(other).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(own.Grants?.length).toBeGreaterThan(0);
  });

  it('revokes a rule by id and re-authorizes it from IpPermissions', async () => {
    // Prepare
    const account = SimulatedAccount.create({ now: fixedNow });
    const { groupId } = account.createSecurityGroup('bastion', 'bastion');
    account.authorizeSecurityGroupIngress(groupId, {
      ipProtocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidrIpv4: '0.0.0.0/0',
    });
    const ec2 = account.clientFactory(EC2Client, 'us-east-1');
    const before = await ec2.send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }),
    );
    const open = before.SecurityGroupRules?.find(
      (rule) => rule.CidrIpv4 === '0.0.0.0/0' && rule.IsEgress === false,
    );

    // Act
    await ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: groupId,
        SecurityGroupRuleIds: [open?.SecurityGroupRuleId ?? ''],
      }),
    );
    const revokedAgain = ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: groupId,
        SecurityGroupRuleIds: [open?.SecurityGroupRuleId ?? ''],
      }),
    );
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );

    // Assess
    await expect(revokedAgain).rejects.toMatchObject({ name: 'InvalidSecurityGroupRuleId.NotFound' });
    expect(
      account.securityGroup(groupId).rules.filter((rule) => rule.cidrIpv4 === '0.0.0.0/0' && !rule.isEgress),
    ).toHaveLength(1);
  });

  it('names the operation it does not simulate', async () => {
    // Prepare
    const account = SimulatedAccount.create({ now: fixedNow });
    class ListBucketInventoryConfigurationsCommand {
      constructor(readonly input: Record<string, unknown>) {}
    }
    const s3 = account.clientFactory(S3Client, 'us-east-1') as unknown as {
      send(command: object): Promise<unknown>;
    };

    // Act
    const call = s3.send(new ListBucketInventoryConfigurationsCommand({ Bucket: 'x' }));

    // Assess
    await expect(call).rejects.toThrow(/does not implement s3 ListBucketInventoryConfigurationsCommand/);
  });
});
