import { systemClock } from '@aisaws/core/ports';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { DecisionDeps } from './decision-stage.js';
import { type DecisionEnv, loadPolicy } from './env.js';

/** The composition root: SDK clients, the policy and Powertools utilities, built once per cold start. */
function createDecisionDeps(env: DecisionEnv): DecisionDeps & { logger: Logger; metrics: Metrics } {
  return {
    dynamo: new DynamoDBClient({}),
    tagging: new ResourceGroupsTaggingAPIClient({}),
    eventsTable: env.EVENTS_TABLE,
    stateTable: env.STATE_TABLE,
    policy: loadPolicy(env),
    clock: systemClock,
    logger: new Logger({ serviceName: 'aisaws-decision' }),
    metrics: new Metrics({ namespace: 'AISAWS', serviceName: 'aisaws-decision' }),
  };
}

export { createDecisionDeps };
