import { systemClock } from '@aisaws/core/ports';
import {
  createPowertoolsObservability,
  type PowertoolsObservability,
} from '@aisaws/lambda-runtime/powertools';
import { createCrossAccountClients, createRootSessions } from '@aisaws/playbooks/cross-account';
import { STSClient } from '@aws-sdk/client-sts';
import type { VerificationHandlerDeps } from './create-verification-handler.js';
import type { VerificationEnv } from './env.js';

/** The composition root: cross-account credentials and Powertools utilities, built once per cold start. */
function createVerificationDeps(env: VerificationEnv): VerificationHandlerDeps & PowertoolsObservability {
  const sts = new STSClient({});
  return {
    clientsFor: createCrossAccountClients({
      sts,
      ownAccountId: env.OWN_ACCOUNT_ID,
      memberRoleName: env.MEMBER_ROLE_NAME,
      externalId: env.MEMBER_ROLE_EXTERNAL_ID,
      clock: systemClock,
      sessionName: 'aisaws-verification',
    }),
    // Used only by playbooks that need a root session (centralized root access); refused by STS elsewhere.
    rootSession: createRootSessions(sts),
    clock: systemClock,
    deadlineSeconds: env.VERIFICATION_DEADLINE_SECONDS,
    ...createPowertoolsObservability('aisaws-verification'),
  };
}

export { createVerificationDeps };
