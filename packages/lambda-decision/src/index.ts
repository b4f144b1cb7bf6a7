export type { DecisionDeps } from './decision-stage.js';
export { createDecisionHandler, METRIC as DECISION_METRICS } from './decision-stage.js';
export type { DecisionEnv } from './env.js';
export { DecisionEnvSchema, loadPolicy, parseDecisionEnv } from './env.js';
export { ConfigurationError, EventNotFoundError, InvalidEventStatusError } from './errors.js';
export type { StageLogger, StageMetrics } from './observability.js';
export type { RateLimitWindow } from './rate-limit.js';
export { rateLimitWindow } from './rate-limit.js';
export { readResourceTags } from './resource-tags.js';
