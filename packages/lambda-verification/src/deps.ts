import { systemClock } from '@aisaws/core/ports';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { STSClient } from '@aws-sdk/client-sts';
import type { VerificationHandlerDeps } from './create-verification-handler.js';
import { createCrossAccountClients } from './cross-account.js';
import { parseVerificationEnv } from './env.js';

/** Composition root: built once per container. */
const env = parseVerificationEnv(process.env);
const logger = new Logger({ serviceName: 'aisaws-verification' });
const metrics = new Metrics({ namespace: 'AISAWS', serviceName: 'aisaws-verification' });

const deps: VerificationHandlerDeps = {
  clientsFor: createCrossAccountClients({
    sts: new STSClient({}),
    ownAccountId: env.OWN_ACCOUNT_ID,
    memberRoleName: env.MEMBER_ROLE_NAME,
    externalId: env.MEMBER_ROLE_EXTERNAL_ID,
    clock: systemClock,
    sessionName: 'aisaws-verification',
  }),
  clock: systemClock,
  deadlineSeconds: env.VERIFICATION_DEADLINE_SECONDS,
};

export { deps, env, logger, metrics };
