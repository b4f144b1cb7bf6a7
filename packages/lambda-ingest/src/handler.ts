import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createIngestDeps } from './deps.js';
import { parseIngestEnv } from './env.js';
import { createIngestHandler } from './ingest.js';

// Cold start: a bad environment fails here, naming the variable.
const env = parseIngestEnv(process.env);
const deps = createIngestDeps(env);
const ingest = createIngestHandler(deps);

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
const handler = middy(async (event: unknown, _context: Context) => ingest(event))
  .use(injectLambdaContext(deps.logger, { resetKeys: true }))
  .use({
    before: (request) => {
      deps.logger.appendKeys({ eventId: eventIdOf(request.event) });
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
        eventKeyJmesPath: 'detail.eventID',
        expiresAfterSeconds: env.IDEMPOTENCY_TTL_SECONDS,
      }),
    }),
  );

export { handler };
