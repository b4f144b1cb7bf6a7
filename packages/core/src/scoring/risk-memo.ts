import { FEATURE_NAMES, type FeatureVector } from '../features/features.js';
import type { RiskAssessment } from '../schemas/stages.js';
import { assessRisk } from './logistic.js';
import type { ScoringWeights } from './weights-schema.js';

/** Distinct feature vectors remembered by default: a scan of millions of events meets a few hundred. */
const DEFAULT_MAX_ENTRIES = 10_000;

/** A level of the memo: keyed by a bit set, then by the value of each feature that is neither 0 nor 1. */
type MemoNode = Map<number, MemoNode | RiskAssessment>;

/**
 * `assessRisk(features, weights)` remembered per distinct feature vector. Most features are flags, and the few
 * continuous ones (severity, counts, call rate) take few values, so a stream of events has few distinct vectors: the
 * same vector is answered with the same (frozen) assessment object, which lets callers cache what they derive from
 * it. The vector is looked up without building a key: a bit set of its 1s, a bit set of its other non-zero features,
 * then one level per such feature, by value. Past `maxEntries` vectors, new ones are computed and not remembered.
 */
function createRiskMemo(
  weights: ScoringWeights,
  maxEntries = DEFAULT_MAX_ENTRIES,
): (features: FeatureVector) => RiskAssessment {
  const names = FEATURE_NAMES;
  // Bit sets are 31-bit integers: with more features than that, nothing is remembered.
  if (names.length > 31) return (features) => assessRisk(features, weights);
  const root: MemoNode = new Map();
  let entries = 0;
  return (features) => {
    let ones = 0;
    let others = 0;
    for (let i = 0; i < names.length; i++) {
      const value = features[names[i] as (typeof names)[number]];
      if (value === 1) ones |= 1 << i;
      else if (value !== 0) others |= 1 << i;
    }
    let node = root.get(ones) as MemoNode | undefined;
    if (node === undefined) {
      node = new Map();
      root.set(ones, node);
    }
    let key = others;
    for (let i = 0; i < names.length; i++) {
      if ((others & (1 << i)) === 0) continue;
      let next = node.get(key) as MemoNode | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(key, next);
      }
      node = next;
      key = features[names[i] as (typeof names)[number]];
    }
    const known = node.get(key) as RiskAssessment | undefined;
    if (known !== undefined) return known;
    const risk = assessRisk(features, weights);
    if (entries < maxEntries) {
      entries++;
      node.set(key, Object.freeze(risk));
    }
    return risk;
  };
}

export { createRiskMemo };
