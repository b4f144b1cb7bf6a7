export { catalog, DETECTIONS } from './catalog.js';
export type { DetectionDefinition, DetectionMatch, DetectionTrigger, MatchContext } from './define.js';
export { defineDetection, INFORMATIONAL_SEVERITY, isInformational } from './define.js';
export { isAisawsActivity, isAwsServiceActivity, isFailedCall, ROLE_ARN_PATTERN } from './guards.js';
export type { DetectionRegistry, DetectOptions } from './registry.js';
export { createDetectionRegistry } from './registry.js';
