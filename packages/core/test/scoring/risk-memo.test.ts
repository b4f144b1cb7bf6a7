import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { FEATURE_NAMES, type FeatureVector } from '../../src/features/index.js';
import { assessRisk, createRiskMemo, DEFAULT_WEIGHTS } from '../../src/scoring/index.js';

/** Feature vectors as events give them: mostly flags, a few continuous values (severity, rate, denied share). */
const featureVector = fc
  .array(
    fc.oneof(
      fc.constant(0),
      fc.constant(1),
      fc.constantFrom(0.25, 0.5, 0.9, 1 / 3),
      fc.double({ min: 0, max: 1, noNaN: true }),
    ),
    {
      minLength: FEATURE_NAMES.length,
      maxLength: FEATURE_NAMES.length,
    },
  )
  .map(
    (values) => Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, values[i] ?? 0])) as FeatureVector,
  );

describe('createRiskMemo', () => {
  it('answers exactly what assessRisk answers, for every vector, remembered or not', () => {
    const memo = createRiskMemo(DEFAULT_WEIGHTS, 50);
    fc.assert(
      fc.property(fc.array(featureVector, { minLength: 1, maxLength: 20 }), (vectors) => {
        // Each vector twice: once computed, once (perhaps) remembered.
        for (const features of [...vectors, ...vectors])
          expect(memo(features)).toEqual(assessRisk(features, DEFAULT_WEIGHTS));
      }),
      { numRuns: 300 },
    );
  });

  it('answers the same object for the same vector, and different ones for vectors that differ in one feature', () => {
    const memo = createRiskMemo(DEFAULT_WEIGHTS);
    const base = Object.fromEntries(FEATURE_NAMES.map((name) => [name, 0])) as Record<string, number>;
    const a = { ...base, identity_iam_user: 1, call_rate: 0.5 } as FeatureVector;
    const b = { ...base, identity_iam_user: 1, call_rate: 0.25 } as FeatureVector;
    const c = { ...base, identity_assumed_role: 1, call_rate: 0.5 } as FeatureVector;
    expect(memo({ ...a })).toBe(memo({ ...a }));
    expect(memo(b)).not.toBe(memo(a));
    expect(memo(c)).not.toBe(memo(a));
    expect(memo(b).score).not.toBe(memo(a).score);
  });
});
