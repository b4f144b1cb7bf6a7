import { DEFAULT_POLICY, type Policy, parsePolicy } from '@aisaws/core/policy';
import { z } from 'zod';
import { ConfigurationError } from './errors.js';

const NonEmpty = z.string('must be set').trim().min(1, 'must not be empty');

/** The Decision Lambda's environment, parsed once at cold start. */
const DecisionEnvSchema = z.object({
  /** DynamoDB `events` table (the decision is recorded there). */
  EVENTS_TABLE: NonEmpty,
  /** DynamoDB `state` table (rate-limit counters). */
  STATE_TABLE: NonEmpty,
  /** DynamoDB table of the Powertools idempotency layer. */
  IDEMPOTENCY_TABLE: NonEmpty,
  /** The policy as inline JSON; absent → core's DEFAULT_POLICY (bundled). */
  POLICY_JSON: z.string().trim().min(1, 'must not be empty when set').optional(),
  IDEMPOTENCY_TTL_SECONDS: z.coerce.number('must be a number').int().positive().default(3600),
});

type DecisionEnv = z.infer<typeof DecisionEnvSchema>;

/** Parses the environment; throws ConfigurationError naming every missing or bad variable. */
function parseDecisionEnv(env: Record<string, string | undefined>): DecisionEnv {
  const result = DecisionEnvSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigurationError(`invalid environment for the Decision Lambda: ${problems.join('; ')}`);
}

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
