import { createAlertDeps } from './deps.js';
import { parseAlertEnv } from './env.js';
import { createAlertStageHandler } from './stage-handler.js';

// Cold start: a bad environment fails here, naming the variable.
const env = parseAlertEnv(process.env);

/** Parser, Logger, Metrics and one alert per (eventId, kind, task token): see createAlertStageHandler. */
const handler = createAlertStageHandler(createAlertDeps(env), { tableName: env.IDEMPOTENCY_TABLE_NAME });

export { handler };
