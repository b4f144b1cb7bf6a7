import { ROLE_ARN_PATTERN } from '@aisaws/core/detections';
import { IdempotencyEnvSchema, parseEnv, RequiredEnvSchema } from '@aisaws/lambda-runtime';
import '@aisaws/core/zod-english';
import * as z from 'zod/mini';

/** The Ingest Lambda's environment, parsed once at cold start. */
const IngestEnvSchema = z.object({
  /** S3 bucket for `raw/…` archives and `quarantine/…` objects. */
  ARCHIVE_BUCKET: RequiredEnvSchema,
  /** DynamoDB `events` table. */
  EVENTS_TABLE: RequiredEnvSchema,
  /** SQS queue that also receives a message for each quarantined input (optional). */
  QUARANTINE_QUEUE_URL: z.optional(z.url('must be a URL')),
  /** Days an events item is kept before DynamoDB TTL deletes it. */
  TTL_DAYS: z._default(
    z.coerce.number('must be a number').check(z.int('must be a whole number of days'), z.positive()),
    90,
  ),
  /**
   * AISAWS's self-identity: the exact ARNs of the roles it deployed, comma-separated (infra computes them). Sessions of
   * these roles are AISAWS's own calls and are never detected; no other role is, whatever its name. Unset or empty:
   * no call is AISAWS's own.
   */
  SELF_ROLE_ARNS: z
    .pipe(
      z._default(z.string(), ''),
      z.transform((text: string) =>
        text
          .split(',')
          .map((arn) => arn.trim())
          .filter((arn) => arn !== ''),
      ),
    )
    .check(
      z.superRefine((arns, ctx) => {
        for (const arn of arns)
          if (!ROLE_ARN_PATTERN.test(arn))
            ctx.addIssue({
              code: 'custom',
              message: `${arn.slice(0, 120)} is not an exact IAM role ARN (arn:aws:iam::<account>:role/<name>, no wildcard)`,
            });
      }),
    ),
  /** IDEMPOTENCY_TABLE and IDEMPOTENCY_TTL_SECONDS. */
  ...IdempotencyEnvSchema.shape,
});

type IngestEnv = z.infer<typeof IngestEnvSchema>;

/** Parses the environment; throws ConfigurationError naming every missing or bad variable. */
const parseIngestEnv = (env: Record<string, string | undefined>): IngestEnv =>
  parseEnv(IngestEnvSchema, env, 'Ingest Lambda');

export type { IngestEnv };
export { IngestEnvSchema, parseIngestEnv };
