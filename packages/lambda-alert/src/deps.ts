import { systemClock } from '@aisaws/core/ports';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { parseAlertEnv } from './env.js';
import type { SendAlertDeps } from './send-alert.js';
import { createSsmSigningKeyProvider } from './signing-key.js';

/** Composition root: built once per container. */
const env = parseAlertEnv(process.env);
const logger = new Logger({ serviceName: 'aisaws-alert' });
const metrics = new Metrics({ namespace: 'AISAWS', serviceName: 'aisaws-alert' });

const deps: SendAlertDeps = {
  sns: new SNSClient({}),
  topicArn: env.ALERT_TOPIC_ARN,
  clock: systemClock,
  approval: {
    baseUrl: env.APPROVAL_BASE_URL,
    signingKey: createSsmSigningKeyProvider(new SSMClient({}), env.APPROVAL_SIGNING_KEY_PARAMETER),
  },
};

export { deps, env, logger, metrics };
