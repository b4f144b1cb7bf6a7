import { type IngestedEvent, IngestedEventSchema } from '@aisaws/core/schemas';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createExampleScoringDeps } from './deps.js';
import { parseExampleScoringEnv } from './env.js';
import { createExampleScoringHandler } from './example-scoring.js';

const env = parseExampleScoringEnv(process.env);
const deps = createExampleScoringDeps(env);
const score = createExampleScoringHandler(deps);

/**
 * No idempotency layer: this stage has no side effect outside the container (the in-memory baseline is already
 * idempotent per eventId) and the score is deterministic.
 */
const handler = middy(async (event: IngestedEvent, _context: Context) => {
  const scored = await score(event);
  deps.metrics.addMetric('EventsScored', 'Count', 1);
  return scored;
})
  .use(injectLambdaContext(deps.logger, { resetKeys: true }))
  .use(parser({ schema: IngestedEventSchema }))
  .use({
    before: (request) => {
      deps.logger.appendKeys({ eventId: request.event.eventId });
    },
  })
  .use(logMetrics(deps.metrics, { captureColdStartMetric: true }));

export { handler };
