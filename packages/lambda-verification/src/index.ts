export type { VerificationHandlerDeps } from './create-verification-handler.js';
export {
  createVerificationHandler,
  DEFAULT_VERIFICATION_DEADLINE_SECONDS,
} from './create-verification-handler.js';
export { clientFactoryWith, createCrossAccountClients } from './cross-account.js';
export { AwsThrottledError, NotConvergedError, VerificationFailedError } from './errors.js';
export type { VerificationDeps } from './verify.js';
export { verifyRemediation } from './verify.js';
