import type { Policy } from '@aisaws/core/policy';
import { createAlertHandler } from '@aisaws/lambda-alert';
import { createDecisionHandler, type DecisionDeps } from '@aisaws/lambda-decision';
import { createFindingsHandler } from '@aisaws/lambda-findings';
import { createIngestHandler } from '@aisaws/lambda-ingest';
import { createRemediationHandler } from '@aisaws/lambda-remediation';
import { createDefaultScoringHandler } from '@aisaws/lambda-scoring';
import { createVerificationHandler } from '@aisaws/lambda-verification';
import type { ClientFactory } from '@aisaws/playbooks';
import type { SimulatedSecurityHub } from '@aisaws/simulated-account';
import type { tableNamesWithPrefix } from '@aisaws/testing/harness';
import type { WorkflowTasks } from '@aisaws/testing/workflow';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';

/** What the real stage handlers of a workflow test are built with. */
interface StageTaskSettings {
  readonly dynamo: DynamoDBClient;
  /** The archive's S3 (s3rver). */
  readonly s3: S3Client;
  readonly tables: ReturnType<typeof tableNamesWithPrefix>;
  readonly archiveBucket: string;
  readonly clock: { now(): Date };
  readonly selfRoleArns?: ReadonlySet<string>;
  readonly policy: Policy;
  /** Decide's tag readers: the security account's client, and the member accounts' when given. */
  readonly tagging: DecisionDeps['tagging'];
  readonly memberTagging?: DecisionDeps['memberTagging'];
  /** The accounts' clients the playbooks act and read through (remediation and verification). */
  readonly clientsFor: (account: string) => Promise<ClientFactory>;
  readonly verificationDeadlineSeconds?: number;
  readonly sns: SNSClient;
  readonly topicArn: string;
  readonly signingKey: () => Promise<string>;
  /** Security Hub of the security account (simulated) and where it is. */
  readonly securityHub: SimulatedSecurityHub;
  readonly securityAccount: string;
  readonly region: string;
}

/** The triage and remediation stages, each its real handler factory, as the workflow tests bind them to the ASL. */
function realStageTasks(settings: StageTaskSettings): WorkflowTasks {
  const { dynamo, tables, clock, clientsFor } = settings;
  return {
    ingest: createIngestHandler({
      s3: settings.s3,
      dynamo,
      archiveBucket: settings.archiveBucket,
      eventsTable: tables.events,
      ttlDays: 30,
      ...(settings.selfRoleArns ? { selfRoleArns: settings.selfRoleArns } : {}),
      clock,
    }),
    scoring: createDefaultScoringHandler({
      dynamo,
      eventsTable: tables.events,
      baselineTable: tables.baseline,
      clock,
    }),
    decision: createDecisionHandler({
      dynamo,
      tagging: settings.tagging,
      ...(settings.memberTagging ? { memberTagging: settings.memberTagging } : {}),
      eventsTable: tables.events,
      stateTable: tables.state,
      policy: settings.policy,
      clock,
    }),
    remediation: createRemediationHandler({ dynamo, eventsTable: tables.events, clientsFor, clock }),
    verification: createVerificationHandler({
      clientsFor,
      clock,
      ...(settings.verificationDeadlineSeconds !== undefined
        ? { deadlineSeconds: settings.verificationDeadlineSeconds }
        : {}),
    }),
    alert: createAlertHandler({
      sns: settings.sns,
      topicArn: settings.topicArn,
      clock,
      approval: { baseUrl: 'https://approval.example/', signingKey: settings.signingKey },
    }),
    findings: createFindingsHandler({
      securityHub: settings.securityHub,
      account: settings.securityAccount,
      region: settings.region,
      clock,
    }),
  };
}

export type { StageTaskSettings };
export { realStageTasks };
