import { createStageHandler } from '@aisaws/lambda-runtime/powertools';
import { createBacktestHandler } from './backtest.js';
import { type BacktestBatch, BacktestBatchSchema } from './batch.js';
import { createBacktestDeps } from './deps.js';
import { parseBacktestEnv } from './env.js';

// Cold start: a bad environment or policy fails here, naming the variable or the policy field.
const env = parseBacktestEnv(process.env);
const deps = createBacktestDeps(env);
const backtest = createBacktestHandler(deps);

/** Parser rejects anything but an ItemBatcher batch (Items + BatchInput) before the use case runs. */
const handler = createStageHandler({
  logger: deps.logger,
  metrics: deps.metrics,
  schema: BacktestBatchSchema,
  handle: (batch: BacktestBatch) => backtest(batch),
});

export { handler };
