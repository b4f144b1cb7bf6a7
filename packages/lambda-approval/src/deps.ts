import { systemClock } from '@aisaws/core/ports';
import {
  createPowertoolsObservability,
  type PowertoolsObservability,
} from '@aisaws/lambda-runtime/powertools';
import { cachedSecureParameter } from '@aisaws/lambda-runtime/ssm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { ApprovalDeps } from './decide-approval.js';
import type { ApprovalEnv } from './env.js';

/** The composition root: SDK clients, the signing-key reader and Powertools utilities, built once per cold start. */
function createApprovalDeps(env: ApprovalEnv): ApprovalDeps & PowertoolsObservability {
  return {
    sfn: new SFNClient({}),
    dynamo: new DynamoDBClient({}),
    stateTable: env.STATE_TABLE_NAME,
    signingKey: cachedSecureParameter(new SSMClient({}), env.APPROVAL_SIGNING_KEY_PARAMETER),
    clock: systemClock,
    ...createPowertoolsObservability('aisaws-approval'),
  };
}

export { createApprovalDeps };
