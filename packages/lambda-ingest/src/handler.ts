import { dynamoDbIdempotencyFromEnv } from '@aisaws/lambda-runtime/idempotency';
import { createStageHandler } from '@aisaws/lambda-runtime/powertools';
import { createIngestDeps } from './deps.js';
import { parseIngestEnv } from './env.js';
import { createIngestHandler } from './ingest.js';

// Cold start: a bad environment fails here, naming the variable.
const env = parseIngestEnv(process.env);
const deps = createIngestDeps(env);

/** The CloudTrail eventID of a (possibly invalid) input, for the log key; undefined when absent. */
function eventIdOf(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const detail = (event as { detail?: unknown }).detail;
  if (typeof detail !== 'object' || detail === null) return undefined;
  const eventId = (detail as { eventID?: unknown }).eventID;
  return typeof eventId === 'string' ? eventId : undefined;
}

/**
 * No Parser middleware on purpose: an invalid envelope must be quarantined by the use case (kept in S3 and announced
 * on SQS), not rejected before our code runs. The use case parses with core's schema itself.
 */
const handler = createStageHandler({
  logger: deps.logger,
  metrics: deps.metrics,
  eventIdOf,
  idempotency: dynamoDbIdempotencyFromEnv(env, 'detail.eventID', deps.dynamo),
  handle: createIngestHandler(deps),
});

export { handler };
