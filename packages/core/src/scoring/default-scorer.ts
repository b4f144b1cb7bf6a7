import { createLogisticScorer } from './logistic-scorer.js';
import type { Scorer } from './scorer.js';
import { FITTED_WEIGHTS } from './weights.js';
import { type ScoringWeights, ScoringWeightsSchema } from './weights-schema.js';

/** The committed, fitted weights (validated at import: a broken weights file fails loudly, naming the field). */
const DEFAULT_WEIGHTS: ScoringWeights = ScoringWeightsSchema.parse(FITTED_WEIGHTS);

/** The default scorer (`aisaws.logistic`): baseline → features → logistic model with the committed weights. */
const defaultScorer: Scorer = createLogisticScorer(DEFAULT_WEIGHTS);

export { DEFAULT_WEIGHTS, defaultScorer };
