import { InMemoryBaselineStore } from '@aisaws/core/ports';
import {
  createPowertoolsObservability,
  type PowertoolsObservability,
} from '@aisaws/lambda-runtime/powertools';
import type { ExampleScoringEnv } from './env.js';
import type { ExampleScoringDeps } from './example-scoring.js';

/** Composition root: Powertools utilities and the in-memory baseline, built once per cold start. */
function createExampleScoringDeps(env: ExampleScoringEnv): ExampleScoringDeps & PowertoolsObservability {
  return {
    baseline: new InMemoryBaselineStore({ windowMs: env.BASELINE_WINDOW_MINUTES * 60_000 }),
    ...createPowertoolsObservability('aisaws-scoring-example'),
  };
}

export { createExampleScoringDeps };
