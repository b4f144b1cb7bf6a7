import { RollbackRequestSchema } from '@aisaws/core/schemas';
import { createStageHandler } from '@aisaws/lambda-runtime/powertools';
import { createRemediationHandler } from './create-remediation-handler.js';
import { createRollbackDeps } from './rollback-deps.js';
import { parseRollbackEnv } from './rollback-env.js';

// Cold start: a bad environment fails here, naming the variable.
const env = parseRollbackEnv(process.env);
const deps = createRollbackDeps(env);
const { logger, metrics } = deps;
const rollback = createRemediationHandler(deps);

/**
 * The rollback function (`rollback.handler` of the remediation bundle, the rollback role): accepts only
 * `{schemaVersion, action: 'rollback', eventId, approval}`. No idempotency layer: the events item is the record. A
 * retry with the approval already applied gets the recorded result; another approval of a rolled-back event is
 * refused (RollbackRefusedError) without touching anything.
 */
const handler = createStageHandler({
  logger,
  metrics,
  schema: RollbackRequestSchema,
  eventIdOf: (request) => request.eventId,
  handle: async (request) => {
    const result = await rollback(request);
    metrics.addMetric(`Rollback-${result.status}`, 'Count', 1);
    logger.info('rollback done', { status: result.status, changes: result.changes });
    return result;
  },
});

export { handler };
