import { systemClock } from '@aisaws/core/ports';
import {
  createPowertoolsObservability,
  type PowertoolsObservability,
} from '@aisaws/lambda-runtime/powertools';
import { cachedSecret } from '@aisaws/lambda-runtime/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { ApprovalDeps } from './decide-approval.js';
import type { ApprovalEnv } from './env.js';

/** The composition root: SDK clients, the signing-key reader and Powertools utilities, built once per cold start. */
function createApprovalDeps(env: ApprovalEnv): ApprovalDeps & PowertoolsObservability {
  return {
    sfn: new SFNClient({}),
    dynamo: new DynamoDBClient({}),
    stateTable: env.STATE_TABLE_NAME,
    signingKey: cachedSecret(new SecretsManagerClient({}), env.APPROVAL_SIGNING_KEY_SECRET),
    clock: systemClock,
    ...createPowertoolsObservability('aisaws-approval'),
  };
}

export { createApprovalDeps };
