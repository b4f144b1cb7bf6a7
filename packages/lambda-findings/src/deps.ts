import { systemClock } from '@aisaws/core/ports';
import {
  createPowertoolsObservability,
  type PowertoolsObservability,
} from '@aisaws/lambda-runtime/powertools';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { FindingsEnv } from './env.js';
import type { PublishFindingDeps } from './publish-finding.js';
import { securityHubOf } from './security-hub.js';

/** The composition root: the Security Hub client and Powertools utilities, built once per cold start. */
function createFindingsDeps(env: FindingsEnv): PublishFindingDeps & PowertoolsObservability {
  return {
    securityHub: securityHubOf(new SecurityHubClient({ region: env.SECURITY_HUB_REGION })),
    account: env.OWN_ACCOUNT_ID,
    region: env.SECURITY_HUB_REGION,
    clock: systemClock,
    ...createPowertoolsObservability('aisaws-findings'),
  };
}

export { createFindingsDeps };
