export { ConfigurationError } from '@aisaws/lambda-runtime';
export { createFindingsHandler } from './create-findings-handler.js';
export type { FindingsEnv } from './env.js';
export { FindingsEnvSchema, parseFindingsEnv } from './env.js';
export { FindingNotImportedError } from './errors.js';
export type { PublishFindingDeps } from './publish-finding.js';
export { publishFinding } from './publish-finding.js';
export type { SecurityHubFindings } from './security-hub.js';
export { securityHubOf } from './security-hub.js';
