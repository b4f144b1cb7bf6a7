import { DEFAULT_POLICY, type Policy, parsePolicy } from '@aisaws/core/policy';
import '@aisaws/core/zod-english';
import * as z from 'zod/mini';
import { ConfigurationError } from './errors.js';

/**
 * The variables of the stages that decide (Decision, Backtest): `POLICY_JSON`, the policy as inline JSON (the
 * infra writes the environment's policy file there); absent → core's DEFAULT_POLICY. Spread `.shape` into yours.
 */
const PolicyEnvSchema = z.object({
  POLICY_JSON: z.optional(z.string().check(z.trim(), z.minLength(1, 'must not be empty when set'))),
});

type PolicyEnv = z.infer<typeof PolicyEnvSchema>;

/**
 * The policy in force: POLICY_JSON parsed with core's parsePolicy (a bad field throws core's PolicyError naming
 * `POLICY_JSON: <field>: <problem>`), or DEFAULT_POLICY when it is not set. Text that is not JSON throws
 * ConfigurationError `POLICY_JSON: not valid JSON (…)`.
 */
function loadPolicy(env: PolicyEnv): Policy {
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

export type { PolicyEnv };
export { loadPolicy, PolicyEnvSchema };
