import { extractFeatures } from '../features/features.js';
import type { BaselineSnapshot } from '../ports/index.js';
import type { IngestedEvent, RiskAssessment } from '../schemas/stages.js';
import { assessRisk } from './logistic.js';
import { observationOf } from './observation.js';
import type { Scorer } from './scorer.js';
import { type ScoringWeights, ScoringWeightsSchema } from './weights-schema.js';

/** Pure, synchronous scoring of one event against a baseline snapshot (what `scan` calls in its loop). */
function scoreSync(
  event: IngestedEvent,
  baseline: BaselineSnapshot,
  weights: ScoringWeights,
): RiskAssessment {
  return assessRisk(extractFeatures(event, baseline), weights);
}

/**
 * A Scorer over the logistic model with the given weights (validated here, so a bad weights file fails at start,
 * naming the field): observe the baseline → extract features → score and explain.
 */
function createLogisticScorer(weights: unknown): Scorer {
  const parsed = ScoringWeightsSchema.parse(weights);
  return {
    id: parsed.modelId,
    version: parsed.version,
    async score(event, context) {
      const snapshot = await context.baseline.observe(observationOf(event));
      return scoreSync(event, snapshot, parsed);
    },
  };
}

export { createLogisticScorer, scoreSync };
