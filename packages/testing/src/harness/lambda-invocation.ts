import { LOCAL_EMULATOR_REGION, localEmulatorCredentials } from './local-credentials.js';

/**
 * The Lambda invocation context a handler receives (the fields of `aws-lambda`'s `Context`, spelled out so this
 * package needs no type package); assignable to `Context`.
 */
interface FakeLambdaContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
  done(): void;
  fail(): void;
  succeed(): void;
}

/** A context for invoking a deployed entry point (`src/handler.ts`) in a test: 30 s left, request `request-1`. */
function fakeLambdaContext(functionName: string, awsRequestId = 'request-1'): FakeLambdaContext {
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_EMULATOR_REGION}:111122223333:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 30_000,
    done() {},
    fail() {},
    succeed() {},
  };
}

interface EmulatorEndpoints {
  /** dynalite's endpoint (`RunningDynalite.endpoint`). */
  readonly dynamodb?: string;
  /** s3rver's endpoint (`RunningS3rver.endpoint`). */
  readonly s3?: string;
}

/**
 * The process environment under which SDK clients built with no options (as a Lambda's deps.ts builds them) reach
 * the local emulators: region, the emulators' placeholder credentials, the standard `AWS_ENDPOINT_URL_<SERVICE>`
 * variables; plus Powertools silenced (no log lines, no EMF output) so test output stays readable.
 */
function emulatedLambdaEnvironment(endpoints: EmulatorEndpoints): Record<string, string> {
  const { accessKeyId, secretAccessKey } = localEmulatorCredentials();
  return {
    AWS_REGION: LOCAL_EMULATOR_REGION,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    ...(endpoints.dynamodb ? { AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb } : {}),
    ...(endpoints.s3 ? { AWS_ENDPOINT_URL_S3: endpoints.s3 } : {}),
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
}

export type { EmulatorEndpoints, FakeLambdaContext };
export { emulatedLambdaEnvironment, fakeLambdaContext };
