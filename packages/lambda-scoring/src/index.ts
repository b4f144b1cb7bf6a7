// Shared with the other stages; re-exported so callers of this package need no second import.
export type { StageLogger, StageMetrics } from '@aisaws/lambda-runtime';
export { ConfigurationError } from '@aisaws/lambda-runtime';
export type { DynamoDbBaselineStoreOptions } from './dynamodb-baseline-store.js';
export { DynamoDbBaselineStore } from './dynamodb-baseline-store.js';
export type { ScoringEnv } from './env.js';
export { parseScoringEnv, ScoringEnvSchema } from './env.js';
export { EventNotFoundError } from './errors.js';
export type { ScoringDeps } from './scoring-stage.js';
export {
  createDefaultScoringHandler,
  createScoringStage,
  METRIC as SCORING_METRICS,
} from './scoring-stage.js';
