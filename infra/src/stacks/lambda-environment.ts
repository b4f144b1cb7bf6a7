import type { Stage } from '../config/environment.js';
import type { Names } from '../config/naming.js';

/**
 * The environment variables of each Lambda, named as each package's `src/env.ts` parses them (a test reads those
 * files and fails when a required variable is missing here). Values are names, URLs and ARNs; nothing secret: the
 * approval signing key stays in Secrets Manager and the Lambdas read it at run time.
 */

interface LambdaEnvironmentInputs {
  readonly environmentName: string;
  readonly names: Names;
  /** The approval function URL (a Terraform reference). */
  readonly approvalUrl: string;
  /** The decision policy, validated with core's parsePolicy, as JSON. */
  readonly policyJson: string;
  readonly externalId: string;
  /** Member accounts whose forwarding DLQs the reconcile job drains. */
  readonly memberAccounts?: readonly string[];
  /** AISAWS's self-identity: the exact ARNs of its deployed roles (`Names.selfRoleArns`). */
  readonly selfRoleArns: readonly string[];
}

/** Every Lambda: Powertools settings and the environment name. */
function commonVariables(stage: Stage, inputs: LambdaEnvironmentInputs): Record<string, string> {
  return {
    AISAWS_ENVIRONMENT: inputs.environmentName,
    POWERTOOLS_SERVICE_NAME: `aisaws-${stage}`,
    POWERTOOLS_METRICS_NAMESPACE: 'AISAWS',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
}

function stageVariables(stage: Stage, inputs: LambdaEnvironmentInputs): Record<string, string> {
  const { names } = inputs;
  const queueUrl = `https://sqs.${names.region}.amazonaws.com/${names.account}/${names.queueName('quarantine')}`;
  switch (stage) {
    case 'ingest':
      return {
        ARCHIVE_BUCKET: names.archiveBucketName,
        EVENTS_TABLE: names.tableName('events'),
        IDEMPOTENCY_TABLE: names.tableName('idempotency'),
        QUARANTINE_QUEUE_URL: queueUrl,
        SELF_ROLE_ARNS: inputs.selfRoleArns.join(','),
      };
    case 'scoring':
      return {
        BASELINE_TABLE: names.tableName('baseline'),
        EVENTS_TABLE: names.tableName('events'),
        IDEMPOTENCY_TABLE: names.tableName('idempotency'),
      };
    case 'decision':
      return {
        EVENTS_TABLE: names.tableName('events'),
        STATE_TABLE: names.tableName('state'),
        IDEMPOTENCY_TABLE: names.tableName('idempotency'),
        POLICY_JSON: inputs.policyJson,
        OWN_ACCOUNT_ID: names.account,
        TAG_READER_ROLE_NAME: names.memberRoleName('tag-reader'),
        MEMBER_ROLE_EXTERNAL_ID: inputs.externalId,
      };
    case 'remediation':
      return {
        EVENTS_TABLE_NAME: names.tableName('events'),
        IDEMPOTENCY_TABLE_NAME: names.tableName('idempotency'),
        OWN_ACCOUNT_ID: names.account,
        MEMBER_ROLE_NAME: names.memberRoleName('remediation'),
        MEMBER_ROLE_EXTERNAL_ID: inputs.externalId,
      };
    case 'verification':
      return {
        OWN_ACCOUNT_ID: names.account,
        MEMBER_ROLE_NAME: names.memberRoleName('verification'),
        MEMBER_ROLE_EXTERNAL_ID: inputs.externalId,
      };
    case 'alert':
      return {
        ALERT_TOPIC_ARN: names.topicArn,
        APPROVAL_BASE_URL: inputs.approvalUrl,
        APPROVAL_SIGNING_KEY_SECRET: names.signingKeySecretName,
        IDEMPOTENCY_TABLE_NAME: names.tableName('idempotency'),
        ALERT_OUTBOX_QUEUE_URL: names.queueUrl('alert-outbox'),
      };
    case 'reconcile':
      return {
        TRIAGE_STATE_MACHINE_ARN: names.stateMachineArn('triage'),
        SECURITY_BUS_ARN: names.securityBusArn,
        ALERT_TOPIC_ARN: names.topicArn,
        STATE_TABLE_NAME: names.tableName('state'),
        PARKED_QUEUE_URL: names.queueUrl('parked'),
        EVENTS_DLQ_URL: names.queueUrl('events-dlq'),
        QUARANTINE_QUEUE_URL: queueUrl,
        ALERT_OUTBOX_QUEUE_URL: names.queueUrl('alert-outbox'),
        FINDINGS_FUNCTION_ARN: names.aliasArn('findings'),
        OWN_ACCOUNT_ID: names.account,
        EVENT_READER_ROLE_NAME: names.memberRoleName('event-reader'),
        MEMBER_ROLE_EXTERNAL_ID: inputs.externalId,
        MEMBER_FORWARD_DLQ_URLS: (inputs.memberAccounts ?? [])
          .map((member) => names.memberForwardDlqUrl(member))
          .join(','),
      };
    case 'approval':
      return {
        STATE_TABLE_NAME: names.tableName('state'),
        APPROVAL_SIGNING_KEY_SECRET: names.signingKeySecretName,
      };
    case 'findings':
      return { OWN_ACCOUNT_ID: names.account, SECURITY_HUB_REGION: names.region };
  }
}

function lambdaEnvironment(stage: Stage, inputs: LambdaEnvironmentInputs): Record<string, string> {
  return { ...commonVariables(stage, inputs), ...stageVariables(stage, inputs) };
}

/** Where the backtest writes in the archive bucket: findings as JSON Lines, and the Map's ResultWriter files. */
const BACKTEST_FINDINGS_PREFIX = 'backtest/findings/';
const BACKTEST_RUNS_PREFIX = 'backtest/runs';

/** The backtest Lambda's variables (named as packages/lambda-backtest/src/env.ts parses them). */
function backtestLambdaEnvironment(
  inputs: Pick<LambdaEnvironmentInputs, 'environmentName' | 'names' | 'policyJson'>,
): Record<string, string> {
  return {
    AISAWS_ENVIRONMENT: inputs.environmentName,
    POWERTOOLS_SERVICE_NAME: 'aisaws-backtest',
    POWERTOOLS_METRICS_NAMESPACE: 'AISAWS',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    FINDINGS_BUCKET: inputs.names.archiveBucketName,
    FINDINGS_PREFIX: BACKTEST_FINDINGS_PREFIX,
    POLICY_JSON: inputs.policyJson,
  };
}

/**
 * The rollback function's variables (named as packages/lambda-remediation/src/rollback-env.ts parses them): the member
 * rollback role, never the remediation role, and the signing-key secret its approvals are verified with.
 */
function rollbackEnvironment(
  inputs: Pick<LambdaEnvironmentInputs, 'environmentName' | 'names' | 'externalId'>,
): Record<string, string> {
  const { names } = inputs;
  return {
    AISAWS_ENVIRONMENT: inputs.environmentName,
    POWERTOOLS_SERVICE_NAME: 'aisaws-rollback',
    POWERTOOLS_METRICS_NAMESPACE: 'AISAWS',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    EVENTS_TABLE_NAME: names.tableName('events'),
    OWN_ACCOUNT_ID: names.account,
    MEMBER_ROLE_NAME: names.memberRoleName('rollback'),
    MEMBER_ROLE_EXTERNAL_ID: inputs.externalId,
    APPROVAL_SIGNING_KEY_SECRET: names.signingKeySecretName,
  };
}

export type { LambdaEnvironmentInputs };
export {
  BACKTEST_FINDINGS_PREFIX,
  BACKTEST_RUNS_PREFIX,
  backtestLambdaEnvironment,
  lambdaEnvironment,
  rollbackEnvironment,
};
