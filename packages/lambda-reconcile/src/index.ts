export type { ReconcileEnv } from './env.js';
export { parseReconcileEnv, ReconcileEnvSchema } from './env.js';
export { FindingsFunctionError, lambdaFindingsPublisher } from './findings-publisher.js';
export type { Plan, ReceivedMessage, ReconcileSource } from './plan.js';
export { accountOfQueueUrl, eventIdOf, planMessage } from './plan.js';
export type {
  FindingsPublisher,
  ParkedMessage,
  ReconcileDeps,
  ReconcileReport,
  SourceReport,
  TriageStarter,
} from './reconcile.js';
export { executionNameFor, METRIC, reconcile } from './reconcile.js';
export type { SourceSettings } from './sources.js';
export { sourcesFrom } from './sources.js';
export { stepFunctionsTriageStarter } from './triage-starter.js';
