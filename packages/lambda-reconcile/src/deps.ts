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
import type { EventHistorySettings } from './event-history.js';
import { lambdaFindingsPublisher } from './findings-publisher.js';
import type { EventHistory, ReconcileDeps } from './reconcile.js';
import { sourcesFrom } from './sources.js';
import { stepFunctionsTriageStarter } from './triage-starter.js';

/**
 * CloudTrail event history, loaded on its first lookup: the module (its CloudTrail and STS clients) is a chunk of
 * its own, so a run that recovers nothing, nearly every run, never loads it.
 */
function lazyEventHistory(settings: EventHistorySettings): EventHistory {
  let loaded: Promise<EventHistory> | undefined;
  return {
    async find(lookup) {
      loaded ??= import('./event-history.js').then(({ cloudTrailEventHistory }) =>
        cloudTrailEventHistory(settings),
      );
      return (await loaded).find(lookup);
    },
  };
}

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
    ...(env.EVENT_READER_ROLE_NAME && env.OWN_ACCOUNT_ID && env.MEMBER_ROLE_EXTERNAL_ID
      ? {
          eventHistory: lazyEventHistory({
            ownAccountId: env.OWN_ACCOUNT_ID,
            memberRoleName: env.EVENT_READER_ROLE_NAME,
            externalId: env.MEMBER_ROLE_EXTERNAL_ID,
            clock: systemClock,
          }),
        }
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
