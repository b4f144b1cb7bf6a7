export type {
  AisawsAsffFinding,
  AsffContext,
  AsffSeverityLabel,
  AsffWorkflowStatus,
  PublishedOutcome,
  PublishFindingRequest,
  PublishFindingResult,
} from './asff.js';
export {
  ASFF_RESOURCE_TYPE,
  findingIdOf,
  hasFindingToPublish,
  PublishedOutcomeSchema,
  PublishFindingRequestSchema,
  PublishFindingResultSchema,
  productArnOf,
  severityLabel,
  TYPE_OF_CATEGORY,
  toAsffFinding,
  workflowStatusOf,
} from './asff.js';
export type { OcsfContext, OcsfFindingInput } from './ocsf.js';
export { DETECTION_FINDING, OCSF_VERSION, ocsfSeverity, toOcsfDetectionFinding } from './ocsf.js';
