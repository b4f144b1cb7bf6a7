import { z } from 'zod';
import { ConfigurationError } from './errors.js';

const NonEmpty = z.string('must be set').trim().min(1, 'must not be empty');
const PositiveInt = z.coerce.number('must be a number').int('must be a whole number').positive('must be > 0');

/** The Scoring Lambda's environment, parsed once at cold start. */
const ScoringEnvSchema = z.object({
  /** DynamoDB `events` table (status SCORED and the risk are recorded there). */
  EVENTS_TABLE: NonEmpty,
  /** DynamoDB `baseline` table (behaviour per principal). */
  BASELINE_TABLE: NonEmpty,
  /** DynamoDB table of the Powertools idempotency layer. */
  IDEMPOTENCY_TABLE: NonEmpty,
  /** Sliding window of the recent-calls counters, in minutes. */
  BASELINE_WINDOW_MINUTES: PositiveInt.default(5),
  /** Days a first-seen API/IP/region is remembered without being seen again. */
  BASELINE_TTL_DAYS: PositiveInt.default(90),
  IDEMPOTENCY_TTL_SECONDS: PositiveInt.default(3600),
});

type ScoringEnv = z.infer<typeof ScoringEnvSchema>;

/** Parses the environment; throws ConfigurationError naming every missing or bad variable. */
function parseScoringEnv(env: Record<string, string | undefined>): ScoringEnv {
  const result = ScoringEnvSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigurationError(`invalid environment for the Scoring Lambda: ${problems.join('; ')}`);
}

export type { ScoringEnv };
export { parseScoringEnv, ScoringEnvSchema };
