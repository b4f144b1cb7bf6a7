export type { DynamoDbBaselineStoreOptions } from './dynamodb-baseline-store.js';
export { DynamoDbBaselineStore } from './dynamodb-baseline-store.js';
export type { ScoringEnv } from './env.js';
export { parseScoringEnv, ScoringEnvSchema } from './env.js';
export { ConfigurationError, EventNotFoundError } from './errors.js';
export type { StageLogger, StageMetrics } from './observability.js';
export type { ScoringDeps } from './scoring-stage.js';
export {
  createDefaultScoringHandler,
  createScoringStage,
  METRIC as SCORING_METRICS,
} from './scoring-stage.js';
