// Shared with the other stages; re-exported so callers of this package need no second import.
export type { StageLogger, StageMetrics } from '@aisaws/lambda-runtime';
export { ConfigurationError } from '@aisaws/lambda-runtime';
export type { DecisionDeps } from './decision-stage.js';
export { createDecisionHandler, METRIC as DECISION_METRICS } from './decision-stage.js';
export type { DecisionEnv } from './env.js';
export { DecisionEnvSchema, parseDecisionEnv } from './env.js';
export { EventNotFoundError, InvalidEventStatusError } from './errors.js';
export type { RateLimitWindow } from './rate-limit.js';
export { rateLimitWindow } from './rate-limit.js';
export { readResourceTags } from './resource-tags.js';
