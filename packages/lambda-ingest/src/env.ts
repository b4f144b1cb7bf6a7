import { z } from 'zod';
import { ConfigurationError } from './errors.js';

const NonEmpty = z.string('must be set').trim().min(1, 'must not be empty');

/** The Ingest Lambda's environment, parsed once at cold start. */
const IngestEnvSchema = z.object({
  /** S3 bucket for `raw/…` archives and `quarantine/…` objects. */
  ARCHIVE_BUCKET: NonEmpty,
  /** DynamoDB `events` table. */
  EVENTS_TABLE: NonEmpty,
  /** DynamoDB table of the Powertools idempotency layer. */
  IDEMPOTENCY_TABLE: NonEmpty,
  /** SQS queue that also receives a message for each quarantined input (optional). */
  QUARANTINE_QUEUE_URL: z.url('must be a URL').optional(),
  /** Days an events item is kept before DynamoDB TTL deletes it. */
  TTL_DAYS: z.coerce.number('must be a number').int('must be a whole number of days').positive().default(90),
  /** How long a completed request is remembered by the idempotency layer. */
  IDEMPOTENCY_TTL_SECONDS: z.coerce.number('must be a number').int().positive().default(3600),
});

type IngestEnv = z.infer<typeof IngestEnvSchema>;

/** Parses the environment; throws ConfigurationError naming every missing or bad variable. */
function parseIngestEnv(env: Record<string, string | undefined>): IngestEnv {
  const result = IngestEnvSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigurationError(`invalid environment for the Ingest Lambda: ${problems.join('; ')}`);
}

export type { IngestEnv };
export { IngestEnvSchema, parseIngestEnv };
