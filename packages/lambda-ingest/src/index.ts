// Shared with the other stages; re-exported so callers of this package need no second import.
export type { StageLogger, StageMetrics } from '@aisaws/lambda-runtime';
export { ConfigurationError, discardMetrics, silentLogger } from '@aisaws/lambda-runtime';
export { quarantineKey, rawArchiveKey } from './archive-keys.js';
export type { IngestDeps } from './deps.js';
export type { IngestEnv } from './env.js';
export { IngestEnvSchema, parseIngestEnv } from './env.js';
export type { InputIssue } from './errors.js';
export { IngestFailedError, InvalidEventError } from './errors.js';
export { createIngestHandler, METRIC as INGEST_METRICS } from './ingest.js';
