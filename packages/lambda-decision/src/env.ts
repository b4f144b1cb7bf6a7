import { IdempotencyEnvSchema, PolicyEnvSchema, parseEnv, RequiredEnvSchema } from '@aisaws/lambda-runtime';
import '@aisaws/core/zod-english';
import * as z from 'zod/mini';

/** The Decision Lambda's environment, parsed once at cold start. */
const DecisionEnvSchema = z.object({
  /** DynamoDB `events` table (the decision is recorded there). */
  EVENTS_TABLE: RequiredEnvSchema,
  /** DynamoDB `state` table (rate-limit counters). */
  STATE_TABLE: RequiredEnvSchema,
  /** POLICY_JSON: the policy as inline JSON; absent → core's DEFAULT_POLICY. */
  ...PolicyEnvSchema.shape,
  /** The account this Lambda runs in: its resources' tags are read with its own role. */
  OWN_ACCOUNT_ID: RequiredEnvSchema.check(
    z.regex(/^\d{12}$/, 'must be the 12-digit id of the account this Lambda runs in'),
  ),
  /** The member role read a member resource's tags with (`aisaws-<env>-member-tag-reader`: tag:GetResources only). */
  TAG_READER_ROLE_NAME: RequiredEnvSchema,
  /** The ExternalId the member roles require. */
  MEMBER_ROLE_EXTERNAL_ID: RequiredEnvSchema.check(
    z.minLength(2, 'must be the ExternalId the member role requires'),
  ),
  /** IDEMPOTENCY_TABLE and IDEMPOTENCY_TTL_SECONDS. */
  ...IdempotencyEnvSchema.shape,
});

type DecisionEnv = z.infer<typeof DecisionEnvSchema>;

/** Parses the environment; throws ConfigurationError naming every missing or bad variable. */
const parseDecisionEnv = (env: Record<string, string | undefined>): DecisionEnv =>
  parseEnv(DecisionEnvSchema, env, 'Decision Lambda');

export type { DecisionEnv };
export { DecisionEnvSchema, parseDecisionEnv };
