import * as z from 'zod/mini';
import '../zod-english.js';

/**
 * A GuardDuty or Security Hub finding, normalised: what every stage after Ingest reads of a finding. Built by
 * `@aisaws/core/findings` from the parsed finding; strict like every stage message.
 */

const FindingSourceSchema = z.enum(['guardduty', 'securityhub']);
const FindingSeverityLabelSchema = z.enum(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);

const SecuritySignalSchema = z.strictObject({
  /** Which EventBridge source (or export) the finding came through. */
  source: FindingSourceSchema,
  /** The product that generated it: `GuardDuty`, `Security Hub`, `Inspector`, … */
  productName: z.string(),
  /** GuardDuty's finding id (also for a GuardDuty finding imported into Security Hub), else the ASFF `Id`. */
  findingId: z.string().check(z.minLength(1)),
  /** ISO-8601, normalised (`toISOString`), so the same update read from two sources has one key. */
  updatedAt: z.string(),
  createdAt: z.string(),
  /** `finding:<findingId>@<updatedAt>`: the eventId of a finding in every stage, the DynamoDB key, the execution name. */
  idempotencyKey: z.string().check(z.minLength(1)),
  /** GuardDuty type (`CryptoCurrency:EC2/BitcoinTool.B!DNS`), else the first ASFF type. */
  type: z.string(),
  generatorId: z.string(),
  /** Security Hub control id (`S3.8`) when the finding is a failed control check. */
  controlId: z.optional(z.string()),
  /** ASFF Compliance.Status of a control finding (`FAILED`, `PASSED`, `WARNING`, `NOT_AVAILABLE`). */
  compliance: z.optional(z.string()),
  title: z.string(),
  description: z.string(),
  severity: z.strictObject({
    label: FindingSeverityLabelSchema,
    /** In [0, 1]: GuardDuty's 0–10 / 10, ASFF Normalized / 100 (else the label's floor). */
    normalized: z.number().check(z.gte(0), z.lte(1)),
    /** As the product wrote it. */
    original: z.string(),
  }),
  account: z.string(),
  region: z.string(),
  /** The affected resource (same shape as a detection's ResourceRef). */
  resource: z.strictObject({
    type: z.string().check(z.minLength(1)),
    id: z.string().check(z.minLength(1)),
    arn: z.optional(z.string()),
    account: z.string(),
    region: z.string(),
    details: z.record(z.string(), z.unknown()),
  }),
  /** The principal the finding is about, when it names one (access-key findings). */
  actor: z.optional(
    z.strictObject({
      type: z.string(),
      userName: z.optional(z.string()),
      principalId: z.optional(z.string()),
      accessKeyId: z.optional(z.string()),
    }),
  ),
  remoteIp: z.optional(z.string()),
  api: z.optional(z.string()),
  /** The product's own remediation advice, quoted in alerts. */
  remediation: z.optional(z.strictObject({ text: z.optional(z.string()), url: z.optional(z.string()) })),
  /** Why AISAWS never acts on this finding (archived, sample, published by AISAWS), or null. */
  ignoredBecause: z.nullable(z.string()),
});

type FindingSource = z.infer<typeof FindingSourceSchema>;
type FindingSeverityLabel = z.infer<typeof FindingSeverityLabelSchema>;
type SecuritySignal = z.infer<typeof SecuritySignalSchema>;

export type { FindingSeverityLabel, FindingSource, SecuritySignal };
export { FindingSeverityLabelSchema, FindingSourceSchema, SecuritySignalSchema };
