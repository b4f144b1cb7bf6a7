export { catalog, DETECTIONS } from './catalog.js';
export type { DetectionDefinition, DetectionMatch, DetectionTrigger, MatchContext } from './define.js';
export { defineDetection, INFORMATIONAL_SEVERITY, isInformational } from './define.js';
export { AISAWS_ROLE_PATTERN, isAisawsActivity, isAwsServiceActivity, isFailedCall } from './guards.js';
export type { DetectionRegistry, DetectOptions } from './registry.js';
export { createDetectionRegistry } from './registry.js';
