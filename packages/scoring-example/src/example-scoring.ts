import { type BaselineStore, InMemoryBaselineStore } from '@aisaws/core/ports';
import type { ScoredEvent } from '@aisaws/core/schemas';
import { createScoringHandler } from '@aisaws/core/scoring';
import { type StageLogger, silentLogger } from '@aisaws/lambda-runtime';
import { exampleScorer } from './rule-based-scorer.js';

interface ExampleScoringDeps {
  /** Defaults to an in-memory baseline (per Lambda container): this scorer only uses it for the new-IP rule. */
  readonly baseline?: BaselineStore;
  /** Only `info` is called, so any logger with it fits. */
  readonly logger?: Pick<StageLogger, 'info'>;
}

/** The factory: core's createScoringHandler with the example scorer. That is all a custom scorer needs. */
function createExampleScoringHandler(
  deps: ExampleScoringDeps = {},
): (event: unknown) => Promise<ScoredEvent> {
  const logger = deps.logger ?? silentLogger;
  const score = createScoringHandler(exampleScorer, {
    baseline: deps.baseline ?? new InMemoryBaselineStore(),
  });
  return async (event) => {
    const scored = await score(event);
    logger.info('event scored', {
      score: scored.risk.score,
      rules: scored.risk.explanation.map((c) => c.feature),
    });
    return scored;
  };
}

export type { ExampleScoringDeps };
export { createExampleScoringHandler };
