import { catalog, DETECTIONS } from '@aisaws/core/detections';
import { type CloudTrailRecord, CloudTrailRecordSchema, type ResourceRef } from '@aisaws/core/schemas';
import { describe, expect, it } from '@jest/globals';
import { getPlaybookImplementation, InvalidTargetError, type PlaybookContext } from '../src/index.js';

/**
 * The contract between the detection matchers (core) and the playbooks: the ResourceRef a matcher extracts from a
 * real-shaped CloudTrail record must be a valid target for the playbook the detection names. Each record below is
 * the smallest request/response that fires the detection; the playbook's verify then runs with clients whose first
 * call stops the run, so the test sees whether the target validated and which resource the playbook reads first.
 */

/** Thrown by the first SDK call: the target passed validation, and this is what the playbook read first. */
class FirstReadSignal extends Error {
  override readonly name = 'FirstReadSignal';
  constructor(readonly read: FirstRead) {
    super(`first read: ${read.client} ${read.command}`);
  }
}

interface FirstRead {
  readonly client: string;
  readonly command: string;
  readonly region: string;
  readonly input: unknown;
}

interface Sendable {
  send(command: { input?: unknown }): Promise<unknown>;
}

const stopAtFirstRead: PlaybookContext = {
  clients: (ClientClass, region) => {
    const client = new ClientClass({ region });
    (client as unknown as Sendable).send = async (command) => {
      throw new FirstReadSignal({
        client: ClientClass.name,
        command: command.constructor.name,
        region,
        input: command.input,
      });
    };
    return client;
  },
  now: () => new Date('2026-03-02T10:15:00Z'),
};

const ACCOUNT = '210987654321';

function record(
  eventSource: string,
  eventName: string,
  requestParameters: object,
  responseElements: object | null = null,
): CloudTrailRecord {
  return CloudTrailRecordSchema.parse({
    eventVersion: '1.09',
    eventID: `contract-${eventName}`,
    eventTime: '2026-03-02T10:15:00Z',
    eventSource,
    eventName,
    awsRegion: 'eu-west-3',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    recipientAccountId: ACCOUNT,
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEJANE7Q2',
      arn: `arn:aws:iam::${ACCOUNT}:user/ops-jane`,
      accountId: ACCOUNT,
      userName: 'ops-jane',
    },
    requestParameters,
    responseElements,
  });
}

const CASES: readonly (readonly [detection: string, record: CloudTrailRecord, firstRead: FirstRead])[] = [
  [
    's3.bucket-acl-public',
    record('s3.amazonaws.com', 'PutBucketAcl', { bucketName: 'reports', 'x-amz-acl': ['public-read'] }),
    {
      client: 'S3Client',
      command: 'GetPublicAccessBlockCommand',
      region: 'eu-west-3',
      input: { Bucket: 'reports', ExpectedBucketOwner: ACCOUNT },
    },
  ],
  [
    's3.bucket-policy-public',
    record('s3.amazonaws.com', 'PutBucketPolicy', {
      bucketName: 'exports',
      bucketPolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'Anyone',
            Effect: 'Allow',
            Principal: '*',
            Action: 's3:GetObject',
            Resource: 'arn:aws:s3:::exports/*',
          },
        ],
      },
    }),
    {
      client: 'S3Client',
      command: 'GetBucketPolicyStatusCommand',
      region: 'eu-west-3',
      input: { Bucket: 'exports', ExpectedBucketOwner: ACCOUNT },
    },
  ],
  [
    's3.bucket-public-access-block-removed',
    record('s3.amazonaws.com', 'DeleteBucketPublicAccessBlock', { bucketName: 'site' }),
    {
      client: 'S3Client',
      command: 'GetPublicAccessBlockCommand',
      region: 'eu-west-3',
      input: { Bucket: 'site', ExpectedBucketOwner: ACCOUNT },
    },
  ],
  [
    's3.account-public-access-block-removed',
    record('s3.amazonaws.com', 'PutAccountPublicAccessBlock', {
      'x-amz-account-id': ACCOUNT,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: false,
        RestrictPublicBuckets: false,
      },
    }),
    {
      client: 'S3ControlClient',
      command: 'GetPublicAccessBlockCommand',
      region: 'eu-west-3',
      input: { AccountId: ACCOUNT },
    },
  ],
  [
    'ec2.security-group-open-to-world',
    record(
      'ec2.amazonaws.com',
      'AuthorizeSecurityGroupIngress',
      { groupId: 'sg-0a1b2c3d4e5f60718', ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '0.0.0.0/0' },
      {
        _return: true,
        securityGroupRuleSet: {
          items: [
            {
              groupId: 'sg-0a1b2c3d4e5f60718',
              securityGroupRuleId: 'sgr-0f1e2d3c4b5a69788',
              isEgress: false,
              ipProtocol: 'tcp',
              fromPort: 22,
              toPort: 22,
              cidrIpv4: '0.0.0.0/0',
            },
          ],
        },
      },
    ),
    {
      client: 'EC2Client',
      command: 'DescribeSecurityGroupRulesCommand',
      region: 'eu-west-3',
      input: { Filters: [{ Name: 'group-id', Values: ['sg-0a1b2c3d4e5f60718'] }] },
    },
  ],
  [
    'ec2.security-group-open-to-world',
    record('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', {
      groupId: 'sg-0a1b2c3d4e5f60718',
      ipPermissions: {
        items: [
          { ipProtocol: 'tcp', fromPort: 3389, toPort: 3389, ipv6Ranges: { items: [{ cidrIpv6: '::/0' }] } },
        ],
      },
    }),
    {
      client: 'EC2Client',
      command: 'DescribeSecurityGroupRulesCommand',
      region: 'eu-west-3',
      input: { Filters: [{ Name: 'group-id', Values: ['sg-0a1b2c3d4e5f60718'] }] },
    },
  ],
  [
    'cloudtrail.logging-stopped',
    record('cloudtrail.amazonaws.com', 'StopLogging', {
      name: `arn:aws:cloudtrail:eu-central-1:${ACCOUNT}:trail/main`,
    }),
    {
      client: 'CloudTrailClient',
      command: 'GetTrailCommand',
      region: 'eu-central-1',
      input: { Name: `arn:aws:cloudtrail:eu-central-1:${ACCOUNT}:trail/main` },
    },
  ],
  [
    'cloudtrail.management-events-excluded',
    record('cloudtrail.amazonaws.com', 'PutEventSelectors', {
      trailName: 'main',
      eventSelectors: [
        {
          readWriteType: 'WriteOnly',
          includeManagementEvents: false,
          dataResources: [],
          excludeManagementEventSources: [],
        },
      ],
    }),
    { client: 'CloudTrailClient', command: 'GetTrailCommand', region: 'eu-west-3', input: { Name: 'main' } },
  ],
  [
    'config.recorder-stopped',
    record('config.amazonaws.com', 'StopConfigurationRecorder', { configurationRecorderName: 'default' }),
    {
      client: 'ConfigServiceClient',
      command: 'DescribeConfigurationRecorderStatusCommand',
      region: 'eu-west-3',
      input: { ConfigurationRecorderNames: ['default'] },
    },
  ],
  [
    'guardduty.detector-suspended',
    record('guardduty.amazonaws.com', 'UpdateDetector', {
      detectorId: '7ac4f1e2b3d5c6a7e8f9a0b1c2d3e4f5',
      enable: false,
    }),
    {
      client: 'GuardDutyClient',
      command: 'GetDetectorCommand',
      region: 'eu-west-3',
      input: { DetectorId: '7ac4f1e2b3d5c6a7e8f9a0b1c2d3e4f5' },
    },
  ],
  [
    'ec2.snapshot-shared',
    record('ec2.amazonaws.com', 'ModifySnapshotAttribute', {
      snapshotId: 'snap-0e1f2a3b4c5d6e7f8',
      createVolumePermission: { add: { items: [{ group: 'all' }] } },
      attributeType: 'CREATE_VOLUME_PERMISSION',
    }),
    {
      client: 'EC2Client',
      command: 'DescribeSnapshotAttributeCommand',
      region: 'eu-west-3',
      input: { SnapshotId: 'snap-0e1f2a3b4c5d6e7f8', Attribute: 'createVolumePermission' },
    },
  ],
  [
    'ec2.ami-shared',
    record('ec2.amazonaws.com', 'ModifyImageAttribute', {
      imageId: 'ami-0a1b2c3d4e5f6a7b8',
      launchPermission: { add: { items: [{ userId: '377788899900' }] } },
      attributeType: 'launchPermission',
    }),
    {
      client: 'EC2Client',
      command: 'DescribeImageAttributeCommand',
      region: 'eu-west-3',
      input: { ImageId: 'ami-0a1b2c3d4e5f6a7b8', Attribute: 'launchPermission' },
    },
  ],
  [
    'rds.snapshot-shared',
    record('rds.amazonaws.com', 'ModifyDBClusterSnapshotAttribute', {
      dBClusterSnapshotIdentifier: 'aurora-final',
      attributeName: 'restore',
      valuesToAdd: ['all'],
    }),
    {
      client: 'RDSClient',
      command: 'DescribeDBClusterSnapshotAttributesCommand',
      region: 'eu-west-3',
      input: { DBClusterSnapshotIdentifier: 'aurora-final' },
    },
  ],
  [
    'rds.snapshot-shared',
    record('rds.amazonaws.com', 'ModifyDBSnapshotAttribute', {
      dBSnapshotIdentifier: 'orders-nightly',
      attributeName: 'restore',
      valuesToAdd: ['377788899900'],
    }),
    {
      client: 'RDSClient',
      command: 'DescribeDBSnapshotAttributesCommand',
      region: 'eu-west-3',
      input: { DBSnapshotIdentifier: 'orders-nightly' },
    },
  ],
  [
    'kms.key-deletion-scheduled',
    record(
      'kms.amazonaws.com',
      'ScheduleKeyDeletion',
      { keyId: '5c2e8f0a-7b1d-4c3e-9a6f-2d8b0e4c7a91', pendingWindowInDays: 7 },
      {
        keyId: `arn:aws:kms:eu-west-3:${ACCOUNT}:key/5c2e8f0a-7b1d-4c3e-9a6f-2d8b0e4c7a91`,
        keyState: 'PendingDeletion',
      },
    ),
    {
      client: 'KMSClient',
      command: 'DescribeKeyCommand',
      region: 'eu-west-3',
      input: { KeyId: '5c2e8f0a-7b1d-4c3e-9a6f-2d8b0e4c7a91' },
    },
  ],
  [
    'lambda.function-url-public',
    record('lambda.amazonaws.com', 'CreateFunctionUrlConfig20211031', {
      functionName: 'image-resizer',
      authType: 'NONE',
    }),
    {
      client: 'LambdaClient',
      command: 'GetFunctionUrlConfigCommand',
      region: 'eu-west-3',
      input: { FunctionName: 'image-resizer' },
    },
  ],
  [
    'lambda.permission-public',
    record('lambda.amazonaws.com', 'AddPermission20150331v2', {
      functionName: 'image-resizer',
      statementId: 'open-invoke',
      action: 'lambda:InvokeFunction',
      principal: '*',
    }),
    {
      client: 'LambdaClient',
      command: 'GetPolicyCommand',
      region: 'eu-west-3',
      input: { FunctionName: 'image-resizer' },
    },
  ],
  [
    'iam.access-key-for-other-user',
    record(
      'iam.amazonaws.com',
      'CreateAccessKey',
      { userName: 'svc-reporting' },
      { accessKey: { accessKeyId: 'AKIAEXAMPLENEWKEY01', status: 'Active', userName: 'svc-reporting' } },
    ),
    {
      client: 'IAMClient',
      command: 'ListAccessKeysCommand',
      region: 'eu-west-3',
      input: { UserName: 'svc-reporting' },
    },
  ],
  [
    'iam.admin-policy-attached',
    record('iam.amazonaws.com', 'AttachRolePolicy', {
      roleName: 'batch-runner',
      policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    }),
    {
      client: 'IAMClient',
      command: 'ListAttachedRolePoliciesCommand',
      region: 'eu-west-3',
      input: { RoleName: 'batch-runner' },
    },
  ],
  [
    'iam.admin-policy-attached',
    record('iam.amazonaws.com', 'AttachUserPolicy', {
      userName: 'intern',
      policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    }),
    {
      client: 'IAMClient',
      command: 'ListAttachedUserPoliciesCommand',
      region: 'eu-west-3',
      input: { UserName: 'intern' },
    },
  ],
  [
    'iam.admin-policy-written',
    record('iam.amazonaws.com', 'PutUserPolicy', {
      userName: 'intern',
      policyName: 'everything',
      policyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
    }),
    {
      client: 'IAMClient',
      command: 'GetUserPolicyCommand',
      region: 'eu-west-3',
      input: { UserName: 'intern', PolicyName: 'everything' },
    },
  ],
  [
    'iam.admin-policy-written',
    record('iam.amazonaws.com', 'PutGroupPolicy', {
      groupName: 'ops',
      policyName: 'all',
      policyDocument: '{"Statement":[{"Effect":"Allow","Action":"*:*","Resource":"*"}]}',
    }),
    {
      client: 'IAMClient',
      command: 'GetGroupPolicyCommand',
      region: 'eu-west-3',
      input: { GroupName: 'ops', PolicyName: 'all' },
    },
  ],
  [
    'cloudtrail.trail-deleted',
    record('cloudtrail.amazonaws.com', 'DeleteTrail', { name: 'org-audit' }),
    {
      client: 'CloudTrailClient',
      command: 'GetTrailCommand',
      region: 'eu-west-3',
      input: { Name: 'org-audit' },
    },
  ],
  [
    'guardduty.detector-deleted',
    record('guardduty.amazonaws.com', 'DeleteDetector', { detectorId: '12abc34d567e8fa901bc2d34e56789f0' }),
    { client: 'GuardDutyClient', command: 'ListDetectorsCommand', region: 'eu-west-3', input: {} },
  ],
];

/** Detections whose matcher names a playbook for some events only (DetectionMatch.playbook). */
const PER_EVENT_CASES: readonly (readonly [
  detection: string,
  record: CloudTrailRecord,
  firstRead: FirstRead,
])[] = [
  [
    'securityhub.disabled',
    record('securityhub.amazonaws.com', 'DisableSecurityHub', {}),
    { client: 'SecurityHubClient', command: 'DescribeHubCommand', region: 'eu-west-3', input: {} },
  ],
  [
    'securityhub.disabled',
    record('access-analyzer.amazonaws.com', 'DeleteAnalyzer', { analyzerName: 'org-analyzer' }),
    {
      client: 'AccessAnalyzerClient',
      command: 'GetAnalyzerCommand',
      region: 'eu-west-3',
      input: { analyzerName: 'org-analyzer' },
    },
  ],
];

/** Runs the playbook's verify on the hit's resource: the first SDK read it attempts, or the error it threw first. */
async function firstReadOf(playbookId: string, resource: ResourceRef): Promise<FirstRead | Error> {
  try {
    await getPlaybookImplementation(playbookId).verify(resource, stopAtFirstRead);
    return new Error('verify returned without any SDK call');
  } catch (error) {
    if (error instanceof FirstReadSignal) return error.read;
    return error instanceof Error ? error : new Error(String(error));
  }
}

describe('detection → playbook contract', () => {
  it.each(
    [...CASES, ...PER_EVENT_CASES].map(
      ([detection, rec, firstRead], index) => [`${detection} #${index}`, detection, rec, firstRead] as const,
    ),
  )(
    '%s: the matcher’s ResourceRef is a valid target and the playbook reads the right resource',
    async (_label, detection, rec, firstRead) => {
      // Prepare
      const hit = catalog.detect(rec).find((candidate) => candidate.id === detection);
      expect(hit).toBeDefined();
      expect(hit?.actionable).toBe(true);
      expect(hit?.resource).not.toBeNull();
      expect(hit?.playbook).not.toBeNull();
      // Act
      const outcome = await firstReadOf(hit?.playbook ?? '', hit?.resource as ResourceRef);
      // Assess
      expect(outcome).toEqual(firstRead);
    },
  );

  it('identity.root-access-key-created: a valid target; without a root session the playbook refuses with the manual step', async () => {
    // Prepare
    const rec = CloudTrailRecordSchema.parse({
      ...record(
        'iam.amazonaws.com',
        'CreateAccessKey',
        {},
        { accessKey: { accessKeyId: 'AKIAEXAMPLEROOTKEY01', status: 'Active' } },
      ),
      userIdentity: {
        type: 'Root',
        principalId: ACCOUNT,
        arn: `arn:aws:iam::${ACCOUNT}:root`,
        accountId: ACCOUNT,
      },
    });
    const hit = catalog.detect(rec).find((candidate) => candidate.id === 'identity.root-access-key-created');
    // Act
    const outcome = await firstReadOf(hit?.playbook ?? '', hit?.resource as ResourceRef);
    // Assess
    expect(hit).toMatchObject({ playbook: 'iam.delete-root-access-key', actionable: true });
    expect(outcome).toMatchObject({ name: 'RootSessionUnavailableError' });
    expect((outcome as Error).message).toContain(
      'delete root access key AKIAEXAMPLEROOTKEY01 in the console',
    );
  });

  it('covers every detection that names a playbook', () => {
    const covered = new Set([...CASES.map(([detection]) => detection), 'identity.root-access-key-created']);
    const missing = DETECTIONS.filter((d) => d.playbook !== null && !covered.has(d.id)).map((d) => d.id);
    expect(missing).toEqual([]);
    const perEvent = new Set(PER_EVENT_CASES.map(([detection]) => detection));
    expect(DETECTIONS.filter((d) => (d.otherPlaybooks ?? []).length > 0 && !perEvent.has(d.id))).toEqual([]);
  });

  it('names no playbook for the shapes that have no fix: a managed policy, suppressed findings', () => {
    // Act
    const managed = catalog
      .detect(
        record('iam.amazonaws.com', 'CreatePolicy', {
          policyName: 'everything',
          policyDocument: '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
        }),
      )
      .find((hit) => hit.id === 'iam.admin-policy-written');
    const standards = catalog
      .detect(record('securityhub.amazonaws.com', 'BatchDisableStandards', { StandardsSubscriptionArns: [] }))
      .find((hit) => hit.id === 'securityhub.disabled');
    // Assess
    expect(managed).toMatchObject({ playbook: null, actionable: false });
    expect(standards).toMatchObject({ playbook: null, actionable: false });
  });

  it('still rejects a ResourceRef stripped of its details', async () => {
    // Prepare
    const hit = catalog.detect(
      CASES.find(([id]) => id === 'lambda.permission-public')?.[1] as CloudTrailRecord,
    )[0];
    // Act
    const outcome = await firstReadOf('lambda.remove-public-permission', {
      ...(hit?.resource as ResourceRef),
      details: {},
    });
    // Assess
    expect(outcome).toBeInstanceOf(InvalidTargetError);
  });
});
