export type { PowertoolsObservability } from './observability.js';
export { createPowertoolsObservability, METRICS_NAMESPACE } from './observability.js';
export type { StageHandler, StageHandlerOptions } from './stage-handler.js';
export { createStageHandler } from './stage-handler.js';
