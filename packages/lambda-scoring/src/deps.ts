import { systemClock } from '@aisaws/core/ports';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ScoringEnv } from './env.js';
import type { ScoringDeps } from './scoring-stage.js';

/** The composition root of the Lambda: SDK client and Powertools utilities built once per cold start. */
function createScoringDeps(env: ScoringEnv): ScoringDeps & { logger: Logger; metrics: Metrics } {
  return {
    dynamo: new DynamoDBClient({}),
    eventsTable: env.EVENTS_TABLE,
    baselineTable: env.BASELINE_TABLE,
    baselineWindowMs: env.BASELINE_WINDOW_MINUTES * 60_000,
    baselineTtlDays: env.BASELINE_TTL_DAYS,
    clock: systemClock,
    logger: new Logger({ serviceName: 'aisaws-scoring' }),
    metrics: new Metrics({ namespace: 'AISAWS', serviceName: 'aisaws-scoring' }),
  };
}

export { createScoringDeps };
