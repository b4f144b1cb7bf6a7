import '@aisaws/core/zod-english';
import * as z from 'zod/mini';
import { ConfigurationError } from './errors.js';

/** A variable that must be set to something other than blanks (surrounding blanks are trimmed). */
const RequiredEnvSchema = z.string('must be set').check(z.trim(), z.minLength(1, 'must not be empty'));

/** A whole number > 0, from its text form. */
const PositiveIntEnvSchema = z.coerce
  .number('must be a number')
  .check(z.int('must be a whole number'), z.positive('must be > 0'));

/** The variables of the Powertools idempotency layer, for the stages that use it (spread `.shape` into yours). */
const IdempotencyEnvSchema = z.object({
  /** DynamoDB table of the Powertools idempotency layer. */
  IDEMPOTENCY_TABLE: RequiredEnvSchema,
  /** How long a completed request is remembered by the idempotency layer. */
  IDEMPOTENCY_TTL_SECONDS: z._default(PositiveIntEnvSchema, 3600),
});

type IdempotencyEnv = z.infer<typeof IdempotencyEnvSchema>;

/** `NAME: problem` for each issue, so every missing or bad variable is named. */
const describeIssues = (error: z.core.$ZodError): string =>
  error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');

/**
 * Parses an environment (normally `process.env`, once at cold start) with the Lambda's schema. Throws
 * ConfigurationError `invalid environment for the <subject>: NAME: problem; …` naming every bad variable.
 */
function parseEnv<Schema extends z.core.$ZodType>(
  schema: Schema,
  env: Record<string, string | undefined>,
  subject: string,
): z.output<Schema> {
  const result = z.safeParse(schema, env);
  if (result.success) return result.data;
  throw new ConfigurationError(`invalid environment for the ${subject}: ${describeIssues(result.error)}`);
}

export type { IdempotencyEnv };
export { IdempotencyEnvSchema, PositiveIntEnvSchema, parseEnv, RequiredEnvSchema };
