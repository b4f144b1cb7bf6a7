import { InMemoryBaselineStore } from '@aisaws/core/ports';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { ExampleScoringEnv } from './env.js';
import type { ExampleScoringDeps } from './example-scoring.js';

/** Composition root: Powertools utilities and the in-memory baseline, built once per cold start. */
function createExampleScoringDeps(
  env: ExampleScoringEnv,
): ExampleScoringDeps & { logger: Logger; metrics: Metrics } {
  return {
    baseline: new InMemoryBaselineStore({ windowMs: env.BASELINE_WINDOW_MINUTES * 60_000 }),
    logger: new Logger({ serviceName: 'aisaws-scoring-example' }),
    metrics: new Metrics({ namespace: 'AISAWS', serviceName: 'aisaws-scoring-example' }),
  };
}

export { createExampleScoringDeps };
