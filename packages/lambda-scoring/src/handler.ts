import { type IngestedEvent, IngestedEventSchema } from '@aisaws/core/schemas';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createScoringDeps } from './deps.js';
import { parseScoringEnv } from './env.js';
import { createDefaultScoringHandler } from './scoring-stage.js';

// Cold start: a bad environment fails here, naming the variable.
const env = parseScoringEnv(process.env);
const deps = createScoringDeps(env);
const score = createDefaultScoringHandler(deps);

/**
 * The Parser middleware rejects anything that is not an Ingest output (the triage workflow's Catch sends it to the
 * quarantine queue); the use case parses again inside core's createScoringHandler, which is cheap and keeps the
 * factory safe when it is called without this middleware.
 */
const handler = middy(async (event: IngestedEvent, _context: Context) => score(event))
  .use(injectLambdaContext(deps.logger, { resetKeys: true }))
  .use(parser({ schema: IngestedEventSchema }))
  .use({
    before: (request) => {
      deps.logger.appendKeys({ eventId: request.event.eventId });
    },
  })
  .use(logMetrics(deps.metrics, { captureColdStartMetric: true }))
  .use(
    makeHandlerIdempotent({
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: env.IDEMPOTENCY_TABLE,
        awsSdkV3Client: deps.dynamo,
      }),
      config: new IdempotencyConfig({
        eventKeyJmesPath: 'eventId',
        expiresAfterSeconds: env.IDEMPOTENCY_TTL_SECONDS,
      }),
    }),
  );

export { handler };
