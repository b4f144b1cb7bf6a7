import { systemClock } from '@aisaws/core/ports';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { ApprovalDeps } from './decide-approval.js';
import { parseApprovalEnv } from './env.js';
import { createSsmSigningKeyProvider } from './signing-key.js';

/** Composition root: built once per container. */
const env = parseApprovalEnv(process.env);
const logger = new Logger({ serviceName: 'aisaws-approval' });
const metrics = new Metrics({ namespace: 'AISAWS', serviceName: 'aisaws-approval' });

const deps: ApprovalDeps = {
  sfn: new SFNClient({}),
  dynamo: new DynamoDBClient({}),
  stateTable: env.STATE_TABLE_NAME,
  signingKey: createSsmSigningKeyProvider(new SSMClient({}), env.APPROVAL_SIGNING_KEY_PARAMETER),
  clock: systemClock,
};

export { deps, env, logger, metrics };
