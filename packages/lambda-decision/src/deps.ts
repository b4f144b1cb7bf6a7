import { systemClock } from '@aisaws/core/ports';
import { loadPolicy } from '@aisaws/lambda-runtime';
import {
  createPowertoolsObservability,
  type PowertoolsObservability,
} from '@aisaws/lambda-runtime/powertools';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { DecisionDeps } from './decision-stage.js';
import type { DecisionEnv } from './env.js';

/** The composition root: SDK clients, the policy and Powertools utilities, built once per cold start. */
function createDecisionDeps(env: DecisionEnv): DecisionDeps & PowertoolsObservability {
  return {
    dynamo: new DynamoDBClient({}),
    tagging: new ResourceGroupsTaggingAPIClient({}),
    eventsTable: env.EVENTS_TABLE,
    stateTable: env.STATE_TABLE,
    policy: loadPolicy(env),
    clock: systemClock,
    ...createPowertoolsObservability('aisaws-decision'),
  };
}

export { createDecisionDeps };
