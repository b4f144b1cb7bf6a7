import { systemClock } from '@aisaws/core/ports';
import { loadPolicy } from '@aisaws/lambda-runtime';
import {
  createPowertoolsObservability,
  type PowertoolsObservability,
} from '@aisaws/lambda-runtime/powertools';
import { createCrossAccountClients } from '@aisaws/playbooks/cross-account';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { STSClient } from '@aws-sdk/client-sts';
import type { DecisionDeps } from './decision-stage.js';
import type { DecisionEnv } from './env.js';

/** The composition root: SDK clients, the policy and Powertools utilities, built once per cold start. */
function createDecisionDeps(env: DecisionEnv): DecisionDeps & PowertoolsObservability {
  // A member resource's tags are read in its account: the member tag-reader role, assumed with the ExternalId
  // (credentials cached per account and renewed before they expire), in the resource's region.
  const clientsFor = createCrossAccountClients({
    sts: new STSClient({}),
    ownAccountId: env.OWN_ACCOUNT_ID,
    memberRoleName: env.TAG_READER_ROLE_NAME,
    externalId: env.MEMBER_ROLE_EXTERNAL_ID,
    clock: systemClock,
    sessionName: 'aisaws-decision',
  });
  return {
    dynamo: new DynamoDBClient({}),
    tagging: new ResourceGroupsTaggingAPIClient({}),
    memberTagging: {
      ownAccountId: env.OWN_ACCOUNT_ID,
      clientFor: async (account, region) =>
        (await clientsFor(account))(ResourceGroupsTaggingAPIClient, region),
    },
    eventsTable: env.EVENTS_TABLE,
    stateTable: env.STATE_TABLE,
    policy: loadPolicy(env),
    clock: systemClock,
    ...createPowertoolsObservability('aisaws-decision'),
  };
}

export { createDecisionDeps };
