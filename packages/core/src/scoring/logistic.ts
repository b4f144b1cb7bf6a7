import { FEATURE_NAMES, FEATURES, type FeatureVector } from '../features/features.js';
import type { FeatureContribution, RiskAssessment } from '../schemas/stages.js';
import type { ScoringWeights } from './weights-schema.js';

/** The intercept's name in an explanation. */
const BIAS_FEATURE = 'bias';

const BIAS_DESCRIPTION = 'Intercept: the log-odds of an event with every feature at 0.';

const sigmoid = (logit: number): number => 1 / (1 + Math.exp(-logit));

/** bias + Σ wᵢ·xᵢ */
function logitOf(features: FeatureVector, weights: ScoringWeights): number {
  let logit = weights.bias;
  for (const name of FEATURE_NAMES) logit += (weights.weights[name] ?? 0) * features[name];
  return logit;
}

/** Largest |contribution| first; ties by feature name. */
const byContribution = (a: FeatureContribution, b: FeatureContribution): number =>
  Math.abs(b.contribution) - Math.abs(a.contribution) || a.feature.localeCompare(b.feature);

/**
 * Pure scoring for hot paths: score = sigmoid(logit), explanation = the non-zero per-feature contributions wᵢ·xᵢ
 * sorted by |contribution| (largest first), then the intercept `bias` last, so that the contributions always sum
 * to the logit.
 */
function assessRisk(features: FeatureVector, weights: ScoringWeights): RiskAssessment {
  const explanation: FeatureContribution[] = [];
  const weightOf = weights.weights;
  let logit = weights.bias;
  // By index over FEATURES (same order as FEATURE_NAMES): the description comes with the name, no lookup.
  for (let i = 0; i < FEATURES.length; i++) {
    const feature = FEATURES[i];
    if (feature === undefined) continue;
    const name = feature.name;
    const value = features[name];
    const contribution = (weightOf[name] ?? 0) * value;
    logit += contribution;
    if (contribution !== 0) {
      // Every feature has a non-empty description: one literal shape for every entry.
      explanation.push({ feature: name, value, contribution, description: feature.description });
    }
  }
  if (explanation.length > 1) explanation.sort(byContribution);
  explanation.push({
    feature: BIAS_FEATURE,
    value: 1,
    contribution: weights.bias,
    description: BIAS_DESCRIPTION,
  });
  return { score: sigmoid(logit), model: { id: weights.modelId, version: weights.version }, explanation };
}

export { assessRisk, BIAS_FEATURE, logitOf, sigmoid };
