/** The events item is not in the status this action requires (e.g. a snapshot for an item that is not DECIDED). */
class EventStateConflictError extends Error {
  override readonly name = 'EventStateConflictError';
}

/** The decided event does not say what to remediate (no playbook, or the detection has no resource). */
class NothingToRemediateError extends Error {
  override readonly name = 'NothingToRemediateError';
}

/** apply/rollback found no snapshot in the request nor on the events item. */
class SnapshotNotFoundError extends Error {
  override readonly name = 'SnapshotNotFoundError';
}

/**
 * An AWS call was throttled. The remediation workflow retries this name with backoff (every playbook operation is
 * idempotent), whatever service and error code the throttle came with.
 */
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

/** Runs an AWS-calling operation and turns any throttling error into AwsThrottledError (the cause is kept). */
async function classifyThrottling<T>(what: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (isThrottling(error))
      throw new AwsThrottledError(
        `${what}: throttled (${(error as Error).name}: ${(error as Error).message})`,
        {
          cause: error,
        },
      );
    throw error;
  }
}

export {
  AwsThrottledError,
  classifyThrottling,
  EventStateConflictError,
  isThrottling,
  NothingToRemediateError,
  SnapshotNotFoundError,
};
