import { ReconcileRequestSchema } from '@aisaws/core/schemas';
import { createStageHandler } from '@aisaws/lambda-runtime/powertools';
import type { Context } from 'aws-lambda';
import { createReconcileDeps } from './deps.js';
import { parseReconcileEnv } from './env.js';
import { reconcile } from './reconcile.js';

// Cold start: a bad environment fails here, naming the variable.
const env = parseReconcileEnv(process.env);
const deps = createReconcileDeps(env);

/**
 * Scheduled (EventBridge Scheduler, `{}`) or invoked by hand (`{"sources": ["events-dlq"], "maxMessages": 50}`).
 * Parser rejects any other input before a queue is read.
 */
const handler = createStageHandler({
  logger: deps.logger,
  metrics: deps.metrics,
  schema: ReconcileRequestSchema,
  handle: async (request) => reconcile(request, { ...deps, timeLeftMs: () => remainingMs() }),
});

let currentContext: Pick<Context, 'getRemainingTimeInMillis'> | undefined;
const remainingMs = (): number => currentContext?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY;
handler.before((request) => {
  currentContext = request.context;
});

export { handler };
