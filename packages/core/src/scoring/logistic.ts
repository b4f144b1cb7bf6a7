import { FEATURE_DESCRIPTIONS, FEATURE_NAMES, type FeatureVector } from '../features/features.js';
import type { FeatureContribution, RiskAssessment } from '../schemas/stages.js';
import type { ScoringWeights } from './weights-schema.js';

/** The intercept's name in an explanation. */
const BIAS_FEATURE = 'bias';

const sigmoid = (logit: number): number => 1 / (1 + Math.exp(-logit));

/** bias + Σ wᵢ·xᵢ */
function logitOf(features: FeatureVector, weights: ScoringWeights): number {
  let logit = weights.bias;
  for (const name of FEATURE_NAMES) logit += (weights.weights[name] ?? 0) * features[name];
  return logit;
}

/**
 * Pure scoring for hot paths: score = sigmoid(logit), explanation = the non-zero per-feature contributions wᵢ·xᵢ
 * sorted by |contribution| (largest first), then the intercept `bias` last, so that the contributions always sum
 * to the logit.
 */
function assessRisk(features: FeatureVector, weights: ScoringWeights): RiskAssessment {
  const explanation: FeatureContribution[] = [];
  let logit = weights.bias;
  for (const name of FEATURE_NAMES) {
    const value = features[name];
    const contribution = (weights.weights[name] ?? 0) * value;
    logit += contribution;
    if (contribution !== 0) {
      const entry: FeatureContribution = { feature: name, value, contribution };
      const description = FEATURE_DESCRIPTIONS.get(name);
      if (description) entry.description = description;
      explanation.push(entry);
    }
  }
  explanation.sort(
    (a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.feature.localeCompare(b.feature),
  );
  explanation.push({
    feature: BIAS_FEATURE,
    value: 1,
    contribution: weights.bias,
    description: 'Intercept: the log-odds of an event with every feature at 0.',
  });
  return { score: sigmoid(logit), model: { id: weights.modelId, version: weights.version }, explanation };
}

export { assessRisk, BIAS_FEATURE, logitOf, sigmoid };
