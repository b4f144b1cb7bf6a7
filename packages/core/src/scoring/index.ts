export type { CalibrationScenario } from './calibration.js';
export {
  ACTIONABLE_FLOOR_SCORE,
  ACTIONABLE_FLOOR_SEVERITY,
  CALIBRATION_SCENARIOS,
  KNOWN_PRINCIPAL,
} from './calibration.js';
export { DEFAULT_WEIGHTS, defaultScorer } from './default-scorer.js';
export { assessRisk, BIAS_FEATURE, logitOf, sigmoid } from './logistic.js';
export { createLogisticScorer, scoreSync } from './logistic-scorer.js';
export { observationOf } from './observation.js';
export { createRiskMemo } from './risk-memo.js';
export type { Scorer, ScoringContext } from './scorer.js';
export { createScoringHandler } from './scorer.js';
export type { ScoringMetrics, ScoringWeights, WeightsProvenance } from './weights-schema.js';
export { ScoringWeightsSchema } from './weights-schema.js';
