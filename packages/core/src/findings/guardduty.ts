import * as z from 'zod/mini';
import '../zod-english.js';
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
  .check(
    z.maxLength(256),
    z.regex(
      GUARDDUTY_FINDING_TYPE,
      'is not a GuardDuty finding type (ThreatPurpose:ResourceType/ThreatFamily.Mechanism!Artifact)',
    ),
  );

const AccessKeyDetailsSchema = z.looseObject({
  accessKeyId: z.optional(z.string()),
  principalId: z.optional(z.string()),
  userName: z.optional(z.string()),
  userType: z.optional(z.string()),
});

const SecurityGroupRefSchema = z.looseObject({
  groupId: z.optional(z.string()),
  groupName: z.optional(z.string()),
});

const NetworkInterfaceSchema = z.looseObject({
  networkInterfaceId: z.optional(z.string()),
  vpcId: z.optional(z.string()),
  subnetId: z.optional(z.string()),
  securityGroups: z.optional(
    z.array(SecurityGroupRefSchema).check(z.maxLength(LIMITS.securityGroupsPerInterface)),
  ),
});

const InstanceDetailsSchema = z.looseObject({
  instanceId: z.string().check(z.regex(/^i-[0-9a-f]{8,17}$/, 'must be an EC2 instance id (i-…)')),
  instanceType: z.optional(z.string()),
  iamInstanceProfile: z.optional(z.looseObject({ arn: z.optional(z.string()), id: z.optional(z.string()) })),
  networkInterfaces: z.optional(z.array(NetworkInterfaceSchema).check(z.maxLength(LIMITS.networkInterfaces))),
});

const S3BucketDetailSchema = z.looseObject({
  name: z.string().check(z.minLength(1)),
  arn: z.optional(z.string()),
  type: z.optional(z.string()),
});

const GuardDutyResourceSchema = z.looseObject({
  resourceType: z.string().check(z.minLength(1, 'resource.resourceType is empty')),
  accessKeyDetails: z.optional(AccessKeyDetailsSchema),
  instanceDetails: z.optional(InstanceDetailsSchema),
  s3BucketDetails: z.optional(z.array(S3BucketDetailSchema).check(z.maxLength(LIMITS.s3Buckets))),
  eksClusterDetails: z.optional(
    z.looseObject({ name: z.string().check(z.minLength(1)), arn: z.optional(z.string()) }),
  ),
  lambdaDetails: z.optional(
    z.looseObject({ functionName: z.string().check(z.minLength(1)), functionArn: z.optional(z.string()) }),
  ),
  rdsDbInstanceDetails: z.optional(
    z.looseObject({
      dbInstanceIdentifier: z.string().check(z.minLength(1)),
      dbInstanceArn: z.optional(z.string()),
    }),
  ),
  ecsClusterDetails: z.optional(
    z.looseObject({ name: z.string().check(z.minLength(1)), arn: z.optional(z.string()) }),
  ),
});

const RemoteIpDetailsSchema = z.looseObject({
  ipAddressV4: z.optional(z.string()),
  ipAddressV6: z.optional(z.string()),
});

const GuardDutyServiceSchema = z.looseObject({
  serviceName: z.optional(z.string()),
  detectorId: z.optional(z.string()),
  archived: z.optional(z.boolean()),
  count: z.optional(z.number()),
  resourceRole: z.optional(z.string()),
  additionalInfo: z.optional(
    z.looseObject({ sample: z.optional(z.union([z.boolean(), z.string()])), type: z.optional(z.string()) }),
  ),
  action: z.optional(
    z.looseObject({
      actionType: z.optional(z.string()),
      awsApiCallAction: z.optional(
        z.looseObject({
          api: z.optional(z.string()),
          serviceName: z.optional(z.string()),
          callerType: z.optional(z.string()),
          remoteIpDetails: z.optional(RemoteIpDetailsSchema),
          /** e.g. `{"AWS::CloudTrail::Trail": "arn:aws:cloudtrail:…:trail/main"}` */
          affectedResources: z.optional(z.record(z.string(), z.string())),
        }),
      ),
      networkConnectionAction: z.optional(
        z.looseObject({ remoteIpDetails: z.optional(RemoteIpDetailsSchema) }),
      ),
    }),
  ),
});

const GuardDutyFindingSchema = z.looseObject({
  schemaVersion: z.optional(z.string()),
  accountId: AccountIdSchema,
  region: z.string().check(z.minLength(1)),
  partition: z.optional(z.string()),
  id: z.string().check(z.minLength(1), z.maxLength(512)),
  arn: z.optional(z.string()),
  type: GuardDutyFindingTypeSchema,
  title: z.optional(z.string().check(z.maxLength(1024))),
  description: z.optional(z.string().check(z.maxLength(8192))),
  /** 1.0–8.9 (LOW < 4, MEDIUM < 7, HIGH < 9), CRITICAL 9–10. */
  severity: z.number().check(z.gte(0), z.lte(10)),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  resource: GuardDutyResourceSchema,
  service: z.optional(GuardDutyServiceSchema),
});

/** The EventBridge event GuardDuty sends for a new or updated finding. */
const GuardDutyFindingEventSchema = z.looseObject({
  version: z.string(),
  id: z.string().check(z.minLength(1)),
  'detail-type': z.literal('GuardDuty Finding'),
  source: z.literal('aws.guardduty'),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z._default(z.array(z.string()), []),
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
