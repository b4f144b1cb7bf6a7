import { randomBytes } from 'node:crypto';
import { DEFAULT_POLICY, type Policy } from '@aisaws/core/policy';
import type { Clock } from '@aisaws/core/ports';
import { createAlertHandler } from '@aisaws/lambda-alert';

import { createApprovalHandler } from '@aisaws/lambda-approval';
import { createDecisionHandler, type DecisionDeps } from '@aisaws/lambda-decision';
import { createFindingsHandler } from '@aisaws/lambda-findings';
import { createIngestHandler } from '@aisaws/lambda-ingest';
import { createRemediationHandler, sameClientsForEveryAccount } from '@aisaws/lambda-remediation';
import { createDefaultScoringHandler } from '@aisaws/lambda-scoring';
import { createVerificationHandler } from '@aisaws/lambda-verification';
import type { Outbox } from '@aisaws/simulated-account';
import { SimulatedSecurityHub, simulatedClient } from '@aisaws/simulated-account';
import type { LocalSandbox } from '../sandbox/local-sandbox.js';
import type { StageLog } from './stage-log.js';

/**
 * Builds every Lambda of AISAWS from its factory, with deps pointing at the sandbox: dynalite tables, the s3rver
 * archive, the simulated account's clients for the playbooks, the simulated SNS topic (the outbox), and the Alert
 * stage's outbox queue (fauxqs) that keeps an alert SNS refuses, as in AWS. Each handler is wrapped by the stage log
 * so the demo sees every invocation. No Powertools, no environment variables.
 */

type AlertDeps = Parameters<typeof createAlertHandler>[0];
type ApprovalDeps = Parameters<typeof createApprovalHandler>[0];

const ALERT_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:aisaws-demo-alerts';

interface DemoHandlers {
  readonly ingest: (event: unknown) => Promise<unknown>;
  readonly scoring: (event: unknown) => Promise<unknown>;
  readonly decision: (event: unknown) => Promise<unknown>;
  readonly remediation: (event: unknown) => Promise<unknown>;
  readonly verification: (event: unknown) => Promise<unknown>;
  readonly alert: (event: unknown) => Promise<unknown>;
  /** The Findings Lambda over the simulated Security Hub of the sandbox's account. */
  readonly findings: (event: unknown) => Promise<unknown>;
}

interface PipelineOptions {
  readonly sandbox: LocalSandbox;
  readonly outbox: Outbox;
  readonly stageLog: StageLog;
  readonly clock: Clock;
  /** Base URL of the demo's approval endpoint (the links in approval e-mails point there). */
  readonly approvalBaseUrl: string;
  /** The decision policy; the default policy when absent. */
  readonly policy?: Policy;
  /** HMAC key of the approval links; one per demo process. */
  readonly signingKey?: string;
  /** The Alert stage's outbox queue: where an alert SNS refuses (down, throttled, 5xx) is kept for reconcile. */
  readonly alertOutbox: NonNullable<AlertDeps['outbox']>;
}

function buildHandlers(options: PipelineOptions): {
  handlers: DemoHandlers;
  signingKey: string;
  securityHub: SimulatedSecurityHub;
} {
  const { sandbox, outbox, stageLog, clock } = options;
  const signingKey = options.signingKey ?? randomBytes(32).toString('hex');
  const s3 = sandbox.s3?.client;
  if (!s3)
    throw new Error('the demo pipeline needs the sandbox S3 archive (open the sandbox with s3 enabled)');
  const dynamo = sandbox.dynamo.client;
  const { tables } = sandbox;
  // Security Hub of the account AISAWS runs in: a simulation (no emulator exists), holding the findings it imports.
  const securityHub = new SimulatedSecurityHub({
    account: sandbox.account.accountId,
    region: sandbox.account.region,
  });

  const handlers: DemoHandlers = {
    ingest: stageLog.timed(
      'Ingest',
      createIngestHandler({
        s3,
        dynamo,
        archiveBucket: sandbox.archiveBucket,
        eventsTable: tables.events,
        ttlDays: 30,
        clock,
      }),
    ),
    scoring: stageLog.timed(
      'Score',
      createDefaultScoringHandler({
        dynamo,
        eventsTable: tables.events,
        baselineTable: tables.baseline,
        clock,
      }),
    ),
    decision: stageLog.timed(
      'Decide',
      createDecisionHandler({
        dynamo,
        // Tags for the exemption rule, read from the simulated account (the one cast of that simulation).
        tagging: simulatedClient(
          sandbox.account,
          'ResourceGroupsTaggingAPIClient',
          sandbox.account.region,
        ) as unknown as DecisionDeps['tagging'],
        eventsTable: tables.events,
        stateTable: tables.state,
        policy: options.policy ?? DEFAULT_POLICY,
        clock,
      }),
    ),
    remediation: stageLog.timed(
      'Remediation',
      createRemediationHandler({
        dynamo,
        eventsTable: tables.events,
        clientsFor: sameClientsForEveryAccount(sandbox.account.clientFactory),
        clock,
      }),
    ),
    verification: stageLog.timed(
      'Verify',
      createVerificationHandler({
        clientsFor: sameClientsForEveryAccount(sandbox.account.clientFactory),
        clock,
      }),
    ),
    alert: stageLog.timed(
      'Alert',
      createAlertHandler({
        // The simulated SNS topic: only Publish exists, and it writes an .eml file to the outbox.
        sns: outbox.client as unknown as AlertDeps['sns'],
        topicArn: ALERT_TOPIC_ARN,
        clock,
        approval: { baseUrl: options.approvalBaseUrl, signingKey: async () => signingKey },
        outbox: options.alertOutbox,
      }),
    ),
    findings: createFindingsHandler({
      securityHub,
      account: sandbox.account.accountId,
      region: sandbox.account.region,
      clock,
    }),
  };
  return { handlers, signingKey, securityHub };
}

/** The real approval handler, bound to the workflow runner's task-token API (SendTaskSuccess/Failure). */
function buildApprovalHandler(
  sandbox: LocalSandbox,
  sfn: ApprovalDeps['sfn'],
  signingKey: string,
  clock: Clock,
): (event: unknown) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
  return createApprovalHandler({
    sfn,
    dynamo: sandbox.dynamo.client,
    stateTable: sandbox.tables.state,
    signingKey: async () => signingKey,
    clock,
  });
}

export type { DemoHandlers, PipelineOptions };
export { ALERT_TOPIC_ARN, buildApprovalHandler, buildHandlers };
