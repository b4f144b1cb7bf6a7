import { PositiveIntEnvSchema, parseEnv, RequiredEnvSchema } from '@aisaws/lambda-runtime';
import '@aisaws/core/zod-english';
import * as z from 'zod/mini';

/** The Verification Lambda's environment, parsed once at cold start. */
const VerificationEnvSchema = z.object({
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
  /** Seconds after the fix within which the resource must read back compliant. */
  VERIFICATION_DEADLINE_SECONDS: z._default(PositiveIntEnvSchema, 300),
});
type VerificationEnv = z.infer<typeof VerificationEnvSchema>;

/** Parses the environment; throws ConfigurationError naming every missing or bad variable. */
const parseVerificationEnv = (env: Record<string, string | undefined>): VerificationEnv =>
  parseEnv(VerificationEnvSchema, env, 'Verification Lambda');

export type { VerificationEnv };
export { parseVerificationEnv, VerificationEnvSchema };
