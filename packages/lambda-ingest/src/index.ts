export { quarantineKey, rawArchiveKey } from './archive-keys.js';
export type { IngestDeps } from './deps.js';
export type { IngestEnv } from './env.js';
export { IngestEnvSchema, parseIngestEnv } from './env.js';
export type { InputIssue } from './errors.js';
export { ConfigurationError, InvalidEventError } from './errors.js';
export { createIngestHandler, METRIC as INGEST_METRICS } from './ingest.js';
export type { StageLogger, StageMetrics } from './observability.js';
export { discardMetrics, silentLogger } from './observability.js';
