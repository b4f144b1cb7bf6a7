import { type ScoredEvent, ScoredEventSchema } from '@aisaws/core/schemas';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createDecisionHandler } from './decision-stage.js';
import { createDecisionDeps } from './deps.js';
import { parseDecisionEnv } from './env.js';

// Cold start: a bad environment or policy fails here, naming the variable or the policy field.
const env = parseDecisionEnv(process.env);
const deps = createDecisionDeps(env);
const decideEvent = createDecisionHandler(deps);

/** Parser rejects anything but a Score output; the use case re-parses so the factory is safe on its own. */
const handler = middy(async (event: ScoredEvent, _context: Context) => decideEvent(event))
  .use(injectLambdaContext(deps.logger, { resetKeys: true }))
  .use(parser({ schema: ScoredEventSchema }))
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
