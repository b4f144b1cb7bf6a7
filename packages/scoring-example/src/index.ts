// Shared with the other stages; re-exported so callers of this package need no second import.
export type { StageLogger } from '@aisaws/lambda-runtime';
export { ConfigurationError } from '@aisaws/lambda-runtime';
export type { ExampleScoringEnv } from './env.js';
export { ExampleScoringEnvSchema, parseExampleScoringEnv } from './env.js';
export type { ExampleScoringDeps } from './example-scoring.js';
export { createExampleScoringHandler } from './example-scoring.js';
export { exampleScorer, OFFENSIVE_USER_AGENTS, RULES } from './rule-based-scorer.js';
