/**
 * An AWS call was throttled. A workflow retries this one name with backoff, whatever service and error code the
 * throttle came with (the operation must be idempotent). The original error is kept as `cause`.
 */
class AwsThrottledError extends Error {
  override readonly name = 'AwsThrottledError';
}

/** Error names the AWS SDK v3 uses for throttling across services. */
const THROTTLING_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
]);

/** True for an SDK throttling error: a known name, or the SDK's own `$retryable.throttling` flag. */
function isThrottling(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const retryable = (error as { $retryable?: { throttling?: boolean } }).$retryable;
  return THROTTLING_ERROR_NAMES.has(error.name) || retryable?.throttling === true;
}

/** Runs an AWS-calling operation and turns a throttling error into AwsThrottledError; other errors pass as they are. */
async function classifyThrottling<T>(what: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (isThrottling(error)) {
      const { name, message } = error as Error;
      throw new AwsThrottledError(`${what}: throttled (${name}: ${message})`, { cause: error });
    }
    throw error;
  }
}

export { AwsThrottledError, classifyThrottling, isThrottling, THROTTLING_ERROR_NAMES };
