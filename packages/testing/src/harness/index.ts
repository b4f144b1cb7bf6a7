export type { RunningDynalite } from './dynalite.js';
export { startDynalite } from './dynalite.js';
export type { EmulatorEndpoints, FakeLambdaContext } from './lambda-invocation.js';
export { emulatedLambdaEnvironment, fakeLambdaContext } from './lambda-invocation.js';
export { LOCAL_EMULATOR_REGION, localEmulatorCredentials } from './local-credentials.js';
export type { RunningS3rver } from './s3rver.js';
export { startS3rver } from './s3rver.js';
export type { TableNames } from './tables.js';
export { createTables, tableNamesWithPrefix } from './tables.js';
