export type { EnvelopeContext } from './eventbridge-envelope.js';
export { eventBridgeEnvelopeOf } from './eventbridge-envelope.js';
export { findingEventIdOf } from './finding-event-id.js';
export type { ToIngestedEventOptions } from './ingest.js';
export { toIngestedEvent } from './ingest.js';
export {
  CREDENTIAL_FIELDS,
  credentialPaths,
  credentialReplacer,
  REDACTED,
  redactCredentials,
} from './redact.js';
export { actorOf, cloudTrailTimeMs, eventTimeMs, principalKey, summarize, yesNo } from './summarize.js';
export { sanitizeUntrusted, UNTRUSTED_MAX } from './untrusted.js';
