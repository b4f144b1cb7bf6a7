import { join } from 'node:path';
import { loadEnvironments } from '@aisaws/infra/environment';
import { lambdaSizing } from '@aisaws/infra/lambda-sizing';
import { STAGES, type Stage } from '../loop-rig.js';
import type { LoopCounts } from '../run-loop.js';
import { AWS_PRICES, type PriceName } from './aws-prices.js';

/**
 * What the measured run would cost in AWS: each count of the run (Lambda invocations and their billed duration at
 * the memory each function is deployed with, Express executions and their duration, Standard state transitions,
 * DynamoDB request units, S3 requests, SNS publishes and e-mails, quarantine messages) × the published price
 * (aws-prices.ts), scaled to one million delivered CloudTrail events with the run's own mix.
 *
 * Not counted: CloudWatch Logs and metrics, KMS requests for the SSE-KMS archive, storage (DynamoDB, S3), data
 * transfer, the free tiers, and the control-plane calls the playbooks make (IAM, EC2, S3 control, CloudTrail and
 * tagging API calls carry no request charge).
 */

/** Lambda duration per invocation (ms, already rounded up to Lambda's 1 ms step) per stage. */
type BilledMsPerInvocation = Readonly<Record<Stage, number>>;

interface CostInputs {
  /** Counts of the measured run. */
  readonly counts: LoopCounts;
  /** Inputs delivered in that run (the per-million base). */
  readonly inputs: number;
  /** Memory per function, MB (from the environment file). */
  readonly memoryMb: Readonly<Record<Stage, number>>;
  /**
   * Duration per invocation to bill. Default: the run's own mean. A loaded run's in-process durations include
   * waiting on the shared event loop; `pnpm bench:loop --cost` passes the means of a one-at-a-time calibration run.
   */
  readonly billedMsPerInvocation?: BilledMsPerInvocation;
  /** Express duration per execution to bill (ms, in 100 ms steps); default the run's own mean. */
  readonly expressBilledMsPerExecution?: number;
  /** E-mail subscribers of the alert topic (each publish is one e-mail per subscriber). */
  readonly emailSubscribers: number;
}

interface CostLine {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitUsd: number;
  readonly usd: number;
  readonly source: string;
}

interface CostEstimate {
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
  readonly perMillionEventsUsd: number;
  readonly inputs: number;
}

const EXPRESS_MEMORY_GB = 64 / 1024;

function line(item: string, quantity: number, price: PriceName): CostLine {
  const { usd, unit, source } = AWS_PRICES[price];
  return { item, quantity, unit, unitUsd: usd, usd: quantity * usd, source };
}

function meanBilledMs(counts: LoopCounts): BilledMsPerInvocation {
  return Object.fromEntries(
    STAGES.map((stage) => {
      const figures = counts.lambda[stage];
      return [stage, figures.invocations ? figures.billedMs / figures.invocations : 0];
    }),
  ) as Record<Stage, number>;
}

function estimateCost(inputs: CostInputs): CostEstimate {
  const { counts } = inputs;
  const billedMs = inputs.billedMsPerInvocation ?? meanBilledMs(counts);
  const invocations = STAGES.reduce((total, stage) => total + counts.lambda[stage].invocations, 0);
  const gbSeconds = STAGES.reduce(
    (total, stage) =>
      total + (counts.lambda[stage].invocations * billedMs[stage] * inputs.memoryMb[stage]) / 1024 / 1000,
    0,
  );
  const expressMs =
    inputs.expressBilledMsPerExecution ??
    (counts.express.executions ? counts.express.billedMs / counts.express.executions : 0);
  const expressGbSeconds = (counts.express.executions * expressMs * EXPRESS_MEMORY_GB) / 1000;
  const lines = [
    line('EventBridge: CloudTrail events matched by the rule', inputs.inputs, 'eventBridgeAwsServiceEvent'),
    line('Lambda requests (all 7 functions)', invocations, 'lambdaRequest'),
    line('Lambda duration, arm64, at each function’s memory', gbSeconds, 'lambdaArmGbSecond'),
    line(
      'Step Functions Express executions (triage)',
      counts.express.executions,
      'stepFunctionsExpressRequest',
    ),
    line('Step Functions Express duration', expressGbSeconds, 'stepFunctionsExpressGbSecond'),
    line(
      'Step Functions Standard state transitions (remediation)',
      counts.standard.transitions,
      'stepFunctionsStandardTransition',
    ),
    line('DynamoDB write request units', counts.dynamo.writeUnits, 'dynamoWriteRequestUnit'),
    line('DynamoDB read request units', counts.dynamo.readUnits, 'dynamoReadRequestUnit'),
    line('S3 PUT (raw-event archive, quarantine)', counts.s3.puts, 's3PutRequest'),
    line('S3 GET', counts.s3.gets, 's3GetRequest'),
    line('SNS publishes (alerts)', counts.sns.publishes, 'snsPublish'),
    line(
      `SNS e-mail deliveries (${inputs.emailSubscribers} subscriber${inputs.emailSubscribers === 1 ? '' : 's'})`,
      counts.sns.publishes * inputs.emailSubscribers,
      'snsEmailDelivery',
    ),
    line('SQS quarantine messages', counts.sqs.messages, 'sqsRequest'),
  ];
  const totalUsd = lines.reduce((total, entry) => total + entry.usd, 0);
  return {
    lines,
    totalUsd,
    perMillionEventsUsd: inputs.inputs ? (totalUsd / inputs.inputs) * 1_000_000 : 0,
    inputs: inputs.inputs,
  };
}

/** Memory per function and e-mail subscribers of an environment in `infra/environments` (default `prod`). */
function deployedSizing(
  environmentsDir: string,
  name = 'prod',
): { environment: string; memoryMb: Record<Stage, number>; emailSubscribers: number } {
  const environment = loadEnvironments(environmentsDir).find((candidate) => candidate.name === name);
  if (!environment)
    throw new Error(`no environment ${JSON.stringify(name)} in ${join(environmentsDir)} (file <name>.json)`);
  return {
    environment: name,
    memoryMb: Object.fromEntries(
      STAGES.map((stage) => [stage, lambdaSizing(environment, stage).memoryMb]),
    ) as Record<Stage, number>,
    emailSubscribers: environment.alertEmails.length,
  };
}

export type { BilledMsPerInvocation, CostEstimate, CostInputs, CostLine };
export { deployedSizing, estimateCost, meanBilledMs };
