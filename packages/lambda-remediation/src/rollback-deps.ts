import { systemClock } from '@aisaws/core/ports';
import {
  createPowertoolsObservability,
  type PowertoolsObservability,
} from '@aisaws/lambda-runtime/powertools';
import { cachedSecret } from '@aisaws/lambda-runtime/secrets';
import { createCrossAccountClients } from '@aisaws/playbooks/cross-account';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { STSClient } from '@aws-sdk/client-sts';
import type { RemediationHandlerDeps } from './create-remediation-handler.js';
import type { RollbackEnv } from './rollback-env.js';

/** SDK clients the rollback function uses; the defaults are the Lambda's, tests pass dynalite and mocked ones. */
interface RollbackClients {
  readonly dynamo?: DynamoDBClient;
  readonly sts?: STSClient;
  readonly secrets?: SecretsManagerClient;
}

/**
 * The rollback function's composition root: the rollback authority (refuses snapshot and apply), member credentials
 * from the member rollback role, and the approval signing key read from Secrets Manager as the Approval Lambda reads
 * it. No root sessions: no playbook's rollback needs one.
 */
function createRollbackDeps(
  env: RollbackEnv,
  clients: RollbackClients = {},
): RemediationHandlerDeps & PowertoolsObservability {
  return {
    dynamo: clients.dynamo ?? new DynamoDBClient({}),
    eventsTable: env.EVENTS_TABLE_NAME,
    clientsFor: createCrossAccountClients({
      sts: clients.sts ?? new STSClient({}),
      ownAccountId: env.OWN_ACCOUNT_ID,
      memberRoleName: env.MEMBER_ROLE_NAME,
      externalId: env.MEMBER_ROLE_EXTERNAL_ID,
      clock: systemClock,
      sessionName: 'aisaws-rollback',
    }),
    clock: systemClock,
    authority: 'rollback',
    signingKey: cachedSecret(
      clients.secrets ?? new SecretsManagerClient({}),
      env.APPROVAL_SIGNING_KEY_SECRET,
    ),
    ...createPowertoolsObservability('aisaws-rollback'),
  };
}

export type { RollbackClients };
export { createRollbackDeps };
