import { type AlertRequest, AlertRequestSchema, type AlertResult } from '@aisaws/core/schemas';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import { deps, env, logger, metrics } from './deps.js';
import { sendAlert } from './send-alert.js';

// One alert per (eventId, kind, task token): a Lambda retry after a publish does not send the e-mail twice.
const idempotency = makeHandlerIdempotent({
  persistenceStore: new DynamoDBPersistenceLayer({ tableName: env.IDEMPOTENCY_TABLE_NAME }),
  config: new IdempotencyConfig({ eventKeyJmesPath: '[event.eventId, kind, taskToken]' }),
});

const handler = middy(async (request: AlertRequest): Promise<AlertResult> => {
  const result = await sendAlert(request, deps);
  metrics.addMetric(`Alert-${request.kind}`, MetricUnit.Count, 1);
  logger.info('alert published', {
    kind: request.kind,
    messageId: result.messageId,
    subject: result.subject,
  });
  return result;
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .use(parser({ schema: AlertRequestSchema }))
  .use({ before: (request) => logger.appendKeys({ eventId: (request.event as AlertRequest).event.eventId }) })
  .use(idempotency);

export { handler };
