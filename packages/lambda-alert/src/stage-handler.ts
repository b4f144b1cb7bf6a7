import { type AlertResult, type AnyAlertRequest, AnyAlertRequestSchema } from '@aisaws/core/schemas';
import { type DynamoDbIdempotencyOptions, dynamoDbIdempotency } from '@aisaws/lambda-runtime/idempotency';
import {
  createStageHandler,
  type PowertoolsObservability,
  type StageHandler,
} from '@aisaws/lambda-runtime/powertools';
import { type SendAlertDeps, sendAlert } from './send-alert.js';

/**
 * The idempotency key: one alert per (eventId, kind, task token). A rollback workflow request carries its eventId at
 * the top level (it has no decided event), hence the `||`.
 */
const ALERT_IDEMPOTENCY_KEY = '[event.eventId || eventId, kind, taskToken]';

interface AlertIdempotencySettings {
  /** The Powertools idempotency table (IDEMPOTENCY_TABLE_NAME in AWS). */
  readonly tableName: string;
  /** The DynamoDB client of that table; default: one Powertools builds (what the Lambda uses). */
  readonly client?: DynamoDbIdempotencyOptions['client'];
}

/**
 * The Alert Lambda as deployed: Parser rejects anything but an AlertRequest or a RollbackAlertRequest; one alert per (eventId, kind, task
 * token) through the Powertools idempotency layer, so a retried or redelivered invocation after a publish returns the
 * first result instead of sending the e-mail twice. `handler.ts` builds it from the environment; the load rig builds
 * it on dynalite, so the benchmark measures this handler and not the bare use case.
 */
function createAlertStageHandler(
  deps: SendAlertDeps & PowertoolsObservability,
  idempotency: AlertIdempotencySettings,
): StageHandler<AnyAlertRequest, AlertResult> {
  const { logger, metrics } = deps;
  return createStageHandler({
    logger,
    metrics,
    schema: AnyAlertRequestSchema,
    eventIdOf: (request) => ('event' in request ? request.event.eventId : request.eventId),
    idempotency: dynamoDbIdempotency({
      tableName: idempotency.tableName,
      eventKeyJmesPath: ALERT_IDEMPOTENCY_KEY,
      ...(idempotency.client ? { client: idempotency.client } : {}),
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
}

export type { AlertIdempotencySettings };
export { ALERT_IDEMPOTENCY_KEY, createAlertStageHandler };
