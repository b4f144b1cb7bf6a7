import { AlertRequestSchema } from '@aisaws/core/schemas';
import { dynamoDbIdempotency } from '@aisaws/lambda-runtime/idempotency';
import { createStageHandler } from '@aisaws/lambda-runtime/powertools';
import { createAlertDeps } from './deps.js';
import { parseAlertEnv } from './env.js';
import { sendAlert } from './send-alert.js';

// Cold start: a bad environment fails here, naming the variable.
const env = parseAlertEnv(process.env);
const deps = createAlertDeps(env);
const { logger, metrics } = deps;

/**
 * Parser rejects anything but an AlertRequest. One alert per (eventId, kind, task token): a Lambda retry after a
 * publish does not send the e-mail twice.
 */
const handler = createStageHandler({
  logger,
  metrics,
  schema: AlertRequestSchema,
  eventIdOf: (request) => request.event.eventId,
  idempotency: dynamoDbIdempotency({
    tableName: env.IDEMPOTENCY_TABLE_NAME,
    eventKeyJmesPath: '[event.eventId, kind, taskToken]',
  }),
  handle: async (request) => {
    const result = await sendAlert(request, deps);
    if (result.delivery === 'queued') {
      metrics.addMetric('AlertsQueued', 'Count', 1);
      logger.warn('SNS unavailable: alert kept in the outbox for the reconcile job', {
        kind: request.kind,
        messageId: result.messageId,
        subject: result.subject,
      });
      return result;
    }
    metrics.addMetric(`Alert-${request.kind}`, 'Count', 1);
    logger.info('alert published', {
      kind: request.kind,
      messageId: result.messageId,
      subject: result.subject,
    });
    return result;
  },
});

export { handler };
