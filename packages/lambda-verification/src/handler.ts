import { VerificationRequestSchema } from '@aisaws/core/schemas';
import { createStageHandler } from '@aisaws/lambda-runtime/powertools';
import { createVerificationHandler } from './create-verification-handler.js';
import { createVerificationDeps } from './deps.js';
import { parseVerificationEnv } from './env.js';

// Cold start: a bad environment fails here, naming the variable.
const env = parseVerificationEnv(process.env);
const deps = createVerificationDeps(env);
const { logger, metrics } = deps;
const verification = createVerificationHandler(deps);

/**
 * Parser rejects anything but a VerificationRequest. Read-only: no idempotency layer (a cached "not yet" would defeat
 * the workflow's retries).
 */
const handler = createStageHandler({
  logger,
  metrics,
  schema: VerificationRequestSchema,
  eventIdOf: (request) => request.event.eventId,
  handle: async (request) => {
    try {
      const result = await verification(request);
      metrics.addMetric('VerificationConverged', 'Count', 1);
      logger.info('converged', { observed: result.observed });
      return result;
    } catch (error) {
      metrics.addMetric(`Verification-${(error as Error).name}`, 'Count', 1);
      logger.warn('not converged', { error: (error as Error).message });
      throw error;
    }
  },
});

export { handler };
