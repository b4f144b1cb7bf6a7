import * as z from 'zod/mini';
import '../zod-english.js';
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

const AsffTypeSchema = z.string().check(
  z.maxLength(512),
  z.refine((type) => ASFF_TYPE_NAMESPACES.some((ns) => type === ns || type.startsWith(`${ns}/`)), {
    error: (issue) =>
      `finding type ${JSON.stringify(issue.input)} is not in an ASFF namespace (${ASFF_TYPE_NAMESPACES.join(', ')})`,
  }),
);

const SEVERITY_LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

const AsffSeveritySchema = z
  .looseObject({
    Label: z.optional(z.enum(SEVERITY_LABELS)),
    Normalized: z.optional(z.number().check(z.int(), z.gte(0), z.lte(100))),
    Original: z.optional(z.string()),
    Product: z.optional(z.number()),
  })
  .check(
    z.refine((severity) => severity.Label !== undefined || severity.Normalized !== undefined, {
      error: 'Severity needs Label or Normalized',
    }),
  );

const IpRangeSchema = z.looseObject({ CidrIp: z.optional(z.string()) });
const Ipv6RangeSchema = z.looseObject({ CidrIpv6: z.optional(z.string()) });

/** `AwsEc2SecurityGroupIpPermission` (EC2.18 / EC2.19 / EC2.13 / EC2.14 findings carry them). */
const AsffIpPermissionSchema = z.looseObject({
  IpProtocol: z.optional(z.string()),
  FromPort: z.optional(z.number().check(z.int())),
  ToPort: z.optional(z.number().check(z.int())),
  IpRanges: z.optional(z.array(IpRangeSchema).check(z.maxLength(LIMITS.ipRanges))),
  Ipv6Ranges: z.optional(z.array(Ipv6RangeSchema).check(z.maxLength(LIMITS.ipRanges))),
});

const AsffResourceSchema = z.looseObject({
  Type: z.string().check(z.minLength(1, 'Resources[].Type is empty'), z.maxLength(256)),
  Id: z.string().check(z.minLength(1, 'Resources[].Id is empty'), z.maxLength(512)),
  Partition: z.optional(z.string()),
  Region: z.optional(z.string()),
  Details: z.optional(
    z.looseObject({
      AwsEc2SecurityGroup: z.optional(
        z.looseObject({
          GroupId: z.optional(z.string()),
          IpPermissions: z.optional(z.array(AsffIpPermissionSchema).check(z.maxLength(LIMITS.ipPermissions))),
        }),
      ),
      AwsIamAccessKey: z.optional(
        z.looseObject({
          AccessKeyId: z.optional(z.string()),
          PrincipalName: z.optional(z.string()),
          PrincipalType: z.optional(z.string()),
          UserName: z.optional(z.string()),
        }),
      ),
      AwsCloudTrailTrail: z.optional(
        z.looseObject({ Name: z.optional(z.string()), HomeRegion: z.optional(z.string()) }),
      ),
    }),
  ),
});

const AsffFindingSchema = z.looseObject({
  SchemaVersion: z.string().check(z.minLength(1)),
  Id: z.string().check(z.minLength(1), z.maxLength(512)),
  ProductArn: z.string().check(z.minLength(1), z.maxLength(2048)),
  ProductName: z.optional(z.string()),
  CompanyName: z.optional(z.string()),
  GeneratorId: z.string().check(z.minLength(1), z.maxLength(512)),
  AwsAccountId: AccountIdSchema,
  Region: z.optional(z.string()),
  Types: z.optional(z.array(AsffTypeSchema).check(z.maxLength(LIMITS.asffTypes))),
  CreatedAt: TimestampSchema,
  UpdatedAt: TimestampSchema,
  Severity: AsffSeveritySchema,
  Title: z.string().check(z.minLength(1), z.maxLength(256)),
  Description: z.string().check(z.minLength(1), z.maxLength(1024)),
  Resources: z
    .array(AsffResourceSchema)
    .check(
      z.minLength(1, 'Resources is empty: the finding names no resource'),
      z.maxLength(LIMITS.asffResources),
    ),
  RecordState: z.optional(z.enum(['ACTIVE', 'ARCHIVED'])),
  Sample: z.optional(z.boolean()),
  Workflow: z.optional(z.looseObject({ Status: z.optional(z.string()) })),
  Compliance: z.optional(
    z.looseObject({ Status: z.optional(z.string()), SecurityControlId: z.optional(z.string()) }),
  ),
  Remediation: z.optional(
    z.looseObject({
      Recommendation: z.optional(
        z.looseObject({ Text: z.optional(z.string()), Url: z.optional(z.string()) }),
      ),
    }),
  ),
  ProductFields: z.optional(z.record(z.string(), z.string())),
  Action: z.optional(
    z.looseObject({
      ActionType: z.optional(z.string()),
      AwsApiCallAction: z.optional(
        z.looseObject({
          Api: z.optional(z.string()),
          ServiceName: z.optional(z.string()),
          RemoteIpDetails: z.optional(z.looseObject({ IpAddressV4: z.optional(z.string()) })),
        }),
      ),
    }),
  ),
});

/** The EventBridge event Security Hub sends when a finding is imported or updated: exactly one finding. */
const SecurityHubFindingsImportedEventSchema = z.looseObject({
  version: z.string(),
  id: z.string().check(z.minLength(1)),
  'detail-type': z.literal('Security Hub Findings - Imported'),
  source: z.literal('aws.securityhub'),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z._default(z.array(z.string()), []),
  detail: z.looseObject({
    findings: z
      .array(AsffFindingSchema)
      .check(z.length(LIMITS.findingsPerEvent, 'Security Hub sends exactly one finding per event')),
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
