// Shared with the other stages; re-exported so callers of this package need no second import.
export { AwsThrottledError, ConfigurationError } from '@aisaws/lambda-runtime';
export type { VerificationHandlerDeps } from './create-verification-handler.js';
export {
  createVerificationHandler,
  DEFAULT_VERIFICATION_DEADLINE_SECONDS,
} from './create-verification-handler.js';
export { NotConvergedError, VerificationFailedError } from './errors.js';
export type { VerificationDeps } from './verify.js';
export { verifyRemediation } from './verify.js';
