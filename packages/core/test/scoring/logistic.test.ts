import { describe, expect, it } from '@jest/globals';
import { extractFeatures, FEATURE_NAMES } from '../../src/features/index.js';
import { InMemoryBaselineStore } from '../../src/ports/index.js';
import { ScoredEventSchema } from '../../src/schemas/index.js';
import {
  assessRisk,
  BIAS_FEATURE,
  createLogisticScorer,
  createScoringHandler,
  DEFAULT_WEIGHTS,
  defaultScorer,
  logitOf,
  type ScoringWeights,
  scoreSync,
} from '../../src/scoring/index.js';
import { FIRST_SEEN, iamUserRecord, ingest, publicAclRecord, WELL_KNOWN } from './fixtures.js';

const logitFrom = (score: number): number => Math.log(score / (1 - score));

function weightsWith(bias: number, weights: Record<string, number>): ScoringWeights {
  return {
    ...DEFAULT_WEIGHTS,
    modelId: 'test.logistic',
    version: '9.9.9',
    bias,
    weights: Object.fromEntries(FEATURE_NAMES.map((name) => [name, weights[name] ?? 0])),
  };
}

describe('assessRisk', () => {
  it('explains the score: the contributions sum to the logit', () => {
    // Prepare
    const cases = [
      extractFeatures(ingest(publicAclRecord()), FIRST_SEEN),
      extractFeatures(ingest(iamUserRecord()), WELL_KNOWN),
      extractFeatures(ingest(iamUserRecord({ errorCode: 'AccessDenied' })), {
        ...WELL_KNOWN,
        recentDenied: 4,
      }),
    ];

    for (const features of cases) {
      // Act
      const risk = assessRisk(features, DEFAULT_WEIGHTS);

      // Assess
      const sum = risk.explanation.reduce((total, c) => total + c.contribution, 0);
      expect(sum).toBeCloseTo(logitOf(features, DEFAULT_WEIGHTS), 10);
      expect(sum).toBeCloseTo(logitFrom(risk.score), 8);
    }
  });

  it('lists non-zero contributions by decreasing magnitude, then the bias', () => {
    // Prepare
    const weights = weightsWith(-2, {
      detection_max_severity: 3,
      ua_aws_cli: -0.5,
      ip_public: 0.25,
      read_only: 4,
    });
    const features = extractFeatures(ingest(publicAclRecord()), FIRST_SEEN);

    // Act
    const { explanation } = assessRisk(features, weights);

    // Assess
    expect(explanation.map((c) => c.feature)).toEqual([
      'detection_max_severity',
      'ua_aws_cli',
      'ip_public',
      BIAS_FEATURE,
    ]);
    expect(explanation[0]).toMatchObject({ value: 0.85, contribution: 3 * 0.85 });
    expect(explanation[0]?.description).toEqual(expect.any(String));
    expect(explanation.at(-1)).toMatchObject({ feature: BIAS_FEATURE, value: 1, contribution: -2 });
  });

  it('is sigmoid(bias + Σ wᵢ·xᵢ)', () => {
    // Prepare
    const weights = weightsWith(-1, { detection_actionable: 2 });
    const features = extractFeatures(ingest(publicAclRecord()), FIRST_SEEN);

    // Act
    const risk = assessRisk(features, weights);

    // Assess
    expect(risk.score).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
    expect(risk.model).toEqual({ id: 'test.logistic', version: '9.9.9' });
  });
});

describe('createLogisticScorer', () => {
  it('scores with the weights it is given (a custom package reuses the model)', async () => {
    // Prepare
    const scorer = createLogisticScorer(weightsWith(0, {}));

    // Act
    const risk = await scorer.score(ingest(publicAclRecord()), { baseline: new InMemoryBaselineStore() });

    // Assess
    expect(scorer.id).toBe('test.logistic');
    expect(scorer.version).toBe('9.9.9');
    expect(risk.score).toBe(0.5);
  });

  it('refuses weights that miss a feature or name an unknown one, naming them', () => {
    // Prepare
    const { detection_actionable: _dropped, ...missing } = DEFAULT_WEIGHTS.weights;
    const unknown = { ...DEFAULT_WEIGHTS.weights, mystery_signal: 1 };

    // Act & Assess
    expect(() => createLogisticScorer({ ...DEFAULT_WEIGHTS, weights: missing })).toThrow(
      'missing weight for feature detection_actionable',
    );
    expect(() => createLogisticScorer({ ...DEFAULT_WEIGHTS, weights: unknown })).toThrow(
      'unknown feature mystery_signal',
    );
    expect(() => createLogisticScorer({ ...DEFAULT_WEIGHTS, bias: Number.NaN })).toThrow(/bias/);
  });

  it('observes the baseline: the same call scores differently for a stranger and a regular', async () => {
    // Prepare
    const scorer = createLogisticScorer(weightsWith(0, { first_seen_principal: 2 }));
    const store = new InMemoryBaselineStore();
    for (let i = 0; i < 5; i++)
      await scorer.score(
        ingest(iamUserRecord({ eventID: `warm-${i}`, eventTime: `2026-11-20T09:5${i}:00Z` })),
        {
          baseline: store,
        },
      );

    // Act
    const stranger = await scorer.score(ingest(iamUserRecord({ eventID: 'first' })), {
      baseline: new InMemoryBaselineStore(),
    });
    const regular = await scorer.score(ingest(iamUserRecord({ eventID: 'regular' })), { baseline: store });

    // Assess
    expect(stranger.score).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
    expect(regular.score).toBe(0.5);
  });

  it('is deterministic: the same event and baseline give the same assessment', () => {
    // Prepare
    const event = ingest(publicAclRecord());

    // Act
    const first = scoreSync(event, WELL_KNOWN, DEFAULT_WEIGHTS);
    const second = scoreSync(event, WELL_KNOWN, DEFAULT_WEIGHTS);

    // Assess
    expect(second).toEqual(first);
  });
});

describe('defaultScorer', () => {
  it('is the logistic model with the committed weights', () => {
    // Assess
    expect(defaultScorer.id).toBe('aisaws.logistic');
    expect(defaultScorer.version).toBe(DEFAULT_WEIGHTS.version);
  });

  it('plugs into the scoring stage and produces a valid Score output', async () => {
    // Prepare
    const handler = createScoringHandler(defaultScorer, { baseline: new InMemoryBaselineStore() });

    // Act
    const output = await handler(ingest(publicAclRecord()));

    // Assess
    expect(ScoredEventSchema.parse(output).risk.model.id).toBe('aisaws.logistic');
    expect(output.risk.explanation.length).toBeGreaterThan(1);
  });
});
