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
  const tagging = new ResourceGroupsTaggingAPIClient({});
  // The security account's own resources: one client per region with the Lambda's role, kept for the container's
  // life (a member's client is built per read, with credentials renewed by clientsFor).
  const ownTagging = new Map<string, ResourceGroupsTaggingAPIClient>();
  const ownTaggingIn = (region: string): ResourceGroupsTaggingAPIClient => {
    let client = ownTagging.get(region);
    if (client === undefined) {
      client = new ResourceGroupsTaggingAPIClient({ region });
      ownTagging.set(region, client);
    }
    return client;
  };
  return {
    dynamo: new DynamoDBClient({}),
    tagging,
    memberTagging: {
      ownAccountId: env.OWN_ACCOUNT_ID,
      clientFor: async (account, region) =>
        account === env.OWN_ACCOUNT_ID
          ? ownTaggingIn(region)
          : (await clientsFor(account))(ResourceGroupsTaggingAPIClient, region),
    },
    eventsTable: env.EVENTS_TABLE,
    stateTable: env.STATE_TABLE,
    policy: loadPolicy(env),
    clock: systemClock,
    ...createPowertoolsObservability('aisaws-decision'),
  };
}

export { createDecisionDeps };
