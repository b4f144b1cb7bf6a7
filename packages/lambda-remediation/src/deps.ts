import { systemClock } from '@aisaws/core/ports';
import {
  createPowertoolsObservability,
  type PowertoolsObservability,
} from '@aisaws/lambda-runtime/powertools';
import { createCrossAccountClients, createRootSessions } from '@aisaws/playbooks/cross-account';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STSClient } from '@aws-sdk/client-sts';
import type { RemediationHandlerDeps } from './create-remediation-handler.js';
import type { RemediationEnv } from './env.js';

/** The composition root: SDK clients, cross-account credentials and Powertools utilities, built once per cold start. */
function createRemediationDeps(env: RemediationEnv): RemediationHandlerDeps & PowertoolsObservability {
  const sts = new STSClient({});
  return {
    dynamo: new DynamoDBClient({}),
    eventsTable: env.EVENTS_TABLE_NAME,
    clientsFor: createCrossAccountClients({
      sts,
      ownAccountId: env.OWN_ACCOUNT_ID,
      memberRoleName: env.MEMBER_ROLE_NAME,
      externalId: env.MEMBER_ROLE_EXTERNAL_ID,
      clock: systemClock,
      sessionName: 'aisaws-remediation',
    }),
    // Used only by playbooks that need a root session (centralized root access); refused by STS elsewhere.
    rootSession: createRootSessions(sts),
    clock: systemClock,
    ...createPowertoolsObservability('aisaws-remediation'),
  };
}

export { createRemediationDeps };
