import {
  type VerificationRequest,
  VerificationRequestSchema,
  type VerificationResult,
} from '@aisaws/core/schemas';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import { createVerificationHandler } from './create-verification-handler.js';
import { deps, logger, metrics } from './deps.js';

const verification = createVerificationHandler(deps);

// Read-only: no idempotency layer (a cached "not yet" would defeat the workflow's retries).
const handler = middy(async (request: VerificationRequest): Promise<VerificationResult> => {
  try {
    const result = await verification(request);
    metrics.addMetric('VerificationConverged', MetricUnit.Count, 1);
    logger.info('converged', { observed: result.observed });
    return result;
  } catch (error) {
    metrics.addMetric(`Verification-${(error as Error).name}`, MetricUnit.Count, 1);
    logger.warn('not converged', { error: (error as Error).message });
    throw error;
  }
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .use(parser({ schema: VerificationRequestSchema }))
  .use({
    before: (request) => logger.appendKeys({ eventId: (request.event as VerificationRequest).event.eventId }),
  });

export { handler };
