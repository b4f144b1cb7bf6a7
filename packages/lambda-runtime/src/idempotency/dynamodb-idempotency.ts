import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { MiddlewareObj } from '@middy/core';
import type { IdempotencyEnv } from '../env.js';

interface DynamoDbIdempotencyOptions {
  /** The idempotency table (partition key `id`, Powertools' default attributes, TTL on `expiration`). */
  readonly tableName: string;
  /** JMESPath of the key inside the event, e.g. `detail.eventID` or `eventId`. */
  readonly eventKeyJmesPath: string;
  /** The Lambda's own client (so tests and emulators reach the same endpoint); default: one built by Powertools. */
  readonly client?: DynamoDBClient;
  /** How long a completed request is remembered; default Powertools' (3600 s). */
  readonly expiresAfterSeconds?: number;
}

/**
 * Powertools `makeHandlerIdempotent` on a DynamoDB table: a redelivery of the same key within the expiry returns the
 * first result without running the handler again; a concurrent one fails with IdempotencyAlreadyInProgressError.
 */
function dynamoDbIdempotency(options: DynamoDbIdempotencyOptions): MiddlewareObj {
  return makeHandlerIdempotent({
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: options.tableName,
      ...(options.client ? { awsSdkV3Client: options.client } : {}),
    }),
    config: new IdempotencyConfig({
      eventKeyJmesPath: options.eventKeyJmesPath,
      ...(options.expiresAfterSeconds === undefined
        ? {}
        : { expiresAfterSeconds: options.expiresAfterSeconds }),
    }),
  });
}

/**
 * The idempotency layer a stage's environment configures (IDEMPOTENCY_TABLE, IDEMPOTENCY_TTL_SECONDS; see
 * IdempotencyEnvSchema), keyed on `eventKeyJmesPath`, through the Lambda's own DynamoDB client.
 */
function dynamoDbIdempotencyFromEnv(
  env: IdempotencyEnv,
  eventKeyJmesPath: string,
  client?: DynamoDBClient,
): MiddlewareObj {
  return dynamoDbIdempotency({
    tableName: env.IDEMPOTENCY_TABLE,
    expiresAfterSeconds: env.IDEMPOTENCY_TTL_SECONDS,
    eventKeyJmesPath,
    ...(client ? { client } : {}),
  });
}

export type { DynamoDbIdempotencyOptions };
export { dynamoDbIdempotency, dynamoDbIdempotencyFromEnv };
