import { toIngestedEvent } from '@aisaws/core/events';
import { InMemoryBaselineStore } from '@aisaws/core/ports';
import { EventStatusSchema, ScoredEventSchema } from '@aisaws/core/schemas';
import { bucketMadePublicByAcl } from '@aisaws/testing/fixtures';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { createDefaultScoringHandler, EventNotFoundError, type ScoringDeps } from '../src/index.js';

const NOW = new Date('2026-11-25T08:00:05.000Z');
const documentsMock = mockClient(DynamoDBDocumentClient);
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

function deps(): ScoringDeps {
  return {
    dynamo: new DynamoDBClient({ region: 'eu-west-1' }),
    eventsTable: 'events-table',
    baselineTable: 'baseline-table',
    clock: { now: () => NOW },
    baseline: new InMemoryBaselineStore(),
  };
}

const ingested = () =>
  toIngestedEvent(bucketMadePublicByAcl('reports'), { receivedAt: '2026-11-25T08:00:00.000Z' });

beforeEach(() => {
  documentsMock.reset();
  documentsMock.on(UpdateCommand).resolves({});
});

describe('createDefaultScoringHandler', () => {
  it('returns a ScoredEvent and records status SCORED with the risk, only from RECEIVED or SCORED', async () => {
    // Prepare
    const event = ingested();
    // Act
    const scored = await createDefaultScoringHandler(deps())(event);
    // Assess
    expect(ScoredEventSchema.parse(scored)).toEqual(scored);
    const update = documentsMock.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update).toEqual({
      TableName: 'events-table',
      Key: { eventId: event.eventId },
      UpdateExpression: 'SET #status = :scored, #risk = :risk, #timeline.#stage = :now',
      ConditionExpression: '#status IN (:received, :scored)',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#risk': 'risk',
        '#timeline': 'timeline',
        '#stage': 'scored',
      },
      ExpressionAttributeValues: {
        ':scored': 'SCORED',
        ':received': 'RECEIVED',
        ':risk': scored.risk,
        ':now': NOW.toISOString(),
      },
    });
  });

  // Every status after SCORED, from the schema: a status added later is covered (or this fails).
  const pastScoring = EventStatusSchema.options.filter((s) => s !== 'RECEIVED' && s !== 'SCORED');

  it.each(pastScoring)(
    'leaves an event that is already %s as it is and still returns the score',
    async (status) => {
      // Prepare
      const event = ingested();
      documentsMock.on(UpdateCommand).rejects(conditionFailed());
      documentsMock.on(GetCommand).resolves({ Item: { eventId: event.eventId, status } });
      // Act
      const scored = await createDefaultScoringHandler(deps())(event);
      // Assess
      expect(scored.eventId).toBe(event.eventId);
      expect(documentsMock.commandCalls(UpdateCommand)).toHaveLength(1);
    },
  );

  it('throws EventNotFoundError when Ingest never recorded the event', async () => {
    // Prepare
    documentsMock.on(UpdateCommand).rejects(conditionFailed());
    documentsMock.on(GetCommand).resolves({});
    // Act & Assess
    await expect(createDefaultScoringHandler(deps())(ingested())).rejects.toThrow(EventNotFoundError);
  });

  it('rejects an input that is not an Ingest output, naming the field, and writes nothing', async () => {
    // Prepare
    const { detections: _d, ...withoutDetections } = ingested();
    // Act & Assess
    await expect(createDefaultScoringHandler(deps())(withoutDetections)).rejects.toThrow(/detections/);
    expect(documentsMock.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});
