import * as z from 'zod';
import { AccountIdSchema, LIMITS, TimestampSchema } from './common.js';

/**
 * AWS Security Finding Format (ASFF) findings, as Security Hub sends them to EventBridge (detail-type
 * `Security Hub Findings - Imported`, one finding per event) and as `aws securityhub get-findings` exports them
 * (`{"Findings": [...]}`). Attribute names, limits and enumerations follow the ASFF pages of the Security Hub user
 * guide and `AwsSecurityFinding` in the Security Hub API reference. Lenient on unknown attributes.
 */

/** The five namespaces an ASFF finding type starts with (`namespace/category/classifier`). */
const ASFF_TYPE_NAMESPACES = [
  'Software and Configuration Checks',
  'TTPs',
  'Effects',
  'Unusual Behaviors',
  'Sensitive Data Identifications',
] as const;

const AsffTypeSchema = z
  .string()
  .max(512)
  .refine((type) => ASFF_TYPE_NAMESPACES.some((ns) => type === ns || type.startsWith(`${ns}/`)), {
    error: (issue) =>
      `finding type ${JSON.stringify(issue.input)} is not in an ASFF namespace (${ASFF_TYPE_NAMESPACES.join(', ')})`,
  });

const SEVERITY_LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

const AsffSeveritySchema = z
  .looseObject({
    Label: z.enum(SEVERITY_LABELS).optional(),
    Normalized: z.number().int().min(0).max(100).optional(),
    Original: z.string().optional(),
    Product: z.number().optional(),
  })
  .refine((severity) => severity.Label !== undefined || severity.Normalized !== undefined, {
    error: 'Severity needs Label or Normalized',
  });

const IpRangeSchema = z.looseObject({ CidrIp: z.string().optional() });
const Ipv6RangeSchema = z.looseObject({ CidrIpv6: z.string().optional() });

/** `AwsEc2SecurityGroupIpPermission` (EC2.18 / EC2.19 / EC2.13 / EC2.14 findings carry them). */
const AsffIpPermissionSchema = z.looseObject({
  IpProtocol: z.string().optional(),
  FromPort: z.number().int().optional(),
  ToPort: z.number().int().optional(),
  IpRanges: z.array(IpRangeSchema).max(LIMITS.ipRanges).optional(),
  Ipv6Ranges: z.array(Ipv6RangeSchema).max(LIMITS.ipRanges).optional(),
});

const AsffResourceSchema = z.looseObject({
  Type: z.string().min(1, 'Resources[].Type is empty').max(256),
  Id: z.string().min(1, 'Resources[].Id is empty').max(512),
  Partition: z.string().optional(),
  Region: z.string().optional(),
  Details: z
    .looseObject({
      AwsEc2SecurityGroup: z
        .looseObject({
          GroupId: z.string().optional(),
          IpPermissions: z.array(AsffIpPermissionSchema).max(LIMITS.ipPermissions).optional(),
        })
        .optional(),
      AwsIamAccessKey: z
        .looseObject({
          AccessKeyId: z.string().optional(),
          PrincipalName: z.string().optional(),
          PrincipalType: z.string().optional(),
          UserName: z.string().optional(),
        })
        .optional(),
      AwsCloudTrailTrail: z
        .looseObject({ Name: z.string().optional(), HomeRegion: z.string().optional() })
        .optional(),
    })
    .optional(),
});

const AsffFindingSchema = z.looseObject({
  SchemaVersion: z.string().min(1),
  Id: z.string().min(1).max(512),
  ProductArn: z.string().min(1).max(2048),
  ProductName: z.string().optional(),
  CompanyName: z.string().optional(),
  GeneratorId: z.string().min(1).max(512),
  AwsAccountId: AccountIdSchema,
  Region: z.string().optional(),
  Types: z.array(AsffTypeSchema).max(LIMITS.asffTypes).optional(),
  CreatedAt: TimestampSchema,
  UpdatedAt: TimestampSchema,
  Severity: AsffSeveritySchema,
  Title: z.string().min(1).max(256),
  Description: z.string().min(1).max(1024),
  Resources: z
    .array(AsffResourceSchema)
    .min(1, 'Resources is empty: the finding names no resource')
    .max(LIMITS.asffResources),
  RecordState: z.enum(['ACTIVE', 'ARCHIVED']).optional(),
  Sample: z.boolean().optional(),
  Workflow: z.looseObject({ Status: z.string().optional() }).optional(),
  Compliance: z
    .looseObject({ Status: z.string().optional(), SecurityControlId: z.string().optional() })
    .optional(),
  Remediation: z
    .looseObject({
      Recommendation: z.looseObject({ Text: z.string().optional(), Url: z.string().optional() }).optional(),
    })
    .optional(),
  ProductFields: z.record(z.string(), z.string()).optional(),
  Action: z
    .looseObject({
      ActionType: z.string().optional(),
      AwsApiCallAction: z
        .looseObject({
          Api: z.string().optional(),
          ServiceName: z.string().optional(),
          RemoteIpDetails: z.looseObject({ IpAddressV4: z.string().optional() }).optional(),
        })
        .optional(),
    })
    .optional(),
});

/** The EventBridge event Security Hub sends when a finding is imported or updated: exactly one finding. */
const SecurityHubFindingsImportedEventSchema = z.looseObject({
  version: z.string(),
  id: z.string().min(1),
  'detail-type': z.literal('Security Hub Findings - Imported'),
  source: z.literal('aws.securityhub'),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z.array(z.string()).default([]),
  detail: z.looseObject({
    findings: z
      .array(AsffFindingSchema)
      .length(LIMITS.findingsPerEvent, 'Security Hub sends exactly one finding per event'),
  }),
});

type AsffFinding = z.infer<typeof AsffFindingSchema>;
type AsffResource = z.infer<typeof AsffResourceSchema>;
type SecurityHubFindingsImportedEvent = z.infer<typeof SecurityHubFindingsImportedEventSchema>;

export type { AsffFinding, AsffResource, SecurityHubFindingsImportedEvent };
export {
  ASFF_TYPE_NAMESPACES,
  AsffFindingSchema,
  AsffResourceSchema,
  AsffTypeSchema,
  SEVERITY_LABELS,
  SecurityHubFindingsImportedEventSchema,
};
