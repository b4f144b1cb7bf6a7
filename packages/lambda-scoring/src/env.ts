import {
  IdempotencyEnvSchema,
  PositiveIntEnvSchema,
  parseEnv,
  RequiredEnvSchema,
} from '@aisaws/lambda-runtime';
import '@aisaws/core/zod-english';
import * as z from 'zod/mini';

/** The Scoring Lambda's environment, parsed once at cold start. */
const ScoringEnvSchema = z.object({
  /** DynamoDB `events` table (status SCORED and the risk are recorded there). */
  EVENTS_TABLE: RequiredEnvSchema,
  /** DynamoDB `baseline` table (behaviour per principal). */
  BASELINE_TABLE: RequiredEnvSchema,
  /** Sliding window of the recent-calls counters, in minutes. */
  BASELINE_WINDOW_MINUTES: z._default(PositiveIntEnvSchema, 5),
  /** Days a first-seen API/IP/region is remembered without being seen again. */
  BASELINE_TTL_DAYS: z._default(PositiveIntEnvSchema, 90),
  /** IDEMPOTENCY_TABLE and IDEMPOTENCY_TTL_SECONDS. */
  ...IdempotencyEnvSchema.shape,
});

type ScoringEnv = z.infer<typeof ScoringEnvSchema>;

/** Parses the environment; throws ConfigurationError naming every missing or bad variable. */
const parseScoringEnv = (env: Record<string, string | undefined>): ScoringEnv =>
  parseEnv(ScoringEnvSchema, env, 'Scoring Lambda');

export type { ScoringEnv };
export { parseScoringEnv, ScoringEnvSchema };
