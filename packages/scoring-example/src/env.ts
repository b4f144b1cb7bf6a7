import { z } from 'zod';
import { ConfigurationError } from './errors.js';

/** The example scorer's environment: only the window of its in-memory baseline. */
const ExampleScoringEnvSchema = z.object({
  BASELINE_WINDOW_MINUTES: z.coerce
    .number('must be a number')
    .int('must be a whole number')
    .positive('must be > 0')
    .default(5),
});

type ExampleScoringEnv = z.infer<typeof ExampleScoringEnvSchema>;

function parseExampleScoringEnv(env: Record<string, string | undefined>): ExampleScoringEnv {
  const result = ExampleScoringEnvSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigurationError(`invalid environment for the example scoring Lambda: ${problems.join('; ')}`);
}

export type { ExampleScoringEnv };
export { ExampleScoringEnvSchema, parseExampleScoringEnv };
