import { IngestedEventSchema } from '@aisaws/core/schemas';
import { dynamoDbIdempotencyFromEnv } from '@aisaws/lambda-runtime/idempotency';
import { createStageHandler } from '@aisaws/lambda-runtime/powertools';
import { createScoringDeps } from './deps.js';
import { parseScoringEnv } from './env.js';
import { createDefaultScoringHandler } from './scoring-stage.js';

// Cold start: a bad environment fails here, naming the variable.
const env = parseScoringEnv(process.env);
const deps = createScoringDeps(env);

/**
 * The Parser middleware rejects anything that is not an Ingest output (the triage workflow's Catch sends it to the
 * quarantine queue); the use case parses again inside core's createScoringHandler, which is cheap and keeps the
 * factory safe when it is called without this middleware.
 */
const handler = createStageHandler({
  logger: deps.logger,
  metrics: deps.metrics,
  schema: IngestedEventSchema,
  eventIdOf: (event) => event.eventId,
  idempotency: dynamoDbIdempotencyFromEnv(env, 'eventId', deps.dynamo),
  handle: createDefaultScoringHandler(deps),
});

export { handler };
