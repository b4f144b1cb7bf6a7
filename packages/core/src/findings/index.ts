export type { AsffFinding, AsffResource, SecurityHubFindingsImportedEvent } from './asff.js';
export {
  ASFF_TYPE_NAMESPACES,
  AsffFindingSchema,
  AsffResourceSchema,
  SecurityHubFindingsImportedEventSchema,
} from './asff.js';
export { LIMITS as FINDING_LIMITS } from './common.js';
export type { GuardDutyFinding, GuardDutyFindingEvent } from './guardduty.js';
export { GUARDDUTY_FINDING_TYPE, GuardDutyFindingEventSchema, GuardDutyFindingSchema } from './guardduty.js';
export type { FindingIngestOptions, FindingParse } from './ingest.js';
export {
  FINDING_DETAIL_TYPES,
  findingRecord,
  isFindingEvent,
  parseFinding,
  parseFindingEvent,
  toIngestedEventFromFinding,
} from './ingest.js';
export type { FindingIssue } from './normalize.js';
export { asffToSignal, FindingNormalizationError, guardDutyToSignal, idempotencyKeyOf } from './normalize.js';
export type { FindingResponse } from './responses.js';
export { ALERT_ONLY_ID, FINDING_RESPONSES, findingDetection } from './responses.js';
