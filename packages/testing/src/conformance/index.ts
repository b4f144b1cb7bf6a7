export { eventForDetection, namedSampleEvents, syntheticHitFor } from './sample-events.js';
export type { ScorerConformanceOptions } from './scorer-conformance.js';
export { describeScorerConformance } from './scorer-conformance.js';
