import * as z from 'zod';
import { AccountIdSchema, LIMITS, TimestampSchema } from './common.js';

/**
 * GuardDuty findings as EventBridge delivers them (detail-type `GuardDuty Finding`, source `aws.guardduty`) and as
 * `aws guardduty get-findings` exports them (`{"Findings": [...]}`). Field names and shapes follow the GuardDuty
 * finding format in the GuardDuty user guide and API reference. Lenient on unknown fields (GuardDuty adds resource
 * kinds and service details over time), strict on what AISAWS reads.
 */

/** `ThreatPurpose:ResourceTypeAffected/ThreatFamilyName.DetectionMechanism!Artifact`, e.g. `CryptoCurrency:EC2/BitcoinTool.B!DNS`. */
const GUARDDUTY_FINDING_TYPE = /^[A-Za-z]+:[A-Za-z0-9]+\/[A-Za-z0-9.!&_-]+$/;

const GuardDutyFindingTypeSchema = z
  .string()
  .max(256)
  .regex(
    GUARDDUTY_FINDING_TYPE,
    'is not a GuardDuty finding type (ThreatPurpose:ResourceType/ThreatFamily.Mechanism!Artifact)',
  );

const AccessKeyDetailsSchema = z.looseObject({
  accessKeyId: z.string().optional(),
  principalId: z.string().optional(),
  userName: z.string().optional(),
  userType: z.string().optional(),
});

const SecurityGroupRefSchema = z.looseObject({
  groupId: z.string().optional(),
  groupName: z.string().optional(),
});

const NetworkInterfaceSchema = z.looseObject({
  networkInterfaceId: z.string().optional(),
  vpcId: z.string().optional(),
  subnetId: z.string().optional(),
  securityGroups: z.array(SecurityGroupRefSchema).max(LIMITS.securityGroupsPerInterface).optional(),
});

const InstanceDetailsSchema = z.looseObject({
  instanceId: z.string().regex(/^i-[0-9a-f]{8,17}$/, 'must be an EC2 instance id (i-…)'),
  instanceType: z.string().optional(),
  iamInstanceProfile: z.looseObject({ arn: z.string().optional(), id: z.string().optional() }).optional(),
  networkInterfaces: z.array(NetworkInterfaceSchema).max(LIMITS.networkInterfaces).optional(),
});

const S3BucketDetailSchema = z.looseObject({
  name: z.string().min(1),
  arn: z.string().optional(),
  type: z.string().optional(),
});

const GuardDutyResourceSchema = z.looseObject({
  resourceType: z.string().min(1, 'resource.resourceType is empty'),
  accessKeyDetails: AccessKeyDetailsSchema.optional(),
  instanceDetails: InstanceDetailsSchema.optional(),
  s3BucketDetails: z.array(S3BucketDetailSchema).max(LIMITS.s3Buckets).optional(),
  eksClusterDetails: z.looseObject({ name: z.string().min(1), arn: z.string().optional() }).optional(),
  lambdaDetails: z
    .looseObject({ functionName: z.string().min(1), functionArn: z.string().optional() })
    .optional(),
  rdsDbInstanceDetails: z
    .looseObject({ dbInstanceIdentifier: z.string().min(1), dbInstanceArn: z.string().optional() })
    .optional(),
  ecsClusterDetails: z.looseObject({ name: z.string().min(1), arn: z.string().optional() }).optional(),
});

const RemoteIpDetailsSchema = z.looseObject({
  ipAddressV4: z.string().optional(),
  ipAddressV6: z.string().optional(),
});

const GuardDutyServiceSchema = z.looseObject({
  serviceName: z.string().optional(),
  detectorId: z.string().optional(),
  archived: z.boolean().optional(),
  count: z.number().optional(),
  resourceRole: z.string().optional(),
  additionalInfo: z
    .looseObject({ sample: z.union([z.boolean(), z.string()]).optional(), type: z.string().optional() })
    .optional(),
  action: z
    .looseObject({
      actionType: z.string().optional(),
      awsApiCallAction: z
        .looseObject({
          api: z.string().optional(),
          serviceName: z.string().optional(),
          callerType: z.string().optional(),
          remoteIpDetails: RemoteIpDetailsSchema.optional(),
          /** e.g. `{"AWS::CloudTrail::Trail": "arn:aws:cloudtrail:…:trail/main"}` */
          affectedResources: z.record(z.string(), z.string()).optional(),
        })
        .optional(),
      networkConnectionAction: z
        .looseObject({ remoteIpDetails: RemoteIpDetailsSchema.optional() })
        .optional(),
    })
    .optional(),
});

const GuardDutyFindingSchema = z.looseObject({
  schemaVersion: z.string().optional(),
  accountId: AccountIdSchema,
  region: z.string().min(1),
  partition: z.string().optional(),
  id: z.string().min(1).max(512),
  arn: z.string().optional(),
  type: GuardDutyFindingTypeSchema,
  title: z.string().max(1024).optional(),
  description: z.string().max(8192).optional(),
  /** 1.0–8.9 (LOW < 4, MEDIUM < 7, HIGH < 9), CRITICAL 9–10. */
  severity: z.number().min(0).max(10),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  resource: GuardDutyResourceSchema,
  service: GuardDutyServiceSchema.optional(),
});

/** The EventBridge event GuardDuty sends for a new or updated finding. */
const GuardDutyFindingEventSchema = z.looseObject({
  version: z.string(),
  id: z.string().min(1),
  'detail-type': z.literal('GuardDuty Finding'),
  source: z.literal('aws.guardduty'),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z.array(z.string()).default([]),
  detail: GuardDutyFindingSchema,
});

type GuardDutyFinding = z.infer<typeof GuardDutyFindingSchema>;
type GuardDutyFindingEvent = z.infer<typeof GuardDutyFindingEventSchema>;

export type { GuardDutyFinding, GuardDutyFindingEvent };
export {
  GUARDDUTY_FINDING_TYPE,
  GuardDutyFindingEventSchema,
  GuardDutyFindingSchema,
  GuardDutyFindingTypeSchema,
};
