import { eventIdOfFindingRequest, PublishFindingRequestSchema } from '@aisaws/core/publish';
import { createStageHandler } from '@aisaws/lambda-runtime/powertools';
import { createFindingsDeps } from './deps.js';
import { parseFindingsEnv } from './env.js';
import { publishFinding } from './publish-finding.js';

// Cold start: a bad environment fails here, naming the variable.
const env = parseFindingsEnv(process.env);
const deps = createFindingsDeps(env);
const { logger, metrics } = deps;

/**
 * Parser rejects anything but a PublishFindingRequest. No idempotency layer: the finding is an upsert keyed by the
 * event, so a retried invocation writes the same finding again.
 */
const handler = createStageHandler({
  logger,
  metrics,
  schema: PublishFindingRequestSchema,
  eventIdOf: eventIdOfFindingRequest,
  handle: async (request) => {
    try {
      const result = await publishFinding(request, deps);
      metrics.addMetric(result.status === 'published' ? 'FindingPublished' : 'FindingSkipped', 'Count', 1);
      logger.info('finding', {
        status: result.status,
        findingId: result.findingId,
        outcome: request.outcome,
      });
      return result;
    } catch (error) {
      metrics.addMetric(`FindingNotPublished-${(error as Error).name}`, 'Count', 1);
      logger.warn('finding not published', { error: (error as Error).message, outcome: request.outcome });
      throw error;
    }
  },
});

export { handler };
