/** The resource does not read back compliant yet: the workflow's Retry on this name backs off and asks again. */
class NotConvergedError extends Error {
  override readonly name = 'NotConvergedError';
}

/** The resource can never be confirmed compliant (deadline passed, or nothing was applied). Not retried. */
class VerificationFailedError extends Error {
  override readonly name = 'VerificationFailedError';
}

export { NotConvergedError, VerificationFailedError };
