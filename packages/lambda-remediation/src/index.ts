// Shared with the other stages; re-exported so callers of this package need no second import.
export { AwsThrottledError, ConfigurationError, isThrottling } from '@aisaws/lambda-runtime';
export type { RemediationHandlerDeps } from './create-remediation-handler.js';
export { createRemediationHandler, sameClientsForEveryAccount } from './create-remediation-handler.js';
export { diffObserved } from './diff-observed.js';
export {
  EventStateConflictError,
  NothingToRemediateError,
  RollbackDriftError,
  RollbackRefusedError,
  SnapshotNotFoundError,
  StoredDecisionMismatchError,
  WrongAuthorityError,
} from './errors.js';
export type { Authority } from './remediate.js';
