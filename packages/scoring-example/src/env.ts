import { PositiveIntEnvSchema, parseEnv } from '@aisaws/lambda-runtime';
import '@aisaws/core/zod-english';
import * as z from 'zod/mini';

/** The example scorer's environment: only the window of its in-memory baseline. */
const ExampleScoringEnvSchema = z.object({
  BASELINE_WINDOW_MINUTES: z._default(PositiveIntEnvSchema, 5),
});

type ExampleScoringEnv = z.infer<typeof ExampleScoringEnvSchema>;

/** Parses the environment; throws ConfigurationError naming the bad variable. */
const parseExampleScoringEnv = (env: Record<string, string | undefined>): ExampleScoringEnv =>
  parseEnv(ExampleScoringEnvSchema, env, 'example scoring Lambda');

export type { ExampleScoringEnv };
export { ExampleScoringEnvSchema, parseExampleScoringEnv };
