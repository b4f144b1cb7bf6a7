/**
 * An AWS call was throttled. A workflow retries this one name with backoff, whatever service and error code the
 * throttle came with (the operation must be idempotent). The original error is kept as `cause`.
 */
class AwsThrottledError extends Error {
  override readonly name = 'AwsThrottledError';
}

/**
 * An AWS call failed in a way that is worth trying again: a 5xx (server fault) or a request timeout. A workflow
 * retries this name with backoff like AwsThrottledError (the operation must be idempotent); the cause is kept.
 */
class AwsTransientError extends Error {
  override readonly name = 'AwsTransientError';
}

/** Error names of requests that did not complete (SDK request timeout, dropped connection). */
const TRANSIENT_ERROR_NAMES: ReadonlySet<string> = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

/** True for a 5xx / server fault or a request that timed out (never for a throttle: see isThrottling). */
function isTransient(error: unknown): boolean {
  if (!(error instanceof Error) || isThrottling(error)) return false;
  const { $fault, $metadata, code } = error as {
    $fault?: unknown;
    $metadata?: { httpStatusCode?: unknown };
    code?: unknown;
  };
  const status = typeof $metadata?.httpStatusCode === 'number' ? $metadata.httpStatusCode : 0;
  return (
    $fault === 'server' ||
    status >= 500 ||
    TRANSIENT_ERROR_NAMES.has(error.name) ||
    (typeof code === 'string' && TRANSIENT_ERROR_NAMES.has(code))
  );
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

/**
 * Runs an AWS-calling operation and turns a throttling error into AwsThrottledError and a 5xx or timeout into
 * AwsTransientError (the names the workflows retry); other errors (access denied, not found …) pass as they are.
 */
async function classifyThrottling<T>(what: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (isThrottling(error)) {
      const { name, message } = error as Error;
      throw new AwsThrottledError(`${what}: throttled (${name}: ${message})`, { cause: error });
    }
    if (isTransient(error)) {
      const { name, message } = error as Error;
      throw new AwsTransientError(`${what}: transient failure (${name}: ${message})`, { cause: error });
    }
    throw error;
  }
}

export {
  AwsThrottledError,
  AwsTransientError,
  classifyThrottling,
  isThrottling,
  isTransient,
  THROTTLING_ERROR_NAMES,
};
