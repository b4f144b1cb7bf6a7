import type { ClientFactory } from '@aisaws/playbooks';
import * as z from 'zod';
import { AclGrantSchema, CreateVolumePermissionSchema, PublicAccessBlockSchema } from './account-state.js';
import { policyIsPublic } from './bucket-policy.js';
import { SimulatedTimeoutError } from './faults.js';
import { jsonCopy } from './json-copy.js';
import type { IngressRuleInput, SimulatedAccount } from './simulated-account.js';
import { SimulatedOperationNotSupportedError, SimulatedServiceError } from './simulated-error.js';

/**
 * SDK-shaped clients over the simulated account, for the playbooks. A playbook calls
 * `ctx.clients(S3Client, region).send(new GetBucketAclCommand({...}))`; the factory returns an object with the same
 * `send` that dispatches on the command's class name and reads `command.input`, answers with the output shape of
 * the SDK v3 command, and throws SimulatedServiceError named like the AWS error code. It is a simulation: the
 * object is cast to the requested client class at this one boundary and only `send` exists on it. Before each call
 * the account's fault switches (faults.ts) may throttle it, fail it with a 5xx or time it out; with `neverConverge`
 * a change answers 200 and is undone. Faults are not retried here: a handler sees what the SDK throws once its own
 * retries are spent, and the workflow's Retry takes it from there.
 */

type OperationHandler = (
  account: SimulatedAccount,
  input: unknown,
  region: string,
) => Record<string, unknown>;

interface SimulatedService {
  /** Service name used in the call log (`s3`, `ec2` …). */
  readonly service: string;
  readonly operations: Readonly<Record<string, OperationHandler>>;
}

/** Parses a command input, naming the operation and field when it does not match. */
function parseInput<T>(schema: z.ZodType<T>, operation: string, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new SimulatedServiceError(
    'ValidationException',
    `${operation}: ${issue?.path.join('.') || '(input)'}: ${issue?.message ?? 'invalid input'}`,
  );
}

const BucketInputSchema = z.looseObject({ Bucket: z.string().min(1) });
const metadata = { $metadata: { httpStatusCode: 200 } };

// ------------------------------------------------------------------------------------------------------------- S3

const s3Operations: Record<string, OperationHandler> = {
  HeadBucketCommand(account, input) {
    const { Bucket } = parseInput(BucketInputSchema, 'HeadBucket', input);
    return { ...metadata, BucketRegion: account.bucket(Bucket).region };
  },
  GetBucketLocationCommand(account, input) {
    const { Bucket } = parseInput(BucketInputSchema, 'GetBucketLocation', input);
    const region = account.bucket(Bucket).region;
    return { ...metadata, LocationConstraint: region === 'us-east-1' ? undefined : region };
  },
  GetBucketAclCommand(account, input) {
    const { Bucket } = parseInput(BucketInputSchema, 'GetBucketAcl', input);
    const bucket = account.bucket(Bucket);
    return {
      ...metadata,
      Owner: { ID: account.state.canonicalUserId, DisplayName: 'aisaws-demo' },
      Grants: jsonCopy(bucket.grants),
    };
  },
  PutBucketAclCommand(account, input) {
    const request = parseInput(
      BucketInputSchema.extend({
        ACL: z.enum(['private', 'public-read', 'public-read-write', 'authenticated-read']).optional(),
        AccessControlPolicy: z
          .looseObject({
            Grants: z.array(z.looseObject(AclGrantSchema.shape)).optional(),
            Owner: z.unknown(),
          })
          .optional(),
      }),
      'PutBucketAcl',
      input,
    );
    if (request.ACL) account.setBucketGrants(request.Bucket, account.cannedGrants(request.ACL));
    else if (request.AccessControlPolicy)
      account.setBucketGrants(
        request.Bucket,
        (request.AccessControlPolicy.Grants ?? []).map((grant) =>
          AclGrantSchema.parse(stripUndefined(grant)),
        ),
      );
    else
      throw new SimulatedServiceError(
        'MissingSecurityHeader',
        'PutBucketAcl needs ACL or AccessControlPolicy',
      );
    return { ...metadata };
  },
  GetPublicAccessBlockCommand(account, input) {
    const { Bucket } = parseInput(BucketInputSchema, 'GetPublicAccessBlock', input);
    const configuration = account.bucket(Bucket).publicAccessBlock;
    if (!configuration)
      throw new SimulatedServiceError(
        'NoSuchPublicAccessBlockConfiguration',
        'The public access block configuration was not found',
        404,
      );
    return { ...metadata, PublicAccessBlockConfiguration: { ...configuration } };
  },
  PutPublicAccessBlockCommand(account, input) {
    const request = parseInput(
      BucketInputSchema.extend({ PublicAccessBlockConfiguration: PublicAccessBlockSchema.partial() }),
      'PutPublicAccessBlock',
      input,
    );
    const flags = request.PublicAccessBlockConfiguration;
    account.setPublicAccessBlock(request.Bucket, {
      BlockPublicAcls: flags.BlockPublicAcls === true,
      IgnorePublicAcls: flags.IgnorePublicAcls === true,
      BlockPublicPolicy: flags.BlockPublicPolicy === true,
      RestrictPublicBuckets: flags.RestrictPublicBuckets === true,
    });
    return { ...metadata };
  },
  DeletePublicAccessBlockCommand(account, input) {
    const { Bucket } = parseInput(BucketInputSchema, 'DeletePublicAccessBlock', input);
    account.setPublicAccessBlock(Bucket, null);
    return { ...metadata };
  },
  GetBucketOwnershipControlsCommand(account, input) {
    const { Bucket } = parseInput(BucketInputSchema, 'GetBucketOwnershipControls', input);
    const ownership = account.bucket(Bucket).objectOwnership;
    if (!ownership)
      throw new SimulatedServiceError(
        'OwnershipControlsNotFoundError',
        'The bucket ownership controls were not found',
        404,
      );
    return { ...metadata, OwnershipControls: { Rules: [{ ObjectOwnership: ownership }] } };
  },
  PutBucketOwnershipControlsCommand(account, input) {
    const request = parseInput(
      BucketInputSchema.extend({
        OwnershipControls: z.object({
          Rules: z
            .array(
              z.object({
                ObjectOwnership: z.enum(['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter']),
              }),
            )
            .min(1),
        }),
      }),
      'PutBucketOwnershipControls',
      input,
    );
    const [rule] = request.OwnershipControls.Rules;
    account.setObjectOwnership(request.Bucket, rule?.ObjectOwnership ?? null);
    return { ...metadata };
  },
  DeleteBucketOwnershipControlsCommand(account, input) {
    const { Bucket } = parseInput(BucketInputSchema, 'DeleteBucketOwnershipControls', input);
    account.setObjectOwnership(Bucket, null);
    return { ...metadata };
  },
  GetBucketPolicyCommand(account, input) {
    const { Bucket } = parseInput(BucketInputSchema, 'GetBucketPolicy', input);
    const policy = account.bucket(Bucket).policy;
    if (!policy)
      throw new SimulatedServiceError('NoSuchBucketPolicy', 'The bucket policy does not exist', 404);
    return { ...metadata, Policy: policy };
  },
  PutBucketPolicyCommand(account, input) {
    const request = parseInput(
      BucketInputSchema.extend({ Policy: z.string().min(1) }),
      'PutBucketPolicy',
      input,
    );
    const bucket = account.bucket(request.Bucket);
    if (bucket.publicAccessBlock?.BlockPublicPolicy && policyIsPublic(request.Policy))
      throw new SimulatedServiceError('AccessDenied', 'Access Denied', 403);
    bucket.policy = request.Policy;
    return { ...metadata };
  },
  DeleteBucketPolicyCommand(account, input) {
    const { Bucket } = parseInput(BucketInputSchema, 'DeleteBucketPolicy', input);
    account.bucket(Bucket).policy = null;
    return { ...metadata };
  },
  GetBucketPolicyStatusCommand(account, input) {
    const { Bucket } = parseInput(BucketInputSchema, 'GetBucketPolicyStatus', input);
    const bucket = account.bucket(Bucket);
    if (!bucket.policy)
      throw new SimulatedServiceError('NoSuchBucketPolicy', 'The bucket policy does not exist', 404);
    return { ...metadata, PolicyStatus: { IsPublic: account.bucketExposure(Bucket).publicByPolicy } };
  },
  GetBucketTaggingCommand(account, input) {
    const { Bucket } = parseInput(BucketInputSchema, 'GetBucketTagging', input);
    const tags = Object.entries(account.bucket(Bucket).tags);
    if (tags.length === 0) throw new SimulatedServiceError('NoSuchTagSet', 'The TagSet does not exist', 404);
    return { ...metadata, TagSet: tags.map(([Key, Value]) => ({ Key, Value })) };
  },
};

// ------------------------------------------------------------------------------------------------------------ EC2

const FilterSchema = z.object({ Name: z.string(), Values: z.array(z.string()) });

function ruleToSdk(
  account: SimulatedAccount,
  groupId: string,
  rule: import('./account-state.js').SecurityGroupRule,
) {
  return {
    SecurityGroupRuleId: rule.ruleId,
    GroupId: groupId,
    GroupOwnerId: account.accountId,
    IsEgress: rule.isEgress,
    IpProtocol: rule.ipProtocol,
    FromPort: rule.fromPort,
    ToPort: rule.toPort,
    ...(rule.cidrIpv4 ? { CidrIpv4: rule.cidrIpv4 } : {}),
    ...(rule.cidrIpv6 ? { CidrIpv6: rule.cidrIpv6 } : {}),
    ...(rule.description ? { Description: rule.description } : {}),
    SecurityGroupRuleArn: `arn:aws:ec2:${account.region}:${account.accountId}:security-group-rule/${rule.ruleId}`,
    Tags: [],
  };
}

const IpPermissionSchema = z.object({
  IpProtocol: z.string(),
  FromPort: z.number().int().optional(),
  ToPort: z.number().int().optional(),
  IpRanges: z.array(z.object({ CidrIp: z.string(), Description: z.string().optional() })).optional(),
  Ipv6Ranges: z.array(z.object({ CidrIpv6: z.string(), Description: z.string().optional() })).optional(),
});

/** Flattens SDK IpPermissions into one rule per CIDR, as EC2 stores them. */
function permissionsToRules(permissions: readonly z.infer<typeof IpPermissionSchema>[]): IngressRuleInput[] {
  return permissions.flatMap((permission) => {
    const base = {
      ipProtocol: permission.IpProtocol,
      fromPort: permission.FromPort ?? -1,
      toPort: permission.ToPort ?? -1,
    };
    return [
      ...(permission.IpRanges ?? []).map((range) => ({
        ...base,
        cidrIpv4: range.CidrIp,
        ...(range.Description ? { description: range.Description } : {}),
      })),
      ...(permission.Ipv6Ranges ?? []).map((range) => ({
        ...base,
        cidrIpv6: range.CidrIpv6,
        ...(range.Description ? { description: range.Description } : {}),
      })),
    ];
  });
}

const ec2Operations: Record<string, OperationHandler> = {
  DescribeSecurityGroupRulesCommand(account, input) {
    const request = parseInput(
      z.looseObject({
        Filters: z.array(FilterSchema).optional(),
        SecurityGroupRuleIds: z.array(z.string()).optional(),
      }),
      'DescribeSecurityGroupRules',
      input,
    );
    const groupIds = request.Filters?.find((filter) => filter.Name === 'group-id')?.Values;
    const ruleIds = request.SecurityGroupRuleIds;
    const rules = Object.values(account.state.securityGroups).flatMap((group) =>
      (groupIds === undefined || groupIds.includes(group.groupId) ? group.rules : [])
        .filter((rule) => ruleIds === undefined || ruleIds.includes(rule.ruleId))
        .map((rule) => ruleToSdk(account, group.groupId, rule)),
    );
    if (ruleIds) {
      const missing = ruleIds.find((id) => !rules.some((rule) => rule.SecurityGroupRuleId === id));
      if (missing)
        throw new SimulatedServiceError(
          'InvalidSecurityGroupRuleId.NotFound',
          `The security group rule ID '${missing}' does not exist`,
        );
    }
    return { ...metadata, SecurityGroupRules: rules };
  },
  DescribeSecurityGroupsCommand(account, input) {
    const request = parseInput(
      z.looseObject({ GroupIds: z.array(z.string()).optional() }),
      'DescribeSecurityGroups',
      input,
    );
    const groups = (request.GroupIds ?? Object.keys(account.state.securityGroups)).map((id) =>
      account.securityGroup(id),
    );
    const toPermissions = (rules: readonly import('./account-state.js').SecurityGroupRule[]) =>
      rules.map((rule) => ({
        IpProtocol: rule.ipProtocol,
        ...(rule.ipProtocol === '-1' ? {} : { FromPort: rule.fromPort, ToPort: rule.toPort }),
        IpRanges: rule.cidrIpv4
          ? [{ CidrIp: rule.cidrIpv4, ...(rule.description ? { Description: rule.description } : {}) }]
          : [],
        Ipv6Ranges: rule.cidrIpv6 ? [{ CidrIpv6: rule.cidrIpv6 }] : [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      }));
    return {
      ...metadata,
      SecurityGroups: groups.map((group) => ({
        GroupId: group.groupId,
        GroupName: group.groupName,
        Description: group.description,
        VpcId: group.vpcId,
        OwnerId: account.accountId,
        IpPermissions: toPermissions(group.rules.filter((rule) => !rule.isEgress)),
        IpPermissionsEgress: toPermissions(group.rules.filter((rule) => rule.isEgress)),
      })),
    };
  },
  RevokeSecurityGroupIngressCommand(account, input) {
    const request = parseInput(
      z.looseObject({
        GroupId: z.string().min(1),
        SecurityGroupRuleIds: z.array(z.string()).optional(),
        IpPermissions: z.array(IpPermissionSchema).optional(),
      }),
      'RevokeSecurityGroupIngress',
      input,
    );
    const group = account.securityGroup(request.GroupId);
    const byPermission = permissionsToRules(request.IpPermissions ?? []).map((wanted) => {
      const match = group.rules.find(
        (rule) =>
          !rule.isEgress &&
          rule.ipProtocol === wanted.ipProtocol &&
          rule.fromPort === wanted.fromPort &&
          rule.toPort === wanted.toPort &&
          rule.cidrIpv4 === wanted.cidrIpv4 &&
          rule.cidrIpv6 === wanted.cidrIpv6,
      );
      if (!match)
        throw new SimulatedServiceError(
          'InvalidPermission.NotFound',
          'The specified rule does not exist in this security group.',
        );
      return match.ruleId;
    });
    const removed = account.removeIngressRules(request.GroupId, [
      ...(request.SecurityGroupRuleIds ?? []),
      ...byPermission,
    ]);
    return {
      ...metadata,
      Return: true,
      RevokedSecurityGroupRules: removed.map((rule) => ({
        SecurityGroupRuleId: rule.ruleId,
        GroupId: request.GroupId,
        IsEgress: false,
        IpProtocol: rule.ipProtocol,
        FromPort: rule.fromPort,
        ToPort: rule.toPort,
        ...(rule.cidrIpv4 ? { CidrIpv4: rule.cidrIpv4 } : {}),
        ...(rule.cidrIpv6 ? { CidrIpv6: rule.cidrIpv6 } : {}),
      })),
    };
  },
  AuthorizeSecurityGroupIngressCommand(account, input) {
    const request = parseInput(
      z.looseObject({ GroupId: z.string().min(1), IpPermissions: z.array(IpPermissionSchema).min(1) }),
      'AuthorizeSecurityGroupIngress',
      input,
    );
    const added = account.addIngressRules(request.GroupId, permissionsToRules(request.IpPermissions));
    return {
      ...metadata,
      Return: true,
      SecurityGroupRules: added.map((rule) => ruleToSdk(account, request.GroupId, rule)),
    };
  },
  DescribeSnapshotsCommand(account, input) {
    const request = parseInput(
      z.looseObject({ SnapshotIds: z.array(z.string()).optional() }),
      'DescribeSnapshots',
      input,
    );
    const snapshots = (request.SnapshotIds ?? Object.keys(account.state.snapshots)).map((id) =>
      account.snapshot(id),
    );
    return {
      ...metadata,
      Snapshots: snapshots.map((snapshot) => ({
        SnapshotId: snapshot.snapshotId,
        VolumeId: snapshot.volumeId,
        VolumeSize: snapshot.volumeSize,
        Description: snapshot.description,
        OwnerId: account.accountId,
        State: 'completed',
        Encrypted: false,
      })),
    };
  },
  DescribeSnapshotAttributeCommand(account, input) {
    const request = parseInput(
      z.looseObject({ SnapshotId: z.string().min(1), Attribute: z.string() }),
      'DescribeSnapshotAttribute',
      input,
    );
    if (request.Attribute !== 'createVolumePermission')
      throw new SimulatedOperationNotSupportedError(
        'ec2',
        `DescribeSnapshotAttribute Attribute=${request.Attribute}`,
      );
    const snapshot = account.snapshot(request.SnapshotId);
    return {
      ...metadata,
      SnapshotId: snapshot.snapshotId,
      CreateVolumePermissions: jsonCopy(snapshot.createVolumePermissions),
    };
  },
  ModifySnapshotAttributeCommand(account, input) {
    const request = parseInput(
      z.looseObject({
        SnapshotId: z.string().min(1),
        Attribute: z.string().optional(),
        OperationType: z.enum(['add', 'remove']).optional(),
        GroupNames: z.array(z.literal('all')).optional(),
        UserIds: z.array(z.string()).optional(),
        CreateVolumePermission: z
          .object({
            Add: z
              .array(z.looseObject({ Group: z.string().optional(), UserId: z.string().optional() }))
              .optional(),
            Remove: z
              .array(z.looseObject({ Group: z.string().optional(), UserId: z.string().optional() }))
              .optional(),
          })
          .optional(),
      }),
      'ModifySnapshotAttribute',
      input,
    );
    const toPermission = (entry: { Group?: string | undefined; UserId?: string | undefined }) =>
      CreateVolumePermissionSchema.parse(entry.Group ? { Group: entry.Group } : { UserId: entry.UserId });
    const listed = [
      ...(request.GroupNames ?? []).map((group) => ({ Group: group }) as const),
      ...(request.UserIds ?? []).map((userId) => ({ UserId: userId })),
    ];
    const add = [
      ...(request.OperationType === 'add' ? listed : []),
      ...(request.CreateVolumePermission?.Add ?? []).map(toPermission),
    ];
    const remove = [
      ...(request.OperationType === 'remove' ? listed : []),
      ...(request.CreateVolumePermission?.Remove ?? []).map(toPermission),
    ];
    account.modifyCreateVolumePermissions(request.SnapshotId, add, remove);
    return { ...metadata };
  },
};

// ----------------------------------------------------------------------------------------------------- CloudTrail

const TrailNameSchema = z.looseObject({ Name: z.string().min(1) });

const cloudTrailOperations: Record<string, OperationHandler> = {
  GetTrailCommand(account, input) {
    const { Name } = parseInput(TrailNameSchema, 'GetTrail', input);
    const trail = account.trail(Name);
    return {
      ...metadata,
      Trail: {
        Name: trail.name,
        TrailARN: account.trailArn(trail),
        HomeRegion: trail.homeRegion,
        S3BucketName: trail.s3BucketName,
        IsMultiRegionTrail: trail.isMultiRegionTrail,
        IncludeGlobalServiceEvents: true,
        LogFileValidationEnabled: true,
        IsOrganizationTrail: false,
        HasCustomEventSelectors: false,
      },
    };
  },
  DescribeTrailsCommand(account, input) {
    const request = parseInput(
      z.looseObject({ trailNameList: z.array(z.string()).optional() }),
      'DescribeTrails',
      input,
    );
    const trails = (request.trailNameList ?? Object.keys(account.state.trails)).map((name) =>
      account.trail(name),
    );
    return {
      ...metadata,
      trailList: trails.map((trail) => ({
        Name: trail.name,
        TrailARN: account.trailArn(trail),
        HomeRegion: trail.homeRegion,
        S3BucketName: trail.s3BucketName,
        IsMultiRegionTrail: trail.isMultiRegionTrail,
      })),
    };
  },
  GetTrailStatusCommand(account, input) {
    const { Name } = parseInput(TrailNameSchema, 'GetTrailStatus', input);
    const trail = account.trail(Name);
    return {
      ...metadata,
      IsLogging: trail.isLogging,
      ...(trail.startLoggingTime ? { StartLoggingTime: new Date(trail.startLoggingTime) } : {}),
      ...(trail.stopLoggingTime ? { StopLoggingTime: new Date(trail.stopLoggingTime) } : {}),
    };
  },
  StartLoggingCommand(account, input, region) {
    const { Name } = parseInput(TrailNameSchema, 'StartLogging', input);
    account.setTrailLogging(Name, true, region);
    return { ...metadata };
  },
  StopLoggingCommand(account, input, region) {
    const { Name } = parseInput(TrailNameSchema, 'StopLogging', input);
    account.setTrailLogging(Name, false, region);
    return { ...metadata };
  },
};

// ------------------------------------------------------------------------------------------------------------ IAM

const UserPolicySchema = z.looseObject({ UserName: z.string().min(1), PolicyArn: z.string().min(1) });

const RolePolicyNameSchema = z.looseObject({ RoleName: z.string().min(1), PolicyName: z.string().min(1) });

const iamOperations: Record<string, OperationHandler> = {
  GetUserCommand(account, input) {
    const { UserName } = parseInput(z.looseObject({ UserName: z.string().min(1) }), 'GetUser', input);
    const user = account.user(UserName);
    return {
      ...metadata,
      User: {
        UserName: user.userName,
        UserId: user.userId,
        Arn: `arn:aws:iam::${account.accountId}:user/${user.userName}`,
        Path: '/',
      },
    };
  },
  ListAttachedUserPoliciesCommand(account, input) {
    const { UserName } = parseInput(
      z.looseObject({ UserName: z.string().min(1) }),
      'ListAttachedUserPolicies',
      input,
    );
    return {
      ...metadata,
      AttachedPolicies: account.user(UserName).attachedPolicyArns.map((arn) => ({
        PolicyArn: arn,
        PolicyName: arn.slice(arn.lastIndexOf('/') + 1),
      })),
      IsTruncated: false,
    };
  },
  AttachUserPolicyCommand(account, input) {
    const { UserName, PolicyArn } = parseInput(UserPolicySchema, 'AttachUserPolicy', input);
    account.attachUserPolicyArn(UserName, PolicyArn);
    return { ...metadata };
  },
  GetRolePolicyCommand(account, input) {
    const { RoleName, PolicyName } = parseInput(RolePolicyNameSchema, 'GetRolePolicy', input);
    const document = account.getRolePolicyDocument(RoleName, PolicyName);
    // IAM returns the document URL-encoded (RFC 3986), as the SDK hands it over.
    return { ...metadata, RoleName, PolicyName, PolicyDocument: encodeURIComponent(document) };
  },
  PutRolePolicyCommand(account, input) {
    const { RoleName, PolicyName, PolicyDocument } = parseInput(
      RolePolicyNameSchema.extend({ PolicyDocument: z.string().min(1) }),
      'PutRolePolicy',
      input,
    );
    account.putRolePolicyDocument(RoleName, PolicyName, PolicyDocument);
    return { ...metadata };
  },
  DeleteRolePolicyCommand(account, input) {
    const { RoleName, PolicyName } = parseInput(RolePolicyNameSchema, 'DeleteRolePolicy', input);
    account.deleteRolePolicyDocument(RoleName, PolicyName);
    return { ...metadata };
  },
  DetachUserPolicyCommand(account, input) {
    const { UserName, PolicyArn } = parseInput(UserPolicySchema, 'DetachUserPolicy', input);
    account.detachUserPolicyArn(UserName, PolicyArn);
    return { ...metadata };
  },
};

// -------------------------------------------------------------------------------- Resource Groups Tagging API

const taggingOperations: Record<string, OperationHandler> = {
  GetResourcesCommand(account, input) {
    const request = parseInput(
      z.looseObject({ ResourceARNList: z.array(z.string()).optional() }),
      'GetResources',
      input,
    );
    // As the real API: only this account's resources are found (a security group ARN names its account; a bucket
    // ARN does not, and bucket names are global).
    const tagsOf = (arn: string): Record<string, string> | undefined => {
      if (arn.startsWith('arn:aws:s3:::'))
        return account.state.buckets[arn.slice('arn:aws:s3:::'.length)]?.tags;
      const group = /^arn:aws:ec2:([a-z0-9-]+):(\d{12}):security-group\/(sg-[0-9a-f]+)$/.exec(arn);
      if (!group || group[2] !== account.state.accountId) return undefined;
      const state = account.state.securityGroups[group[3] as string];
      return state && state.region === group[1] ? state.tags : undefined;
    };
    const mappings = (request.ResourceARNList ?? []).flatMap((arn) => {
      const tags = tagsOf(arn);
      if (!tags) return [];
      return [{ ResourceARN: arn, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }];
    });
    return { ...metadata, ResourceTagMappingList: mappings };
  },
};

const SERVICES: Readonly<Record<string, SimulatedService>> = {
  ResourceGroupsTaggingAPIClient: { service: 'tagging', operations: taggingOperations },
  S3Client: { service: 's3', operations: s3Operations },
  EC2Client: { service: 'ec2', operations: ec2Operations },
  CloudTrailClient: { service: 'cloudtrail', operations: cloudTrailOperations },
  IAMClient: { service: 'iam', operations: iamOperations },
};

/** Drops keys whose value is undefined (SDK inputs carry them; the state schemas are strict). */
function stripUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripUndefined);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, entry]) => entry !== undefined)
      .map(([key, entry]) => [key, stripUndefined(entry)]),
  );
}

/** The target a call names, for the call log. */
function targetOf(input: unknown): string {
  if (typeof input !== 'object' || input === null) return '';
  const fields = input as Record<string, unknown>;
  for (const key of ['Bucket', 'GroupId', 'SnapshotId', 'Name', 'UserName', 'RoleName']) {
    if (typeof fields[key] === 'string') return fields[key];
  }
  return '';
}

/** Runs an operation and puts the account state back as it was (the `neverConverge` fault). */
function withoutKeepingChanges<T>(account: SimulatedAccount, run: () => T): T {
  const before = jsonCopy(account.state);
  try {
    return run();
  } finally {
    // The id counter moves on: an id handed out must never be handed out again.
    Object.assign(account.state, before, { sequence: account.state.sequence });
  }
}

/** The fault kind of an error the fault switches threw, if they did. */
function faultOf(error: unknown): string | undefined {
  if (error instanceof SimulatedTimeoutError || error instanceof SimulatedServiceError)
    return error.simulatedFault;
  return undefined;
}

const CommandSchema = z.object({ input: z.unknown() });

/**
 * S3's `ExpectedBucketOwner`: when a bucket call names an owner other than the account, S3 answers 403 AccessDenied
 * without touching the bucket. Every bucket in the simulation belongs to the one simulated account.
 */
function checkExpectedBucketOwner(account: SimulatedAccount, input: unknown): void {
  if (typeof input !== 'object' || input === null) return;
  const expected = (input as { ExpectedBucketOwner?: unknown }).ExpectedBucketOwner;
  if (expected === undefined || expected === account.state.accountId) return;
  throw new SimulatedServiceError(
    'AccessDenied',
    'Access Denied (ExpectedBucketOwner is not the bucket owner)',
    403,
  );
}

/** A simulated client for one service: `send(command)` answers from the account's state. */
function simulatedClient(account: SimulatedAccount, clientName: string, region: string) {
  const service = SERVICES[clientName];
  if (!service)
    throw new SimulatedOperationNotSupportedError(clientName, '(any operation: no such simulated client)');
  return {
    config: { region: async () => region },
    async send(command: object): Promise<Record<string, unknown>> {
      const operation = command.constructor.name;
      const handler = service.operations[operation];
      if (!handler) throw new SimulatedOperationNotSupportedError(service.service, operation);
      const { input } = CommandSchema.parse(command);
      const call = {
        service: service.service,
        operation: operation.replace(/Command$/, ''),
        target: targetOf(input),
      };
      try {
        await account.faults.beforeCall(service.service, call.operation);
        if (service.service === 's3') checkExpectedBucketOwner(account, input);
        if (account.faults.dropsChange(service.service, call.operation)) {
          const output = withoutKeepingChanges(account, () =>
            handler(account, stripUndefined(input), region),
          );
          account.recordCall({ ...call, outcome: 'ok', fault: 'changeNotKept' });
          return output;
        }
        const output = handler(account, stripUndefined(input), region);
        account.recordCall({ ...call, outcome: 'ok' });
        return output;
      } catch (error) {
        const fault = faultOf(error);
        account.recordCall({
          ...call,
          outcome: 'error',
          error: error instanceof Error ? error.name : String(error),
          ...(fault ? { fault } : {}),
        });
        throw error;
      }
    },
    destroy(): void {},
  };
}

/** The ClientFactory the playbooks get in the demo: SDK-shaped clients over the simulated account. */
function createSimulatedClientFactory(account: SimulatedAccount): ClientFactory {
  return <C>(ClientClass: new (config: { region: string }) => C, region: string): C =>
    // The one cast of the simulation: the object has the SDK client's `send` (and nothing else of it).
    simulatedClient(account, ClientClass.name, region) as unknown as C;
}

export { createSimulatedClientFactory, SERVICES as SIMULATED_SERVICES, simulatedClient };
