import { describe, expect, it } from '@jest/globals';
import {
  AwsThrottledError,
  AwsTransientError,
  classifyThrottling,
  isThrottling,
  isTransient,
} from '../src/index.js';

const sdkError = (name: string, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(`${name} from the service`), { name }, extra);

describe('isThrottling', () => {
  it.each([
    'ThrottlingException',
    'TooManyRequestsException',
    'SlowDown',
    'ProvisionedThroughputExceededException',
  ])('recognises %s', (name) => {
    expect(isThrottling(sdkError(name))).toBe(true);
  });

  it('recognises any error the SDK flags as throttling', () => {
    expect(isThrottling(sdkError('SomeNewLimit', { $retryable: { throttling: true } }))).toBe(true);
  });

  it('does not take other errors, nor non-errors, for throttling', () => {
    expect(isThrottling(sdkError('AccessDenied'))).toBe(false);
    expect(isThrottling(sdkError('InternalError', { $retryable: { throttling: false } }))).toBe(false);
    expect(isThrottling({ name: 'ThrottlingException' })).toBe(false);
  });
});

describe('classifyThrottling', () => {
  it('returns the result of a successful operation', async () => {
    await expect(classifyThrottling('PutBucketAcl', async () => 'done')).resolves.toBe('done');
  });

  it('turns a throttle into AwsThrottledError, naming the operation and keeping the cause', async () => {
    // Prepare
    const throttle = sdkError('SlowDown');
    // Act
    const error = await classifyThrottling('PutBucketAcl', async () => {
      throw throttle;
    }).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(AwsThrottledError);
    expect((error as Error).name).toBe('AwsThrottledError');
    expect((error as Error).message).toBe('PutBucketAcl: throttled (SlowDown: SlowDown from the service)');
    expect((error as Error).cause).toBe(throttle);
  });

  it('lets other errors through unchanged', async () => {
    const denied = sdkError('AccessDenied');
    await expect(
      classifyThrottling('PutBucketAcl', async () => {
        throw denied;
      }),
    ).rejects.toBe(denied);
  });
});

describe('isTransient and classifyThrottling of 5xx and timeouts', () => {
  it('takes server faults, 5xx statuses and timed-out requests for transient, and nothing else', () => {
    expect(
      isTransient(sdkError('InternalError', { $fault: 'server', $metadata: { httpStatusCode: 500 } })),
    ).toBe(true);
    expect(isTransient(sdkError('ServiceUnavailable', { $metadata: { httpStatusCode: 503 } }))).toBe(true);
    expect(isTransient(sdkError('TimeoutError', { $metadata: {} }))).toBe(true);
    expect(isTransient(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(
      isTransient(sdkError('AccessDenied', { $fault: 'client', $metadata: { httpStatusCode: 403 } })),
    ).toBe(false);
    // A throttle is a throttle even on a 503 (S3 SlowDown): it keeps its own name.
    expect(isTransient(sdkError('SlowDown', { $metadata: { httpStatusCode: 503 } }))).toBe(false);
    expect(isTransient({ name: 'TimeoutError' })).toBe(false);
  });

  it('turns a 5xx into AwsTransientError naming the operation and keeping the cause', async () => {
    // Prepare
    const serverError = sdkError('InternalError', { $fault: 'server', $metadata: { httpStatusCode: 500 } });
    // Act
    const error = await classifyThrottling('PutPublicAccessBlock', async () => {
      throw serverError;
    }).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(AwsTransientError);
    expect((error as Error).name).toBe('AwsTransientError');
    expect((error as Error).message).toBe(
      'PutPublicAccessBlock: transient failure (InternalError: InternalError from the service)',
    );
    expect((error as Error).cause).toBe(serverError);
  });
});
