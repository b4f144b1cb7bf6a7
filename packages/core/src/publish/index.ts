export type {
  AisawsAsffFinding,
  AsffContext,
  AsffSeverityLabel,
  AsffWorkflowStatus,
  FindingUpsertRequest,
  PublishedOutcome,
  PublishFindingRequest,
  PublishFindingResult,
  RolledBackFindingRequest,
} from './asff.js';
export {
  ASFF_RESOURCE_TYPE,
  eventIdOfFindingRequest,
  FindingUpsertRequestSchema,
  findingIdOf,
  hasFindingToPublish,
  PublishedOutcomeSchema,
  PublishFindingRequestSchema,
  PublishFindingResultSchema,
  productArnOf,
  RolledBackFindingRequestSchema,
  rolledBackNoteOf,
  severityLabel,
  TYPE_OF_CATEGORY,
  toAsffFinding,
  workflowStatusOf,
} from './asff.js';
export type { OcsfContext, OcsfFindingInput } from './ocsf.js';
export { DETECTION_FINDING, OCSF_VERSION, ocsfSeverity, toOcsfDetectionFinding } from './ocsf.js';
