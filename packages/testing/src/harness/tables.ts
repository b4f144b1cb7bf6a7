import { TABLES, type TableDefinition, type TableLogicalName } from '@aisaws/core/storage';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';

/** Physical table names by logical name; only the tables named here are created. */
type TableNames = Partial<Record<TableLogicalName, string>>;

/** Physical names `<prefix>-<logical>` for every table of the contract. */
function tableNamesWithPrefix(prefix: string): Record<TableLogicalName, string> {
  return {
    events: `${prefix}-events`,
    baseline: `${prefix}-baseline`,
    state: `${prefix}-state`,
    idempotency: `${prefix}-idempotency`,
  };
}

function keySchemaOf(definition: TableDefinition): {
  keys: KeySchemaElement[];
  attributes: AttributeDefinition[];
} {
  const keys: KeySchemaElement[] = [{ AttributeName: definition.partitionKey.name, KeyType: 'HASH' }];
  const attributes: AttributeDefinition[] = [
    { AttributeName: definition.partitionKey.name, AttributeType: definition.partitionKey.type },
  ];
  if (definition.sortKey) {
    keys.push({ AttributeName: definition.sortKey.name, KeyType: 'RANGE' });
    attributes.push({ AttributeName: definition.sortKey.name, AttributeType: definition.sortKey.type });
  }
  return { keys, attributes };
}

async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}

/**
 * Creates the contract's tables (core `TABLES`: key schema) under the given physical names, on-demand billing.
 * TTL is not configured: dynalite implements neither UpdateTimeToLive nor expiry (nor transactions), so items keep
 * their `expiresAt`/`expiration` attribute but never expire locally — the infra sets TTL in AWS.
 */
async function createTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  for (const [logicalName, tableName] of Object.entries(names) as [TableLogicalName, string | undefined][]) {
    if (!tableName) continue;
    const definition = TABLES[logicalName];
    if (!definition) throw new Error(`createTables: unknown table ${JSON.stringify(logicalName)}`);
    const { keys, attributes } = keySchemaOf(definition);
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: keys,
        AttributeDefinitions: attributes,
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await waitUntilActive(client, tableName);
  }
}

export type { TableNames };
export { createTables, tableNamesWithPrefix };
