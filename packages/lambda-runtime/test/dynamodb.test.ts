import { createTables, type RunningDynalite, startDynalite } from '@aisaws/testing/harness';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDocumentClient, isConditionalCheckFailed } from '../src/dynamodb/index.js';

const TABLE = 'runtime-events';
let dynamo: RunningDynalite;

beforeAll(async () => {
  dynamo = await startDynalite();
  await createTables(dynamo.client, { events: TABLE });
});

afterAll(async () => {
  await dynamo?.stop();
});

describe('createDocumentClient', () => {
  it('stores plain values and leaves undefined attributes out instead of failing', async () => {
    // Prepare
    const documents = createDocumentClient(dynamo.client);
    // Act
    await documents.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          eventId: 'doc-1',
          status: 'RECEIVED',
          detail: { count: 2, note: undefined },
          reason: undefined,
        },
      }),
    );
    // Assess
    const { Item } = await dynamo.client.send(
      new GetItemCommand({ TableName: TABLE, Key: { eventId: { S: 'doc-1' } } }),
    );
    expect(Item).toEqual({
      eventId: { S: 'doc-1' },
      status: { S: 'RECEIVED' },
      detail: { M: { count: { N: '2' } } },
    });
  });
});

describe('isConditionalCheckFailed', () => {
  it('recognises the error of a refused conditional write', async () => {
    // Prepare
    const documents = createDocumentClient(dynamo.client);
    const put = new PutCommand({
      TableName: TABLE,
      Item: { eventId: 'doc-2' },
      ConditionExpression: 'attribute_not_exists(eventId)',
    });
    await documents.send(put);
    // Act
    const error = await documents.send(put).catch((e: unknown) => e);
    // Assess
    expect(isConditionalCheckFailed(error)).toBe(true);
  });

  it('does not take other errors, nor non-errors, for a refused condition', async () => {
    // Prepare
    const documents = createDocumentClient(dynamo.client);
    // Act
    const missingTable = await documents
      .send(new PutCommand({ TableName: 'no-such-table', Item: { eventId: 'x' } }))
      .catch((e: unknown) => e);
    // Assess
    expect(isConditionalCheckFailed(missingTable)).toBe(false);
    expect(isConditionalCheckFailed({ name: 'ConditionalCheckFailedException' })).toBe(false);
    expect(isConditionalCheckFailed(undefined)).toBe(false);
  });
});
