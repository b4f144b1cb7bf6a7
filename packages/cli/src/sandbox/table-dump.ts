import {
  type AttributeValue,
  BatchWriteItemCommand,
  type DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import * as z from 'zod';

/**
 * Keeps the sandbox's DynamoDB tables between commands. dynalite has an on-disk mode (`path`, through the `level`
 * package), but the shared harness starts it in memory, so `aisaws demo` writes every item of every table to a JSON
 * file on exit (DynamoDB JSON, `{"S": …}`) and `rollback` / `status` load them back at start. The file is small
 * (a few kB per event) and readable.
 */

const AttributeMapSchema = z.record(
  z.string(),
  z.custom<AttributeValue>((value) => typeof value === 'object' && value !== null),
);

const TableDumpSchema = z.strictObject({
  format: z.literal('aisaws-dynamodb-dump/1'),
  /** Items by logical table name (events, baseline, state, idempotency). */
  tables: z.record(z.string(), z.array(AttributeMapSchema)),
});

type TableDump = z.infer<typeof TableDumpSchema>;

async function scanAll(client: DynamoDBClient, tableName: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Every item of the given tables (logical name → physical name). */
async function dumpTables(
  client: DynamoDBClient,
  tables: Readonly<Record<string, string>>,
): Promise<TableDump> {
  const dump: TableDump = { format: 'aisaws-dynamodb-dump/1', tables: {} };
  for (const [logical, physical] of Object.entries(tables))
    dump.tables[logical] = await scanAll(client, physical);
  return dump;
}

/** Writes a dump back (25 items per BatchWriteItem, unprocessed items retried). */
async function loadTables(
  client: DynamoDBClient,
  tables: Readonly<Record<string, string>>,
  dump: TableDump,
): Promise<number> {
  let written = 0;
  for (const [logical, items] of Object.entries(dump.tables)) {
    const physical = tables[logical];
    if (!physical) throw new Error(`table dump: no table named ${JSON.stringify(logical)} in this sandbox`);
    for (let start = 0; start < items.length; start += 25) {
      let requests: Record<string, { PutRequest: { Item: Record<string, AttributeValue> } }[]> = {
        [physical]: items.slice(start, start + 25).map((item) => ({ PutRequest: { Item: item } })),
      };
      for (let attempt = 0; attempt < 5 && Object.keys(requests).length > 0; attempt += 1) {
        const output = await client.send(new BatchWriteItemCommand({ RequestItems: requests }));
        requests = (output.UnprocessedItems ?? {}) as typeof requests;
      }
      if (Object.keys(requests).length > 0) throw new Error(`table dump: ${physical} kept refusing items`);
      written += Math.min(25, items.length - start);
    }
  }
  return written;
}

/** Parses a dump read from disk, naming the first wrong field. */
function parseTableDump(json: unknown): TableDump {
  const parsed = TableDumpSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`table dump: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}

export type { TableDump };
export { dumpTables, loadTables, parseTableDump };
