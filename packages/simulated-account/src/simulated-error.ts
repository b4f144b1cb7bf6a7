/**
 * An error thrown by a simulated SDK client, shaped like the AWS SDK v3 service exceptions code matches on:
 * `name` is the AWS error code (e.g. `NoSuchPublicAccessBlockConfiguration`, `InvalidGroup.NotFound`), `$fault`
 * and `$metadata.httpStatusCode` are set as the SDK sets them.
 */
class SimulatedServiceError extends Error {
  override readonly name: string;
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode: number; requestId?: string };
  /** Some SDK code reads the code from `Code` (S3 XML errors). */
  readonly Code: string;
  /** Set when the fault switches (faults.ts) threw it rather than the simulated service's own rules. */
  readonly simulatedFault: 'throttle' | 'serverError' | 'snsDown' | undefined;

  constructor(
    code: string,
    message: string,
    httpStatusCode = 400,
    simulatedFault?: 'throttle' | 'serverError' | 'snsDown',
  ) {
    super(message);
    this.simulatedFault = simulatedFault;
    this.name = code;
    this.Code = code;
    this.$fault = httpStatusCode >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode };
  }
}

/** The simulated account has no implementation of the operation that was sent. */
class SimulatedOperationNotSupportedError extends Error {
  override readonly name = 'SimulatedOperationNotSupportedError';
  constructor(service: string, operation: string) {
    super(
      `the simulated account does not implement ${service} ${operation}; add it to packages/simulated-account/src/simulated-clients.ts`,
    );
  }
}

export { SimulatedOperationNotSupportedError, SimulatedServiceError };
