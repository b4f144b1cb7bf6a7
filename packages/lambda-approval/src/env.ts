import { parseEnv, RequiredEnvSchema } from '@aisaws/lambda-runtime';
import '@aisaws/core/zod-english';
import * as z from 'zod/mini';

/** The Approval Lambda's environment, parsed once at cold start. */
const ApprovalEnvSchema = z.object({
  /** DynamoDB `state` table: the once-only `approval#<sha256(token)>` markers. */
  STATE_TABLE_NAME: RequiredEnvSchema,
  /** Secrets Manager secret (name or ARN) holding the approval-link signing key. */
  APPROVAL_SIGNING_KEY_SECRET: RequiredEnvSchema,
});
type ApprovalEnv = z.infer<typeof ApprovalEnvSchema>;

/** Parses the environment; throws ConfigurationError naming every missing or bad variable. */
const parseApprovalEnv = (env: Record<string, string | undefined>): ApprovalEnv =>
  parseEnv(ApprovalEnvSchema, env, 'Approval Lambda');

export type { ApprovalEnv };
export { ApprovalEnvSchema, parseApprovalEnv };
