import { PolicyEnvSchema, parseEnv, RequiredEnvSchema } from '@aisaws/lambda-runtime';
import '@aisaws/core/zod-english';
import * as z from 'zod/mini';

/** The Backtest Lambda's environment, parsed once at cold start. */
const BacktestEnvSchema = z.object({
  /** Bucket the findings (JSON Lines) are written to. */
  FINDINGS_BUCKET: RequiredEnvSchema,
  /** Key prefix of the findings: `<prefix><runId>/findings/<batch>.jsonl`. */
  FINDINGS_PREFIX: z
    ._default(z.string(), 'backtest/')
    .check(z.refine((prefix) => prefix === '' || prefix.endsWith('/'), 'must be empty or end with "/"')),
  /** POLICY_JSON: the policy as inline JSON; absent → core's DEFAULT_POLICY. */
  ...PolicyEnvSchema.shape,
  /** Most MiB read from one log object once decompressed (CloudTrail delivers a few MiB per file). */
  MAX_OBJECT_MB: z._default(
    z.coerce.number('must be a number').check(z.int('must be a whole number'), z.positive()),
    256,
  ),
});

type BacktestEnv = z.infer<typeof BacktestEnvSchema>;

/** Parses the environment; throws ConfigurationError naming every missing or bad variable. */
const parseBacktestEnv = (env: Record<string, string | undefined>): BacktestEnv =>
  parseEnv(BacktestEnvSchema, env, 'Backtest Lambda');

export type { BacktestEnv };
export { BacktestEnvSchema, parseBacktestEnv };
