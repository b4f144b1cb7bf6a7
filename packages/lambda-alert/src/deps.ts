import { systemClock } from '@aisaws/core/ports';
import {
  createPowertoolsObservability,
  type PowertoolsObservability,
} from '@aisaws/lambda-runtime/powertools';
import { cachedSecret } from '@aisaws/lambda-runtime/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { AlertEnv } from './env.js';
import type { SendAlertDeps } from './send-alert.js';

/** The composition root: SDK clients, the signing-key reader and Powertools utilities, built once per cold start. */
function createAlertDeps(env: AlertEnv): SendAlertDeps & PowertoolsObservability {
  return {
    sns: new SNSClient({}),
    topicArn: env.ALERT_TOPIC_ARN,
    clock: systemClock,
    approval: {
      baseUrl: env.APPROVAL_BASE_URL,
      signingKey: cachedSecret(new SecretsManagerClient({}), env.APPROVAL_SIGNING_KEY_SECRET),
    },
    ...(env.ALERT_OUTBOX_QUEUE_URL
      ? { outbox: { sqs: new SQSClient({}), queueUrl: env.ALERT_OUTBOX_QUEUE_URL } }
      : {}),
    ...createPowertoolsObservability('aisaws-alert'),
  };
}

export { createAlertDeps };
