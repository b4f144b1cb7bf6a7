import { parseEnv, RequiredEnvSchema } from '@aisaws/lambda-runtime';
import '@aisaws/core/zod-english';
import * as z from 'zod/mini';

/** The rollback function's environment (the remediation package, the rollback role), parsed once at cold start. */
const RollbackEnvSchema = z.object({
  /** DynamoDB `events` table: the stored target and snapshot are read there, the rollback recorded there. */
  EVENTS_TABLE_NAME: RequiredEnvSchema,
  /** The account this Lambda runs in: its resources are reached without AssumeRole. */
  OWN_ACCOUNT_ID: RequiredEnvSchema.check(
    z.regex(/^\d{12}$/, 'must be the 12-digit id of the account this Lambda runs in'),
  ),
  /** The member accounts' rollback role (the un-fix actions), never the remediation role. */
  MEMBER_ROLE_NAME: RequiredEnvSchema,
  /** The ExternalId that role requires. */
  MEMBER_ROLE_EXTERNAL_ID: RequiredEnvSchema.check(
    z.minLength(2, 'must be the ExternalId the member role requires'),
  ),
  /** Secrets Manager secret (name or ARN) holding the approval signing key the RollbackApproval is verified with. */
  APPROVAL_SIGNING_KEY_SECRET: RequiredEnvSchema,
});
type RollbackEnv = z.infer<typeof RollbackEnvSchema>;

/** Parses the environment; throws ConfigurationError naming every missing or bad variable. */
const parseRollbackEnv = (env: Record<string, string | undefined>): RollbackEnv =>
  parseEnv(RollbackEnvSchema, env, 'Rollback Lambda');

export type { RollbackEnv };
export { parseRollbackEnv, RollbackEnvSchema };
