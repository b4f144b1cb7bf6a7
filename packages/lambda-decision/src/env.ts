import { IdempotencyEnvSchema, PolicyEnvSchema, parseEnv, RequiredEnvSchema } from '@aisaws/lambda-runtime';
import * as z from 'zod';

/** The Decision Lambda's environment, parsed once at cold start. */
const DecisionEnvSchema = z.object({
  /** DynamoDB `events` table (the decision is recorded there). */
  EVENTS_TABLE: RequiredEnvSchema,
  /** DynamoDB `state` table (rate-limit counters). */
  STATE_TABLE: RequiredEnvSchema,
  /** POLICY_JSON: the policy as inline JSON; absent → core's DEFAULT_POLICY. */
  ...PolicyEnvSchema.shape,
  /** IDEMPOTENCY_TABLE and IDEMPOTENCY_TTL_SECONDS. */
  ...IdempotencyEnvSchema.shape,
});

type DecisionEnv = z.infer<typeof DecisionEnvSchema>;

/** Parses the environment; throws ConfigurationError naming every missing or bad variable. */
const parseDecisionEnv = (env: Record<string, string | undefined>): DecisionEnv =>
  parseEnv(DecisionEnvSchema, env, 'Decision Lambda');

export type { DecisionEnv };
export { DecisionEnvSchema, parseDecisionEnv };
