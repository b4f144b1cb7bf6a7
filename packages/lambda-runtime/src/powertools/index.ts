export type { PowertoolsObservability } from './observability.js';
export {
  createPowertoolsObservability,
  createQuietPowertoolsObservability,
  METRICS_NAMESPACE,
} from './observability.js';
export type { StageHandler, StageHandlerOptions } from './stage-handler.js';
export { createStageHandler } from './stage-handler.js';
