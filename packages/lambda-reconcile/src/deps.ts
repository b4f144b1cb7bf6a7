import { systemClock } from '@aisaws/core/ports';
import {
  createPowertoolsObservability,
  type PowertoolsObservability,
} from '@aisaws/lambda-runtime/powertools';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ReconcileEnv } from './env.js';
import { lambdaFindingsPublisher } from './findings-publisher.js';
import type { ReconcileDeps } from './reconcile.js';
import { sourcesFrom } from './sources.js';
import { stepFunctionsTriageStarter } from './triage-starter.js';

/** The composition root: SDK clients, the queues and Powertools utilities, built once per cold start. */
function createReconcileDeps(env: ReconcileEnv): ReconcileDeps & PowertoolsObservability {
  return {
    sqs: new SQSClient({}),
    sns: new SNSClient({}),
    dynamo: new DynamoDBClient({}),
    triage: stepFunctionsTriageStarter(new SFNClient({}), env.TRIAGE_STATE_MACHINE_ARN),
    ...(env.FINDINGS_FUNCTION_ARN
      ? { findings: lambdaFindingsPublisher(new LambdaClient({}), env.FINDINGS_FUNCTION_ARN) }
      : {}),
    sources: sourcesFrom({
      triageStateMachineArn: env.TRIAGE_STATE_MACHINE_ARN,
      securityBusArn: env.SECURITY_BUS_ARN,
      eventsDlqUrl: env.EVENTS_DLQ_URL,
      quarantineQueueUrl: env.QUARANTINE_QUEUE_URL,
      alertOutboxQueueUrl: env.ALERT_OUTBOX_QUEUE_URL,
      memberForwardDlqUrls: env.MEMBER_FORWARD_DLQ_URLS,
      maxReceives: env.MAX_RECEIVES,
      outboxMaxReceives: env.OUTBOX_MAX_RECEIVES,
    }),
    parkedQueueUrl: env.PARKED_QUEUE_URL,
    alertTopicArn: env.ALERT_TOPIC_ARN,
    stateTable: env.STATE_TABLE_NAME,
    maxReplaysPerEvent: env.MAX_REPLAYS_PER_EVENT,
    maxMessagesPerQueue: env.MAX_MESSAGES_PER_QUEUE,
    visibilityTimeoutSeconds: env.VISIBILITY_TIMEOUT_SECONDS,
    clock: systemClock,
    ...createPowertoolsObservability('aisaws-reconcile'),
  };
}

export { createReconcileDeps };
