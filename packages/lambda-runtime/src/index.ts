// Pure: zod and @aisaws/core (pure) only. No Powertools, no SDK, so the stage factories (tests, workflow harness, demo) stay light.
// Powertools wiring: '@aisaws/lambda-runtime/powertools'; DynamoDB idempotency: '@aisaws/lambda-runtime/idempotency';
// DynamoDB document client and conditional-write errors: '@aisaws/lambda-runtime/dynamodb'.
export type { IdempotencyEnv } from './env.js';
export { IdempotencyEnvSchema, PositiveIntEnvSchema, parseEnv, RequiredEnvSchema } from './env.js';
export { ConfigurationError } from './errors.js';
export type { StageLogger, StageMetrics, StageObservability } from './observability.js';
export { discardMetrics, observabilityOf, silentLogger } from './observability.js';
export type { PolicyEnv } from './policy-env.js';
export { loadPolicy, PolicyEnvSchema } from './policy-env.js';
export type { SnsStringAttribute } from './sns-attributes.js';
export { snsStringAttributes } from './sns-attributes.js';
export {
  AwsThrottledError,
  AwsTransientError,
  classifyThrottling,
  isThrottling,
  isTransient,
  THROTTLING_ERROR_NAMES,
} from './throttling.js';
