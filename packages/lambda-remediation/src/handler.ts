import { RemediationRequestSchema } from '@aisaws/core/schemas';
import { dynamoDbIdempotency } from '@aisaws/lambda-runtime/idempotency';
import { createStageHandler } from '@aisaws/lambda-runtime/powertools';
import { createRemediationHandler } from './create-remediation-handler.js';
import { createRemediationDeps } from './deps.js';
import { parseRemediationEnv } from './env.js';

// Cold start: a bad environment fails here, naming the variable.
const env = parseRemediationEnv(process.env);
const deps = createRemediationDeps(env);
const { logger, metrics } = deps;
const remediation = createRemediationHandler(deps);

/**
 * Parser rejects anything but a RemediationRequest. One result per (CloudTrail eventID, action): a retried invocation
 * returns the first result instead of acting again.
 */
const handler = createStageHandler({
  logger,
  metrics,
  schema: RemediationRequestSchema,
  eventIdOf: (request) => (request.action === 'rollback' ? request.eventId : request.event.eventId),
  idempotency: dynamoDbIdempotency({
    tableName: env.IDEMPOTENCY_TABLE_NAME,
    eventKeyJmesPath: '[event.eventId || eventId, action]',
  }),
  handle: async (request) => {
    const result = await remediation(request);
    metrics.addMetric(`Remediation-${result.status}`, 'Count', 1);
    logger.info('remediation step done', {
      action: result.action,
      status: result.status,
      changes: result.changes,
    });
    return result;
  },
});

export { handler };
