import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The document client every stage writes items with: plain JS values in and out, and `undefined` attributes left
 * out (an optional field that is absent is not stored, rather than rejected by the marshaller).
 */
function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export { createDocumentClient };
