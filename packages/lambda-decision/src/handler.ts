import { ScoredEventSchema } from '@aisaws/core/schemas';
import { dynamoDbIdempotencyFromEnv } from '@aisaws/lambda-runtime/idempotency';
import { createStageHandler } from '@aisaws/lambda-runtime/powertools';
import { createDecisionHandler } from './decision-stage.js';
import { createDecisionDeps } from './deps.js';
import { parseDecisionEnv } from './env.js';

// Cold start: a bad environment or policy fails here, naming the variable or the policy field.
const env = parseDecisionEnv(process.env);
const deps = createDecisionDeps(env);

/** Parser rejects anything but a Score output; the use case re-parses so the factory is safe on its own. */
const handler = createStageHandler({
  logger: deps.logger,
  metrics: deps.metrics,
  schema: ScoredEventSchema,
  eventIdOf: (event) => event.eventId,
  idempotency: dynamoDbIdempotencyFromEnv(env, 'eventId', deps.dynamo),
  handle: createDecisionHandler(deps),
});

export { handler };
