export type { DynamoDbIdempotencyOptions } from './dynamodb-idempotency.js';
export { dynamoDbIdempotency, dynamoDbIdempotencyFromEnv } from './dynamodb-idempotency.js';
