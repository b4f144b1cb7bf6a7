import { systemClock } from '@aisaws/core/ports';
import {
  createPowertoolsObservability,
  type PowertoolsObservability,
} from '@aisaws/lambda-runtime/powertools';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ScoringEnv } from './env.js';
import type { ScoringDeps } from './scoring-stage.js';

/** The composition root of the Lambda: SDK client and Powertools utilities built once per cold start. */
function createScoringDeps(env: ScoringEnv): ScoringDeps & PowertoolsObservability {
  return {
    dynamo: new DynamoDBClient({}),
    eventsTable: env.EVENTS_TABLE,
    baselineTable: env.BASELINE_TABLE,
    baselineWindowMs: env.BASELINE_WINDOW_MINUTES * 60_000,
    baselineTtlDays: env.BASELINE_TTL_DAYS,
    clock: systemClock,
    ...createPowertoolsObservability('aisaws-scoring'),
  };
}

export { createScoringDeps };
