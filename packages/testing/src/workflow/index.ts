export type { Placeholder, PlaceholderValues, WorkflowName } from './definitions.js';
export {
  loadWorkflowDefinition,
  PLACEHOLDERS,
  substitutePlaceholders,
  workflowsDirectory,
} from './definitions.js';
export type {
  ChildExecution,
  DistributedMapRun,
  DistributedMapSimulationOptions,
  LocalFunction,
} from './distributed-map-simulation.js';
export { DistributedMapSimulationError, simulateDistributedMap } from './distributed-map-simulation.js';
export type { DecidedEventOptions, PublicBucketEventOptions } from './fixtures.js';
export { publicBucketAclRecord, publicBucketDecidedEvent, publicBucketEventBridgeEvent } from './fixtures.js';
export type {
  ExecutionResult,
  ExecutionStatus,
  ExecutionSummary,
  LocalWorkflows,
  LocalWorkflowsOptions,
  PendingTask,
  QuarantinedMessage,
  StateEvent,
  StateVisit,
  TaskHandler,
  UnrunStart,
  WorkflowTasks,
} from './local-workflows.js';
export { createLocalWorkflows } from './local-workflows.js';
