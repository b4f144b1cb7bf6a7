import { DEFAULT_POLICY, type Policy, parsePolicy } from '@aisaws/core/policy';
import { ConfigurationError, parseEnv, RequiredEnvSchema } from '@aisaws/lambda-runtime';
import { z } from 'zod';

/** The Backtest Lambda's environment, parsed once at cold start. */
const BacktestEnvSchema = z.object({
  /** Bucket the findings (JSON Lines) are written to. */
  FINDINGS_BUCKET: RequiredEnvSchema,
  /** Key prefix of the findings: `<prefix><runId>/findings/<batch>.jsonl`. */
  FINDINGS_PREFIX: z
    .string()
    .default('backtest/')
    .refine((prefix) => prefix === '' || prefix.endsWith('/'), 'must be empty or end with "/"'),
  /** The policy as inline JSON (the same as the Decision Lambda's); absent → core's DEFAULT_POLICY. */
  POLICY_JSON: z.string().trim().min(1, 'must not be empty when set').optional(),
  /** Most MiB read from one log object once decompressed (CloudTrail delivers a few MiB per file). */
  MAX_OBJECT_MB: z.coerce.number('must be a number').int('must be a whole number').positive().default(256),
});

type BacktestEnv = z.infer<typeof BacktestEnvSchema>;

/** Parses the environment; throws ConfigurationError naming every missing or bad variable. */
const parseBacktestEnv = (env: Record<string, string | undefined>): BacktestEnv =>
  parseEnv(BacktestEnvSchema, env, 'Backtest Lambda');

/** POLICY_JSON parsed with core's parsePolicy (a bad field names `POLICY_JSON: <field>`), or DEFAULT_POLICY. */
function loadPolicy(env: Pick<BacktestEnv, 'POLICY_JSON'>): Policy {
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

export type { BacktestEnv };
export { BacktestEnvSchema, loadPolicy, parseBacktestEnv };
