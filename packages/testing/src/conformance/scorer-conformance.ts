import { catalog, type DetectionRegistry } from '@aisaws/core/detections';
import { type BaselineStore, InMemoryBaselineStore } from '@aisaws/core/ports';
import {
  type IngestedEvent,
  IngestedEventSchema,
  type RiskAssessment,
  RiskAssessmentSchema,
  ScoredEventSchema,
} from '@aisaws/core/schemas';
import { createScoringHandler, type Scorer } from '@aisaws/core/scoring';
import { describe, expect, it } from '@jest/globals';
import { eventForDetection, namedSampleEvents } from './sample-events.js';

interface ScorerConformanceOptions {
  /** A fresh baseline per check; defaults to core's InMemoryBaselineStore. */
  readonly makeBaseline?: () => BaselineStore;
  /** The detections every scorer must handle; defaults to core's catalog. */
  readonly registry?: DetectionRegistry;
}

/**
 * The Scorer contract (core/scoring/scorer.ts) as a jest suite: call it from a scorer package's tests.
 * `makeScorer` must return a new scorer each call (or a stateless shared one).
 */
function describeScorerConformance(
  name: string,
  makeScorer: () => Scorer,
  options: ScorerConformanceOptions = {},
): void {
  const makeBaseline = options.makeBaseline ?? (() => new InMemoryBaselineStore());
  const registry = options.registry ?? catalog;
  const scoreFresh = (event: IngestedEvent): Promise<RiskAssessment> =>
    makeScorer().score(event, { baseline: makeBaseline() });
  const named = namedSampleEvents();
  const perDetection = registry.all.map((definition, index) => ({
    id: definition.id,
    event: eventForDetection(definition, index),
  }));

  describe(`Scorer conformance: ${name}`, () => {
    it('has a non-empty id and version, which its assessments carry as the model', async () => {
      // Prepare
      const scorer = makeScorer();
      const sample = named[0];
      if (!sample) throw new Error('no sample event');
      // Act
      const risk = await scorer.score(sample.event, { baseline: makeBaseline() });
      // Assess
      expect(scorer.id).toMatch(/\S/);
      expect(scorer.version).toMatch(/\S/);
      expect(risk.model).toEqual({ id: scorer.id, version: scorer.version });
    });

    it.each(named.map((s) => [s.name, s.event] as const))(
      '%s: returns a valid RiskAssessment, score in [0, 1], with an explanation',
      async (_label, event) => {
        // Act
        const risk = await scoreFresh(event);
        // Assess
        const parsed = RiskAssessmentSchema.safeParse(risk);
        expect(parsed.error?.issues).toBeUndefined();
        expect(risk.score).toBeGreaterThanOrEqual(0);
        expect(risk.score).toBeLessThanOrEqual(1);
        expect(risk.explanation.length).toBeGreaterThan(0);
        for (const contribution of risk.explanation)
          expect(Number.isFinite(contribution.contribution)).toBe(true);
      },
    );

    it('is deterministic: the same event with a fresh baseline gets the same assessment', async () => {
      for (const { event } of [...named, ...perDetection]) {
        // Act
        const first = await scoreFresh(structuredClone(event));
        const second = await scoreFresh(structuredClone(event));
        // Assess
        expect(second).toEqual(first);
      }
    });

    it('does not modify the event it scores', async () => {
      for (const { event } of named) {
        // Prepare
        const before = structuredClone(event);
        // Act
        await scoreFresh(event);
        // Assess
        expect(event).toEqual(before);
      }
    });

    if (perDetection.length > 0)
      it.each(perDetection.map((s) => [s.id, s.event] as const))(
        'scores catalog detection %s in [0, 1] with an explanation',
        async (_id, event) => {
          // Prepare
          expect(IngestedEventSchema.safeParse(event).success).toBe(true);
          // Act
          const risk = await scoreFresh(event);
          // Assess
          expect(RiskAssessmentSchema.safeParse(risk).success).toBe(true);
          expect(risk.score).toBeGreaterThanOrEqual(0);
          expect(risk.score).toBeLessThanOrEqual(1);
          expect(risk.explanation.length).toBeGreaterThan(0);
        },
      );

    it('plugs into createScoringHandler: the output parses as ScoredEvent and keeps the Ingest output', async () => {
      // Prepare
      const handler = createScoringHandler(makeScorer(), { baseline: makeBaseline() });
      for (const { event } of named) {
        // Act
        const scored = await handler(JSON.parse(JSON.stringify(event)));
        // Assess
        expect(ScoredEventSchema.safeParse(scored).success).toBe(true);
        const { risk: _risk, ...ingested } = scored;
        expect(ingested).toEqual(IngestedEventSchema.parse(event));
      }
    });

    it('is rejected by createScoringHandler when the input is not an Ingest output', async () => {
      // Prepare
      const handler = createScoringHandler(makeScorer(), { baseline: makeBaseline() });
      const sample = named[0];
      if (!sample) throw new Error('no sample event');
      const { summary: _summary, ...withoutSummary } = sample.event;
      // Act & Assess
      await expect(handler(withoutSummary)).rejects.toThrow(/summary/);
    });
  });
}

export type { ScorerConformanceOptions };
export { describeScorerConformance };
