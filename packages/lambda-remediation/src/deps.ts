import { systemClock } from '@aisaws/core/ports';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STSClient } from '@aws-sdk/client-sts';
import type { RemediationHandlerDeps } from './create-remediation-handler.js';
import { createCrossAccountClients } from './cross-account.js';
import { parseRemediationEnv } from './env.js';

/** Composition root: built once per container. */
const env = parseRemediationEnv(process.env);
const logger = new Logger({ serviceName: 'aisaws-remediation' });
const metrics = new Metrics({ namespace: 'AISAWS', serviceName: 'aisaws-remediation' });

const deps: RemediationHandlerDeps = {
  dynamo: new DynamoDBClient({}),
  eventsTable: env.EVENTS_TABLE_NAME,
  clientsFor: createCrossAccountClients({
    sts: new STSClient({}),
    ownAccountId: env.OWN_ACCOUNT_ID,
    memberRoleName: env.MEMBER_ROLE_NAME,
    externalId: env.MEMBER_ROLE_EXTERNAL_ID,
    clock: systemClock,
  }),
  clock: systemClock,
};

export { deps, env, logger, metrics };
