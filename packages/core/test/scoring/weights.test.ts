import { describe, expect, it } from '@jest/globals';
import { FEATURE_NAMES } from '../../src/features/index.js';
import { ScoringWeightsSchema } from '../../src/scoring/index.js';
import { FITTED_WEIGHTS } from '../../src/scoring/weights.js';

describe('committed weights', () => {
  const weights = ScoringWeightsSchema.parse(FITTED_WEIGHTS);

  it('parse, and weigh exactly the extracted features', () => {
    // Assess
    expect(weights.modelId).toBe('aisaws.logistic');
    expect(Object.keys(weights.weights).sort()).toEqual([...FEATURE_NAMES].sort());
  });

  it('carry their provenance: fitter, datasets with commits and label counts, method, metrics', () => {
    // Assess
    const { provenance } = weights;
    expect(provenance.generator).toBe('scripts/fit-scoring-model.ts');
    expect(provenance.datasets.map((d) => d.name)).toEqual(
      expect.arrayContaining(['stratus-red-team', 'invictus-ir-aws-dataset']),
    );
    for (const dataset of provenance.datasets) {
      expect(dataset.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(dataset.positives + dataset.negatives).toBeGreaterThan(0);
    }
    expect(provenance.method).toMatch(/logistic regression/);
    expect(provenance.metrics.heldOut.examples).toBeGreaterThan(0);
    expect(provenance.metrics.heldOut.positives).toBeGreaterThan(0);
    expect(provenance.metrics.heldOut.auc).toBeGreaterThan(0.5);
  });

  it('record the calibration requirements as met constraints', () => {
    // Assess
    const names = weights.provenance.constraints.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'seed-public-bucket-acl',
        'root-console-login-without-mfa',
        'benign-describe-known-principal',
        'actionable-hit-floor',
      ]),
    );
  });
});
