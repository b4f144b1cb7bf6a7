import type { BaselineStore, Clock } from '@aisaws/core/ports';
import { PAST_SCORING_STATUSES, type ScoredEvent } from '@aisaws/core/schemas';
import { createScoringHandler, defaultScorer, type Scorer } from '@aisaws/core/scoring';
import { observabilityOf, type StageLogger, type StageMetrics } from '@aisaws/lambda-runtime';
import { createDocumentClient, isConditionalCheckFailed } from '@aisaws/lambda-runtime/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbBaselineStore } from './dynamodb-baseline-store.js';
import { EventNotFoundError } from './errors.js';

/** Everything the Scoring stage needs, injected (real clients in Lambda, dynalite or mocks in tests). */
interface ScoringDeps {
  readonly dynamo: DynamoDBClient;
  readonly eventsTable: string;
  readonly baselineTable: string;
  readonly clock: Clock;
  /** Sliding window of the baseline counters; default 5 minutes. */
  readonly baselineWindowMs?: number;
  readonly baselineTtlDays?: number;
  /** Replaces the DynamoDB baseline (e.g. an in-memory one in the demo). */
  readonly baseline?: BaselineStore;
  readonly logger?: StageLogger;
  readonly metrics?: StageMetrics;
}

const METRIC = Object.freeze({ scored: 'EventsScored', alreadyPastScoring: 'EventsAlreadyPastScoring' });

/** Later statuses (core's, everything after SCORED): the event was scored and moved on; a redelivery must not move it back. */
const PAST_SCORING: ReadonlySet<string> = new Set(PAST_SCORING_STATUSES);

/**
 * Records the score on the events item: status SCORED, the risk and timeline.scored, only from RECEIVED or SCORED
 * (a redelivery rewrites the same deterministic risk). Returns false when the item has already moved on.
 */
async function recordScored(
  scored: ScoredEvent,
  deps: ScoringDeps,
  documents: DynamoDBDocumentClient,
): Promise<boolean> {
  try {
    await documents.send(
      new UpdateCommand({
        TableName: deps.eventsTable,
        Key: { eventId: scored.eventId },
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
          ':now': deps.clock.now().toISOString(),
        },
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const { Item } = await documents.send(
      new GetCommand({ TableName: deps.eventsTable, Key: { eventId: scored.eventId }, ConsistentRead: true }),
    );
    if (!Item) throw new EventNotFoundError(scored.eventId, deps.eventsTable);
    if (typeof Item.status === 'string' && PAST_SCORING.has(Item.status)) return false;
    throw error;
  }
}

/**
 * A scoring stage for any Scorer: core's createScoringHandler (strict parse, score, validated output) with the
 * DynamoDB baseline, then the SCORED record. Used by createDefaultScoringHandler; exported for custom scorers that
 * want the same persistence.
 */
function createScoringStage(scorer: Scorer, deps: ScoringDeps): (event: unknown) => Promise<ScoredEvent> {
  const { logger, metrics } = observabilityOf(deps);
  const documents = createDocumentClient(deps.dynamo);
  const baseline =
    deps.baseline ??
    new DynamoDbBaselineStore({
      client: deps.dynamo,
      tableName: deps.baselineTable,
      clock: deps.clock,
      windowMs: deps.baselineWindowMs,
      ttlDays: deps.baselineTtlDays,
    });
  const score = createScoringHandler(scorer, { baseline });
  return async (event) => {
    const scored = await score(event);
    const recorded = await recordScored(scored, deps, documents);
    if (recorded) metrics.addMetric(METRIC.scored, 'Count', 1);
    else metrics.addMetric(METRIC.alreadyPastScoring, 'Count', 1);
    logger.info(recorded ? 'event scored' : 'event already past scoring: status left unchanged', {
      score: scored.risk.score,
      model: `${scored.risk.model.id}@${scored.risk.model.version}`,
      top: scored.risk.explanation.slice(0, 3).map((c) => c.feature),
    });
    return scored;
  };
}

/** The default Scoring Lambda's factory: core's defaultScorer + DynamoDB baseline + SCORED record. */
function createDefaultScoringHandler(deps: ScoringDeps): (event: unknown) => Promise<ScoredEvent> {
  return createScoringStage(defaultScorer, deps);
}

export type { ScoringDeps };
export { createDefaultScoringHandler, createScoringStage, METRIC };
