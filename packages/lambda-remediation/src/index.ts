export type { RemediationHandlerDeps } from './create-remediation-handler.js';
export { createRemediationHandler, sameClientsForEveryAccount } from './create-remediation-handler.js';
export type { CrossAccountSettings, TemporaryCredentials } from './cross-account.js';
export { clientFactoryWith, createCrossAccountClients } from './cross-account.js';
export {
  AwsThrottledError,
  EventStateConflictError,
  isThrottling,
  NothingToRemediateError,
  SnapshotNotFoundError,
} from './errors.js';
