import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Policy, parsePolicy } from '@aisaws/core/policy';
import { systemClock } from '@aisaws/core/ports';
import { type AlertRequest, LAMBDA_STAGES, type LambdaStage } from '@aisaws/core/schemas';
import type { TableLogicalName } from '@aisaws/core/storage';
import { createAlertStageHandler } from '@aisaws/lambda-alert/stage';
import { createApprovalHandler } from '@aisaws/lambda-approval';
import { createDecisionHandler, type DecisionDeps } from '@aisaws/lambda-decision';
import { createFindingsHandler } from '@aisaws/lambda-findings';
import { createIngestHandler } from '@aisaws/lambda-ingest';
import { createRemediationHandler, sameClientsForEveryAccount } from '@aisaws/lambda-remediation';
import { createQuietPowertoolsObservability } from '@aisaws/lambda-runtime/powertools';
import { createDefaultScoringHandler } from '@aisaws/lambda-scoring';
import { createVerificationHandler } from '@aisaws/lambda-verification';
import type { ClientFactory } from '@aisaws/playbooks';
import {
  createOutbox,
  type FaultSwitchesInput,
  type Outbox,
  SimulatedAccount,
  SimulatedSecurityHub,
  simulatedClient,
} from '@aisaws/simulated-account';
import {
  createTables,
  fakeLambdaContext,
  LOCAL_EMULATOR_REGION,
  type LocalSqsQueue,
  localEmulatorCredentials,
  localSqsQueue,
  type RunningDynalite,
  type RunningS3rver,
  startDynalite,
  startS3rver,
  tableNamesWithPrefix,
} from '@aisaws/testing/harness';
import { createLocalWorkflows, type LocalWorkflows, type WorkflowTasks } from '@aisaws/testing/workflow';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  attachDynamoProbe,
  type DynamoCounters,
  type DynamoFaultSwitchesInput,
  emptyDynamoCounters,
} from './dynamo-probe.js';

/**
 * The loop as it runs in AWS, on one machine: the REAL triage and remediation ASL files (aws-local-stepfunctions via
 * @aisaws/testing/workflow), every Lambda built by its own factory, DynamoDB in dynalite, the raw-event archive in
 * s3rver, and the control plane, SNS and the Approval link in the SIMULATED account (@aisaws/simulated-account).
 * The Alert stage is the deployed handler itself (`createAlertStageHandler`: Parser, the Powertools idempotency layer
 * on the rig's idempotency table in dynalite, quiet Logger and Metrics) with its outbox queue in fauxqs (an SQS
 * emulator, started only if SNS refuses an alert), so a redelivery is deduplicated, and SNS down is kept, as in AWS.
 * Every handler is wrapped by a counter (invocations, duration, who called it), the playbooks' clients by a counter
 * of the calls that change a resource, DynamoDB by the capacity probe (and, with faults, the simulated faults).
 * An AsyncLocalStorage carries the delivery that started the work through both workflows, and the Remediation and
 * Verification wrappers add the eventId they act for, so each change to a resource is attributed to the event (and
 * the delivery) that caused it.
 */

/** Every Lambda of AISAWS but reconcile (the rig runs no reconcile job): the workflows' tasks and the Approval. */
type Stage = Exclude<LambdaStage, 'reconcile'>;
const STAGES: readonly Stage[] = LAMBDA_STAGES.filter((stage): stage is Stage => stage !== 'reconcile');

interface StageCounters {
  invocations: number;
  errors: number;
  /** Wall time of each invocation, ms (in-process: includes waiting on the shared event loop). */
  durationsMs: number[];
}

/** A call through the playbooks' clients that changed a resource (the simulated account said 200). */
interface ResourceChange {
  readonly resource: string;
  readonly operation: string;
  /** The delivery whose work made the call (undefined outside any delivery). */
  readonly delivery: number | undefined;
  /** The event the Remediation/Verification invocation making the call acted for (undefined outside them). */
  readonly eventId: string | undefined;
}

interface LoopFaults {
  readonly account: FaultSwitchesInput;
  readonly dynamo: DynamoFaultSwitchesInput;
}

interface LoopRigOptions {
  /** Retry pause of every ASL Retry, ms; `null` keeps the ASL files' intervals (what AWS waits). */
  readonly retryIntervalMs: number | null;
  /** The circuit breaker's ceiling of automatic fixes per window (the run sets it above its own size). */
  readonly maxAutoRemediations: number;
  readonly faults?: LoopFaults;
}

interface DeliveryContext {
  readonly delivery: number;
  readonly eventId?: string;
}

const TABLE_PREFIX = 'aisaws-load';
const ARCHIVE_BUCKET = 'aisaws-load-archive';
const ALERT_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:aisaws-load-alerts';
const APPROVAL_BASE_URL = 'https://approval.loop-load.invalid/';

const MUTATING = /^(?!Get|Describe|List|Head)/;
const RESOURCE_KEYS = ['Bucket', 'GroupId', 'SnapshotId', 'UserName', 'Name', 'TrailName'] as const;

/** The resource a playbook call targets, from the command input (trail ARNs reduced to the trail name). */
function resourceOf(input: Record<string, unknown>): string | undefined {
  for (const key of RESOURCE_KEYS) {
    const value = input[key];
    if (typeof value === 'string')
      return value.includes(':trail/') ? value.slice(value.indexOf(':trail/') + 7) : value;
  }
  return undefined;
}

interface LoopRig {
  readonly account: SimulatedAccount;
  readonly outbox: Outbox;
  readonly workflows: LocalWorkflows;
  readonly dynamo: RunningDynalite;
  readonly s3: RunningS3rver;
  readonly tables: Record<TableLogicalName, string>;
  readonly archiveBucket: string;
  readonly policy: Policy;
  readonly stages: Readonly<Record<Stage, StageCounters>>;
  readonly dynamoCounters: DynamoCounters;
  readonly s3Counters: { puts: number; gets: number };
  readonly changes: readonly ResourceChange[];
  /** Successful Remediation invocations with action `apply`, per eventId. */
  readonly appliesByEvent: ReadonlyMap<string, number>;
  /** E-mails the Alert stage published (SNS Publish accepted) per `eventId|kind`: what a person receives. */
  readonly alertsByEvent: ReadonlyMap<string, number>;
  /** The Alert stage's outbox queue (fauxqs): alerts kept while SNS refused them. */
  readonly alertOutbox: LocalSqsQueue;
  /** The real Approval handler (function URL event in, HTTP response out). */
  approve(event: unknown): Promise<{ statusCode: number; body: string }>;
  /** Runs `work` as the given delivery (the attribution of everything it causes). */
  asDelivery<T>(delivery: number, work: () => Promise<T>): Promise<T>;
  /** Switches the simulated faults on (after the resources are set up). */
  switchFaultsOn(): void;
  close(): Promise<void>;
}

async function startLoopRig(options: LoopRigOptions): Promise<LoopRig> {
  const [dynamo, s3] = await Promise.all([startDynalite(), startS3rver()]);
  const outboxDirectory = await mkdtemp(join(tmpdir(), 'aisaws-loop-outbox-'));
  const tables = tableNamesWithPrefix(TABLE_PREFIX);
  await createTables(dynamo.client, tables);
  await s3.createBucket(ARCHIVE_BUCKET);

  const context = new AsyncLocalStorage<DeliveryContext>();
  /** The `eventId|kind` of the Alert invocation a Publish is made for. */
  const alertContext = new AsyncLocalStorage<string>();
  const alertOutbox = localSqsQueue(`${TABLE_PREFIX}-alert-outbox`);
  const account = SimulatedAccount.create();
  const outbox = createOutbox({ directory: outboxDirectory, faults: account.faults });
  const clock = systemClock;
  const signingKey = randomBytes(32).toString('hex');
  const policy = parsePolicy(
    {
      rateLimit: { maxAutoRemediations: options.maxAutoRemediations, windowMinutes: 60 },
      // An approval the run could not click (its e-mail failed) ends as a rejection in 2 minutes, not 60.
      approvalTimeoutMinutes: 2,
    },
    'loop-load policy',
  );

  // DynamoDB: the handlers' client retries as the SDK does by default (3 attempts); the workflows' Record states
  // get one attempt each, their ASL Retry does the rest (as for a Step Functions service integration).
  const dynamoCounters = emptyDynamoCounters();
  const dynamoClient = (maxAttempts: number, seedOffset: number) => {
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: LOCAL_EMULATOR_REGION,
      credentials: localEmulatorCredentials(),
      maxAttempts,
    });
    const dynamoFaults = options.faults?.dynamo;
    attachDynamoProbe(
      client,
      dynamoCounters,
      dynamoFaults ? { ...dynamoFaults, seed: (dynamoFaults.seed ?? 1) + seedOffset } : undefined,
    );
    return client;
  };
  const handlerDynamo = dynamoClient(3, 0);
  const workflowDynamo = dynamoClient(1, 1);

  const s3Counters = { puts: 0, gets: 0 };
  s3.client.middlewareStack.add(
    (next, ctx) => async (args) => {
      if (ctx.commandName === 'PutObjectCommand') s3Counters.puts += 1;
      if (ctx.commandName === 'GetObjectCommand') s3Counters.gets += 1;
      return next(args);
    },
    { step: 'initialize', name: 'aisawsLoopS3Counter' },
  );

  // The playbooks' clients, counted: each call that changed a resource, and for whom.
  const changes: ResourceChange[] = [];
  function countingClients<C>(ClientClass: new (config: { region: string }) => C, region: string): C {
    const inner = account.clientFactory(ClientClass, region) as unknown as {
      send(command: object): Promise<unknown>;
    };
    const counted = {
      async send(command: object): Promise<unknown> {
        const output = await inner.send(command);
        const operation = command.constructor.name.replace(/Command$/, '');
        const input = (command as { input?: Record<string, unknown> }).input ?? {};
        const resource = resourceOf(input);
        if (MUTATING.test(operation) && resource)
          changes.push({
            resource,
            operation,
            delivery: context.getStore()?.delivery,
            eventId: context.getStore()?.eventId,
          });
        return output;
      },
    };
    // The one cast of this simulation: only `send` exists, as on the simulated clients themselves.
    return counted as unknown as C;
  }
  const playbookClients: ClientFactory = countingClients;

  const stages = Object.fromEntries(
    STAGES.map((stage) => [stage, { invocations: 0, errors: 0, durationsMs: [] as number[] }]),
  ) as Record<Stage, StageCounters>;
  const appliesByEvent = new Map<string, number>();
  const alertsByEvent = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

  function instrument<T>(stage: Stage, handler: (event: unknown) => Promise<T>) {
    return async (event: unknown): Promise<T> => {
      const counters = stages[stage];
      counters.invocations += 1;
      const started = performance.now();
      // Remediation and Verification requests carry the event they act for: the attribution of their calls.
      const eventId = (event as { event?: { eventId?: unknown } } | null)?.event?.eventId;
      const store = context.getStore();
      const kind = (event as { kind?: unknown } | null)?.kind;
      const run = () =>
        typeof eventId === 'string' && (stage === 'remediation' || stage === 'verification')
          ? context.run({ delivery: store?.delivery ?? -1, eventId }, () => handler(event))
          : stage === 'alert'
            ? alertContext.run(`${String(eventId)}|${String(kind)}`, () => handler(event))
            : handler(event);
      try {
        const output = await run();
        counters.durationsMs.push(performance.now() - started);
        const result = output as { eventId?: string; action?: string; status?: string; kind?: string };
        if (
          stage === 'remediation' &&
          result.action === 'apply' &&
          result.status !== 'dry-run' &&
          result.eventId
        )
          bump(appliesByEvent, result.eventId);
        return output;
      } catch (error) {
        counters.durationsMs.push(performance.now() - started);
        counters.errors += 1;
        throw error;
      }
    };
  }

  // The simulated SNS topic (Publish writes an .eml file, and fails as SNS fails when faults are on), counted: each
  // accepted Publish is an e-mail sent for the Alert invocation's eventId and kind.
  const countingSns = {
    async send(command: object): Promise<unknown> {
      const output = await outbox.client.send(command);
      const key = alertContext.getStore();
      if (key) bump(alertsByEvent, key);
      return output;
    },
  };
  const alertStage = createAlertStageHandler(
    {
      // The one cast of the simulated topic: only `send` exists, as on the simulated clients themselves.
      sns: countingSns as unknown as Parameters<typeof createAlertStageHandler>[0]['sns'],
      topicArn: ALERT_TOPIC_ARN,
      clock,
      approval: { baseUrl: APPROVAL_BASE_URL, signingKey: async () => signingKey },
      outbox: { sqs: alertOutbox.client, queueUrl: alertOutbox.queueUrl },
      ...createQuietPowertoolsObservability('aisaws-alert'),
    },
    { tableName: tables.idempotency, client: handlerDynamo },
  );
  const alertLambdaContext = fakeLambdaContext('aisaws-load-alert');

  const remediationClients = sameClientsForEveryAccount(playbookClients);
  // Security Hub of the account AISAWS runs in: a simulation (no emulator exists).
  const securityHub = new SimulatedSecurityHub({ account: account.accountId, region: account.region });
  const tasks: WorkflowTasks = {
    ingest: instrument(
      'ingest',
      createIngestHandler({
        s3: s3.client,
        dynamo: handlerDynamo,
        archiveBucket: ARCHIVE_BUCKET,
        eventsTable: tables.events,
        ttlDays: 30,
        clock,
      }),
    ),
    scoring: instrument(
      'scoring',
      createDefaultScoringHandler({
        dynamo: handlerDynamo,
        eventsTable: tables.events,
        baselineTable: tables.baseline,
        clock,
      }),
    ),
    decision: instrument(
      'decision',
      createDecisionHandler({
        dynamo: handlerDynamo,
        // Tags for the exemption rule, read from the simulated account (the one cast of that simulation).
        tagging: simulatedClient(
          account,
          'ResourceGroupsTaggingAPIClient',
          account.region,
        ) as unknown as DecisionDeps['tagging'],
        eventsTable: tables.events,
        stateTable: tables.state,
        policy,
        clock,
      }),
    ),
    remediation: instrument(
      'remediation',
      createRemediationHandler({
        dynamo: handlerDynamo,
        eventsTable: tables.events,
        clientsFor: remediationClients,
        clock,
      }),
    ),
    verification: instrument(
      'verification',
      createVerificationHandler({ clientsFor: remediationClients, clock }),
    ),
    alert: instrument('alert', (event) => alertStage(event as AlertRequest, alertLambdaContext)),
    findings: instrument(
      'findings',
      createFindingsHandler({ securityHub, account: account.accountId, region: account.region, clock }),
    ),
  };

  const workflows = createLocalWorkflows({
    tasks,
    dynamo: workflowDynamo,
    eventsTable: tables.events,
    retryIntervalMs: options.retryIntervalMs,
    accountId: account.accountId,
    region: account.region,
  });

  const approvalHandler = instrument(
    'approval',
    createApprovalHandler({
      sfn: workflows.sfn,
      dynamo: handlerDynamo,
      stateTable: tables.state,
      signingKey: async () => signingKey,
      clock,
    }),
  );

  return {
    account,
    outbox,
    workflows,
    dynamo,
    s3,
    tables,
    archiveBucket: ARCHIVE_BUCKET,
    policy,
    stages,
    dynamoCounters,
    s3Counters,
    changes,
    appliesByEvent,
    alertsByEvent,
    alertOutbox,
    approve: approvalHandler,
    asDelivery: (delivery, work) => context.run({ delivery }, work),
    switchFaultsOn() {
      if (options.faults) account.faults.set(options.faults.account);
    },
    async close() {
      handlerDynamo.destroy();
      workflowDynamo.destroy();
      await Promise.all([
        dynamo.stop(),
        s3.stop(),
        alertOutbox.stop(),
        rm(outboxDirectory, { recursive: true, force: true }),
      ]);
    },
  };
}

export type { DeliveryContext, LoopFaults, LoopRig, LoopRigOptions, ResourceChange, Stage, StageCounters };
export { STAGES, startLoopRig };
