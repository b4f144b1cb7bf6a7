import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { decideApproval } from './decide-approval.js';
import { deps, logger, metrics } from './deps.js';
import type { HttpResponse } from './function-url-event.js';

// No Powertools idempotency here: the once-only guarantee is the conditional PutItem on the approval marker, which
// also spans different links (approve vs reject) of one task token. No parser middleware: a bad request must get an
// HTML answer, not a thrown error.
const handler = middy(async (event: unknown): Promise<HttpResponse> => {
  const response = await decideApproval(event, deps);
  metrics.addMetric(`ApprovalResponse${response.statusCode}`, MetricUnit.Count, 1);
  logger.info('approval link handled', { statusCode: response.statusCode });
  return response;
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));

export { handler };
