export type { ExampleScoringEnv } from './env.js';
export { ExampleScoringEnvSchema, parseExampleScoringEnv } from './env.js';
export { ConfigurationError } from './errors.js';
export type { ExampleScoringDeps } from './example-scoring.js';
export { createExampleScoringHandler } from './example-scoring.js';
export type { StageLogger } from './observability.js';
export { exampleScorer, OFFENSIVE_USER_AGENTS, RULES } from './rule-based-scorer.js';
