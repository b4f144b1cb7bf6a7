import { parseEnv, RequiredEnvSchema } from '@aisaws/lambda-runtime';
import '@aisaws/core/zod-english';
import * as z from 'zod/mini';

/** The Remediation Lambda's environment, parsed once at cold start. */
const RemediationEnvSchema = z.object({
  /** DynamoDB `events` table (snapshot, remediation and rollback are recorded there). */
  EVENTS_TABLE_NAME: RequiredEnvSchema,
  /** DynamoDB table of the Powertools idempotency layer (one result per eventId and action). */
  IDEMPOTENCY_TABLE_NAME: RequiredEnvSchema,
  /** The account this Lambda runs in: its resources are reached without AssumeRole. */
  OWN_ACCOUNT_ID: RequiredEnvSchema.check(
    z.regex(/^\d{12}$/, 'must be the 12-digit id of the account this Lambda runs in'),
  ),
  /** The role to assume in member accounts. */
  MEMBER_ROLE_NAME: RequiredEnvSchema,
  /** The ExternalId that role requires. */
  MEMBER_ROLE_EXTERNAL_ID: RequiredEnvSchema.check(
    z.minLength(2, 'must be the ExternalId the member role requires'),
  ),
});
type RemediationEnv = z.infer<typeof RemediationEnvSchema>;

/** Parses the environment; throws ConfigurationError naming every missing or bad variable. */
const parseRemediationEnv = (env: Record<string, string | undefined>): RemediationEnv =>
  parseEnv(RemediationEnvSchema, env, 'Remediation Lambda');

export type { RemediationEnv };
export { parseRemediationEnv, RemediationEnvSchema };
