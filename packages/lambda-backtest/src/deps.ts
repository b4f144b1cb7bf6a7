import { systemClock } from '@aisaws/core/ports';
import { loadPolicy } from '@aisaws/lambda-runtime';
import {
  createPowertoolsObservability,
  type PowertoolsObservability,
} from '@aisaws/lambda-runtime/powertools';
import { S3Client } from '@aws-sdk/client-s3';
import type { BacktestDeps } from './backtest.js';
import type { BacktestEnv } from './env.js';

/** The composition root: the S3 client, the policy and Powertools utilities, built once per cold start. */
function createBacktestDeps(env: BacktestEnv): BacktestDeps & PowertoolsObservability {
  const observability = createPowertoolsObservability('aisaws-backtest');
  return {
    s3: new S3Client({}),
    findingsBucket: env.FINDINGS_BUCKET,
    findingsPrefix: env.FINDINGS_PREFIX,
    policy: loadPolicy(env),
    clock: systemClock,
    maxObjectBytes: env.MAX_OBJECT_MB * 1024 * 1024,
    ...observability,
  };
}

export { createBacktestDeps };
