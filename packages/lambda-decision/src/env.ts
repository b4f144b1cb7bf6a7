import { DEFAULT_POLICY, type Policy, parsePolicy } from '@aisaws/core/policy';
import {
  ConfigurationError,
  IdempotencyEnvSchema,
  parseEnv,
  RequiredEnvSchema,
} from '@aisaws/lambda-runtime';
import { z } from 'zod';

/** The Decision Lambda's environment, parsed once at cold start. */
const DecisionEnvSchema = z.object({
  /** DynamoDB `events` table (the decision is recorded there). */
  EVENTS_TABLE: RequiredEnvSchema,
  /** DynamoDB `state` table (rate-limit counters). */
  STATE_TABLE: RequiredEnvSchema,
  /** The policy as inline JSON; absent → core's DEFAULT_POLICY (bundled). */
  POLICY_JSON: z.string().trim().min(1, 'must not be empty when set').optional(),
  /** IDEMPOTENCY_TABLE and IDEMPOTENCY_TTL_SECONDS. */
  ...IdempotencyEnvSchema.shape,
});

type DecisionEnv = z.infer<typeof DecisionEnvSchema>;

/** Parses the environment; throws ConfigurationError naming every missing or bad variable. */
const parseDecisionEnv = (env: Record<string, string | undefined>): DecisionEnv =>
  parseEnv(DecisionEnvSchema, env, 'Decision Lambda');

/**
 * The policy in force: POLICY_JSON parsed with core's parsePolicy (a bad field throws core's PolicyError naming
 * `POLICY_JSON: <field>: <problem>`), or DEFAULT_POLICY when it is not set.
 */
function loadPolicy(env: Pick<DecisionEnv, 'POLICY_JSON'>): Policy {
  if (env.POLICY_JSON === undefined) return DEFAULT_POLICY;
  let json: unknown;
  try {
    json = JSON.parse(env.POLICY_JSON);
  } catch (error) {
    throw new ConfigurationError(
      `POLICY_JSON: not valid JSON (${error instanceof Error ? error.message : error})`,
    );
  }
  return parsePolicy(json, 'POLICY_JSON');
}

export type { DecisionEnv };
export { DecisionEnvSchema, loadPolicy, parseDecisionEnv };
