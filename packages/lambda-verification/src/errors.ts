/** The resource does not read back compliant yet: the workflow's Retry on this name backs off and asks again. */
class NotConvergedError extends Error {
  override readonly name = 'NotConvergedError';
}

/** The resource can never be confirmed compliant (deadline passed, or nothing was applied). Not retried. */
class VerificationFailedError extends Error {
  override readonly name = 'VerificationFailedError';
}

/** An AWS read was throttled; retried by the workflow with backoff (same name as the Remediation Lambda's). */
class AwsThrottledError extends Error {
  override readonly name = 'AwsThrottledError';
}

const THROTTLING_ERROR_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
]);

function isThrottling(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const retryable = (error as { $retryable?: { throttling?: boolean } }).$retryable;
  return THROTTLING_ERROR_NAMES.has(error.name) || retryable?.throttling === true;
}

export { AwsThrottledError, isThrottling, NotConvergedError, VerificationFailedError };
