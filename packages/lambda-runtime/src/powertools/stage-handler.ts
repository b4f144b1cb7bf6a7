import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy, { type MiddlewareObj, type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { PowertoolsObservability } from './observability.js';

interface StageHandlerOptions<Event, Result> extends PowertoolsObservability {
  /**
   * Powertools Parser runs this schema before the use case: anything else is rejected (ParseError) before our code
   * runs. Leave it out when bad input must reach the use case (Ingest quarantines it).
   */
  readonly schema?: z.core.$ZodType<Event>;
  /**
   * The CloudTrail eventID of the (parsed) event, appended as `eventId` to every log line (undefined when the event
   * has none). Leave it out only for a stage whose input carries no eventID (e.g. an HTTP request).
   */
  readonly eventIdOf?: (event: Event) => string | undefined;
  /** Runs innermost, after logging and metrics are set up, e.g. `dynamoDbIdempotency(…)`; none when left out. */
  readonly idempotency?: MiddlewareObj;
  /** The use case. */
  readonly handle: (event: Event) => Promise<Result>;
}

type StageHandler<Event, Result> = MiddyfiedHandler<Event, Result, Error, Context>;

/**
 * The thin Lambda entry point every stage shares: middy with, in order,
 * 1. Logger `injectLambdaContext` (keys reset on each invocation),
 * 2. Parser with `schema` (when given),
 * 3. `eventId` appended to the Logger (when `eventIdOf` is given),
 * 4. Metrics `logMetrics` (EMF flushed after each invocation, ColdStart metric),
 * 5. `idempotency` (when given),
 * then the use case.
 */
function createStageHandler<Event, Result>(
  options: StageHandlerOptions<Event, Result>,
): StageHandler<Event, Result> {
  const { logger, metrics, schema, eventIdOf, idempotency, handle } = options;
  let handler = middy<Event, Result, Error, Context>(async (event: Event) => handle(event)).use(
    injectLambdaContext(logger, { resetKeys: true }),
  );
  if (schema) handler = handler.use(parser({ schema }) as MiddlewareObj<Event, Result, Error, Context>);
  if (eventIdOf)
    handler = handler.use({
      before: (request) => {
        logger.appendKeys({ eventId: eventIdOf(request.event) });
      },
    });
  handler = handler.use(logMetrics(metrics, { captureColdStartMetric: true }));
  if (idempotency) handler = handler.use(idempotency as MiddlewareObj<Event, Result, Error, Context>);
  return handler;
}

export type { StageHandler, StageHandlerOptions };
export { createStageHandler };
