import type { BaselineStore } from '../ports/index.js';
import {
  type IngestedEvent,
  IngestedEventSchema,
  type RiskAssessment,
  RiskAssessmentSchema,
  type ScoredEvent,
  ScoredEventSchema,
} from '../schemas/stages.js';

interface ScoringContext {
  readonly baseline: BaselineStore;
}

/**
 * The seam for custom scoring: a package that exports a `Scorer` replaces the default model without forking.
 * Contract (checked by the conformance suite in @aisaws/testing): score in [0, 1], deterministic for the same event
 * and baseline, an explanation of per-feature contributions, and every catalog detection scored.
 */
interface Scorer {
  readonly id: string;
  readonly version: string;
  score(event: IngestedEvent, context: ScoringContext): Promise<RiskAssessment>;
}

/** Builds the scoring stage: parse the Ingest output strictly, score, return the Score output (validated). */
function createScoringHandler(
  scorer: Scorer,
  context: ScoringContext,
): (input: unknown) => Promise<ScoredEvent> {
  return async (input) => {
    const event = IngestedEventSchema.parse(input);
    const risk = RiskAssessmentSchema.parse(await scorer.score(event, context));
    return ScoredEventSchema.parse({ ...event, risk });
  };
}

export type { Scorer, ScoringContext };
export { createScoringHandler };
