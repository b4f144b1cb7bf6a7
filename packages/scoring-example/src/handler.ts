import { IngestedEventSchema } from '@aisaws/core/schemas';
import { createStageHandler } from '@aisaws/lambda-runtime/powertools';
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
const handler = createStageHandler({
  logger: deps.logger,
  metrics: deps.metrics,
  schema: IngestedEventSchema,
  eventIdOf: (event) => event.eventId,
  handle: async (event) => {
    const scored = await score(event);
    deps.metrics.addMetric('EventsScored', 'Count', 1);
    return scored;
  },
});

export { handler };
