import {
  type RemediationRequest,
  RemediationRequestSchema,
  type RemediationResult,
} from '@aisaws/core/schemas';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import { createRemediationHandler } from './create-remediation-handler.js';
import { deps, env, logger, metrics } from './deps.js';

const remediation = createRemediationHandler(deps);

// One result per (CloudTrail eventID, action): a retried invocation returns the first result instead of acting again.
const idempotency = makeHandlerIdempotent({
  persistenceStore: new DynamoDBPersistenceLayer({ tableName: env.IDEMPOTENCY_TABLE_NAME }),
  config: new IdempotencyConfig({ eventKeyJmesPath: '[event.eventId, action]' }),
});

const handler = middy(async (request: RemediationRequest): Promise<RemediationResult> => {
  const result = await remediation(request);
  metrics.addMetric(`Remediation-${result.status}`, MetricUnit.Count, 1);
  logger.info('remediation step done', {
    action: result.action,
    status: result.status,
    changes: result.changes,
  });
  return result;
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .use(parser({ schema: RemediationRequestSchema }))
  .use({
    before: (request) => logger.appendKeys({ eventId: (request.event as RemediationRequest).event.eventId }),
  })
  .use(idempotency);

export { handler };
