export { createScoringHandler } from './scorer.js';
export type { Scorer, ScoringContext } from './scorer.js';
