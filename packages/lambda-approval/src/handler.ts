import { createStageHandler } from '@aisaws/lambda-runtime/powertools';
import { decideApproval } from './decide-approval.js';
import { createApprovalDeps } from './deps.js';
import { parseApprovalEnv } from './env.js';

// Cold start: a bad environment fails here, naming the variable.
const deps = createApprovalDeps(parseApprovalEnv(process.env));
const { logger, metrics } = deps;

/**
 * No Powertools idempotency here: the once-only guarantee is the conditional PutItem on the approval marker, which
 * also spans different links (approve vs reject) of one task token. No Parser: a bad request must get an HTML answer,
 * not a thrown error. No eventId: a function URL request carries none.
 */
const handler = createStageHandler({
  logger,
  metrics,
  handle: async (event: unknown) => {
    const response = await decideApproval(event, deps);
    metrics.addMetric(`ApprovalResponse${response.statusCode}`, 'Count', 1);
    logger.info('approval link handled', { statusCode: response.statusCode });
    return response;
  },
});

export { handler };
