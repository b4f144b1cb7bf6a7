import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import type { DetectionCategory } from '../schemas/stages.js';
import type { DetectionDefinition, DetectionTrigger } from './define.js';
import { defineDetection, INFORMATIONAL_SEVERITY } from './define.js';
import { request, str } from './read.js';

/**
 * Informational change monitors: the "alert on any change" layer of CIS AWS Foundations section 4 (IAM policy,
 * CloudTrail, Config, S3 bucket policy, network gateway, NACL, security group, route table and VPC changes) and
 * the CRUD monitors of container images, functions and objects. Every successful change of these kinds is kept in
 * the record with who made it; none is a risk signal on its own (the specific bad changes have their own
 * detections elsewhere), so they are informational: they never move the score, never alert, never act.
 */

const EC2 = 'ec2.amazonaws.com';
const IAM = 'iam.amazonaws.com';
const S3 = 's3.amazonaws.com';

/** The first field of the request that names what changed, for the summary. */
const TARGET_FIELDS = [
  'groupId',
  'groupName',
  'networkAclId',
  'routeTableId',
  'internetGatewayId',
  'customerGatewayId',
  'vpnGatewayId',
  'natGatewayId',
  'vpcPeeringConnectionId',
  'vpcId',
  'policyArn',
  'policyName',
  'roleName',
  'userName',
  'name',
  'trailName',
  'configurationRecorderName',
  'deliveryChannelName',
  'bucketName',
  'repositoryName',
  'functionName',
  'key',
] as const;

function targetOf(record: CloudTrailRecord): string | undefined {
  const req = request(record);
  for (const field of TARGET_FIELDS) {
    const value = str(req[field]);
    if (value) return value;
  }
  return undefined;
}

function actorOf(record: CloudTrailRecord): string {
  const identity = record.userIdentity;
  return identity?.arn ?? identity?.userName ?? identity?.type ?? 'an unknown principal';
}

interface ChangeMonitor {
  readonly id: string;
  readonly title: string;
  readonly category: DetectionCategory;
  readonly mitre: readonly string[];
  readonly description: string;
  readonly triggers: readonly DetectionTrigger[];
}

/** An informational definition that matches every successful call of its triggers. */
function changeMonitor(monitor: ChangeMonitor): DetectionDefinition {
  return defineDetection({
    ...monitor,
    severity: INFORMATIONAL_SEVERITY,
    playbook: null,
    match(record) {
      const target = targetOf(record);
      return {
        resource: null,
        summary: `${record.eventName}${target ? ` on ${target}` : ''} by ${actorOf(record)}`,
        evidence: target ? { target } : {},
      };
    },
  });
}

const ec2FirewallChanged = changeMonitor({
  id: 'ec2.firewall-changed',
  title: 'Security group or network ACL changed (informational)',
  category: 'DEF',
  mitre: ['T1562.007'],
  description:
    'Any security group or network ACL change (CIS 4.10, 4.11): create, delete, authorize, revoke, modify rules, replace entries or associations. World-open rules have their own detections.',
  triggers: [
    {
      eventSource: EC2,
      eventNames: [
        'AuthorizeSecurityGroupIngress',
        'AuthorizeSecurityGroupEgress',
        'RevokeSecurityGroupIngress',
        'RevokeSecurityGroupEgress',
        'CreateSecurityGroup',
        'DeleteSecurityGroup',
        'ModifySecurityGroupRules',
        'CreateNetworkAcl',
        'CreateNetworkAclEntry',
        'DeleteNetworkAcl',
        'DeleteNetworkAclEntry',
        'ReplaceNetworkAclEntry',
        'ReplaceNetworkAclAssociation',
      ],
    },
  ],
});

const ec2NetworkTopologyChanged = changeMonitor({
  id: 'ec2.network-topology-changed',
  title: 'Gateway, route table or VPC changed (informational)',
  category: 'DEF',
  mitre: ['T1599'],
  description:
    'Any network gateway, route table or VPC change (CIS 4.12, 4.13, 4.14): internet, customer, VPN and NAT gateways, routes and their associations, VPCs, peering and ClassicLink.',
  triggers: [
    {
      eventSource: EC2,
      eventNames: [
        'CreateInternetGateway',
        'DeleteInternetGateway',
        'AttachInternetGateway',
        'DetachInternetGateway',
        'CreateCustomerGateway',
        'DeleteCustomerGateway',
        'AttachVpnGateway',
        'DetachVpnGateway',
        'CreateNatGateway',
        'DeleteNatGateway',
        'CreateRoute',
        'CreateRouteTable',
        'ReplaceRoute',
        'ReplaceRouteTableAssociation',
        'DeleteRouteTable',
        'DeleteRoute',
        'AssociateRouteTable',
        'DisassociateRouteTable',
        'CreateVpc',
        'DeleteVpc',
        'ModifyVpcAttribute',
        'CreateVpcPeeringConnection',
        'AcceptVpcPeeringConnection',
        'DeleteVpcPeeringConnection',
        'RejectVpcPeeringConnection',
        'AttachClassicLinkVpc',
        'DetachClassicLinkVpc',
        'EnableVpcClassicLink',
        'DisableVpcClassicLink',
      ],
    },
  ],
});

const iamPolicyChanged = changeMonitor({
  id: 'iam.policy-changed',
  title: 'IAM policy changed (informational)',
  category: 'PRV',
  mitre: ['T1098'],
  description:
    'Any IAM policy change (CIS 4.4): inline policies put or deleted, managed policies and versions created, deleted or made default, policies attached or detached. Administrator grants have their own detections.',
  triggers: [
    {
      eventSource: IAM,
      eventNames: [
        'PutUserPolicy',
        'PutRolePolicy',
        'PutGroupPolicy',
        'DeleteUserPolicy',
        'DeleteRolePolicy',
        'DeleteGroupPolicy',
        'CreatePolicy',
        'DeletePolicy',
        'CreatePolicyVersion',
        'DeletePolicyVersion',
        'SetDefaultPolicyVersion',
        'AttachUserPolicy',
        'AttachRolePolicy',
        'AttachGroupPolicy',
        'DetachUserPolicy',
        'DetachRolePolicy',
        'DetachGroupPolicy',
        'PutUserPermissionsBoundary',
        'PutRolePermissionsBoundary',
        'DeleteUserPermissionsBoundary',
        'DeleteRolePermissionsBoundary',
      ],
    },
  ],
});

const iamPrincipalCreated = changeMonitor({
  id: 'iam.principal-created',
  title: 'IAM user, role or group created (informational)',
  category: 'PER',
  mitre: ['T1136.003'],
  description:
    'CreateUser / CreateRole / CreateGroup: a new identity in the account. Persistence when it is not the pipeline’s; the trust policy and the grants that follow have their own detections.',
  triggers: [{ eventSource: IAM, eventNames: ['CreateUser', 'CreateRole', 'CreateGroup'] }],
});

const iamCredentialsChanged = changeMonitor({
  id: 'iam.credentials-changed',
  title: 'IAM user credentials changed (informational)',
  category: 'CRD',
  mitre: ['T1098.001'],
  description:
    'A password changed (ChangePassword, Create/UpdateLoginProfile), an access key created or re-activated, or an SSH key, signing certificate or service-specific credential added. Keys and passwords made for another user have their own detections.',
  triggers: [
    {
      eventSource: IAM,
      eventNames: [
        'ChangePassword',
        'CreateLoginProfile',
        'UpdateLoginProfile',
        'CreateAccessKey',
        'UpdateAccessKey',
        'UploadSSHPublicKey',
        'UploadSigningCertificate',
        'CreateServiceSpecificCredential',
      ],
    },
  ],
});

const cloudtrailConfigurationChanged = changeMonitor({
  id: 'cloudtrail.configuration-changed',
  title: 'CloudTrail configuration changed (informational)',
  category: 'LOG',
  mitre: ['T1562.008'],
  description:
    'CreateTrail, UpdateTrail, PutEventSelectors, PutInsightSelectors (CIS 4.5). Stopping, deleting or weakening a trail has its own detections.',
  triggers: [
    {
      eventSource: 'cloudtrail.amazonaws.com',
      eventNames: ['CreateTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors'],
    },
  ],
});

const configConfigurationChanged = changeMonitor({
  id: 'config.configuration-changed',
  title: 'AWS Config recorder or delivery channel set (informational)',
  category: 'LOG',
  mitre: ['T1562.001'],
  description:
    'PutConfigurationRecorder, PutDeliveryChannel, StartConfigurationRecorder (CIS 4.9). Stopping or deleting the recorder has its own detections.',
  triggers: [
    {
      eventSource: 'config.amazonaws.com',
      eventNames: ['PutConfigurationRecorder', 'PutDeliveryChannel', 'StartConfigurationRecorder'],
    },
  ],
});

const s3BucketAccessChanged = changeMonitor({
  id: 's3.bucket-access-changed',
  title: 'S3 bucket ACL, policy, CORS, lifecycle or replication changed (informational)',
  category: 'EXP',
  mitre: ['T1530'],
  description:
    'Any bucket ACL, policy, CORS, lifecycle or replication change (CIS 4.8). Public, cross-account and short-retention changes have their own detections.',
  triggers: [
    {
      eventSource: S3,
      eventNames: [
        'PutBucketAcl',
        'PutBucketPolicy',
        'PutBucketCors',
        'PutBucketLifecycle',
        'PutBucketReplication',
        'DeleteBucketPolicy',
        'DeleteBucketCors',
        'DeleteBucketLifecycle',
        'DeleteBucketReplication',
      ],
    },
  ],
});

const s3ObjectDeleted = changeMonitor({
  id: 's3.object-deleted',
  title: 'S3 objects deleted (informational)',
  category: 'IMP',
  mitre: ['T1485'],
  description:
    'DeleteObject / DeleteObjects (data events). One deletion is routine; mass deletion is a behaviour the scorer weighs over a window.',
  triggers: [{ eventSource: S3, eventNames: ['DeleteObject', 'DeleteObjects'] }],
});

const ecrRepositoryChanged = changeMonitor({
  id: 'ecr.repository-changed',
  title: 'Container image pushed or repository changed (informational)',
  category: 'PER',
  mitre: ['T1525'],
  description:
    'PutImage, BatchDeleteImage, Create/DeleteRepository, Set/DeleteRepositoryPolicy, PutLifecyclePolicy, PutImageTagMutability: an image that workloads pull can be replaced with an implanted one.',
  triggers: [
    {
      eventSource: 'ecr.amazonaws.com',
      eventNames: [
        'PutImage',
        'BatchDeleteImage',
        'CreateRepository',
        'DeleteRepository',
        'SetRepositoryPolicy',
        'DeleteRepositoryPolicy',
        'PutLifecyclePolicy',
        'PutImageTagMutability',
      ],
    },
  ],
});

const lambdaFunctionChanged = changeMonitor({
  id: 'lambda.function-changed',
  title: 'Lambda function created, deleted or given a new permission (informational)',
  category: 'PER',
  mitre: ['T1648'],
  description:
    'CreateFunction, DeleteFunction, AddPermission (CloudTrail names carry an API date, e.g. DeleteFunction20150331). Public permissions, code and layer swaps by people have their own detections.',
  triggers: [
    {
      eventSource: 'lambda.amazonaws.com',
      eventNames: [
        'CreateFunction',
        'CreateFunction20150331',
        'DeleteFunction',
        'DeleteFunction20150331',
        'AddPermission',
        'AddPermission20150331',
        'AddPermission20150331v2',
      ],
    },
  ],
});

const ec2ImageCreated = changeMonitor({
  id: 'ec2.image-created',
  title: 'Machine image created, copied or imported (informational)',
  category: 'EXF',
  mitre: ['T1578.001'],
  description:
    'CreateImage, CopyImage, ImportImage, CreateStoreImageTask, CreateRestoreImageTask, CopyFpgaImage, CreateFpgaImage: an image holds the instance’s disks and can then be shared out. Sharing has its own detection.',
  triggers: [
    {
      eventSource: EC2,
      eventNames: [
        'CreateImage',
        'CopyImage',
        'ImportImage',
        'CreateStoreImageTask',
        'CreateRestoreImageTask',
        'CopyFpgaImage',
        'CreateFpgaImage',
      ],
    },
  ],
});

const ec2InstanceLifecycleChanged = changeMonitor({
  id: 'ec2.instance-lifecycle-changed',
  title: 'Instances launched, stopped or terminated (informational)',
  category: 'IMP',
  mitre: ['T1578.002', 'T1529'],
  description:
    'RunInstances / StopInstances / TerminateInstances by a person (Auto Scaling and other services acting for themselves are left out by the shared guard). Unusual launches have their own detection.',
  triggers: [{ eventSource: EC2, eventNames: ['RunInstances', 'StopInstances', 'TerminateInstances'] }],
});

export {
  cloudtrailConfigurationChanged,
  configConfigurationChanged,
  ec2FirewallChanged,
  ec2ImageCreated,
  ec2InstanceLifecycleChanged,
  ec2NetworkTopologyChanged,
  ecrRepositoryChanged,
  iamCredentialsChanged,
  iamPolicyChanged,
  iamPrincipalCreated,
  lambdaFunctionChanged,
  s3BucketAccessChanged,
  s3ObjectDeleted,
};
