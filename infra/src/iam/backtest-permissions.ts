import type { Environment } from '../config/environment.js';
import type { Names } from '../config/naming.js';
import { BACKTEST_FINDINGS_PREFIX, BACKTEST_RUNS_PREFIX } from '../stacks/lambda-environment.js';
import type { PolicyStatement } from './policy-document.js';

type BacktestConfig = NonNullable<Environment['backtest']>;

const trailBucketArn = (backtest: BacktestConfig): string => `arn:aws:s3:::${backtest.cloudTrailBucket}`;

/**
 * The backtest Lambda: read the trail's log objects under the configured prefix (and decrypt them when the trail
 * uses SSE-KMS), write findings under `backtest/findings/` of the archive bucket. It lists nothing (the Map's
 * ItemReader does) and writes nowhere else.
 */
function backtestFunctionStatements(
  names: Names,
  backtest: BacktestConfig,
  keyArn: string,
): PolicyStatement[] {
  return [
    {
      sid: 'WriteOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [`${names.logGroupArn(names.lambdaLogGroupName('backtest'))}:*`],
    },
    {
      // Environment variables and the findings (archive bucket, SSE-KMS) use the AISAWS key.
      sid: 'UseAisawsKey',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [keyArn],
    },
    {
      sid: 'ReadCloudTrailLogs',
      actions: ['s3:GetObject'],
      resources: [`${trailBucketArn(backtest)}/${backtest.cloudTrailPrefix}*`],
    },
    ...(backtest.cloudTrailKmsKeyArn
      ? [
          {
            sid: 'DecryptCloudTrailLogs',
            actions: ['kms:Decrypt'],
            resources: [backtest.cloudTrailKmsKeyArn],
          },
        ]
      : []),
    {
      sid: 'WriteFindings',
      actions: ['s3:PutObject'],
      resources: [`${names.archiveBucketArn}/${BACKTEST_FINDINGS_PREFIX}*`],
    },
  ];
}

/**
 * The backtest state machine, beyond what its Task states give (`lambda:InvokeFunction` on the backtest alias):
 * the ItemReader lists the trail bucket, only under the prefix; the ResultWriter writes the run's results files
 * (multipart for large ones); the Distributed Map starts, describes and stops its own child executions.
 */
function backtestWorkflowStatements(names: Names, backtest: BacktestConfig): PolicyStatement[] {
  const machineName = names.stateMachineName('backtest');
  return [
    {
      sid: 'ListCloudTrailLogs',
      actions: ['s3:ListBucket'],
      resources: [trailBucketArn(backtest)],
      conditions: { StringLike: { 's3:prefix': [`${backtest.cloudTrailPrefix}*`] } },
    },
    {
      sid: 'WriteRunResults',
      actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'],
      resources: [`${names.archiveBucketArn}/${BACKTEST_RUNS_PREFIX}/*`],
    },
    {
      sid: 'StartChildExecutions',
      actions: ['states:StartExecution'],
      resources: [names.stateMachineArn('backtest')],
    },
    {
      sid: 'ManageChildExecutions',
      actions: ['states:DescribeExecution', 'states:StopExecution'],
      resources: [`arn:aws:states:${names.region}:${names.account}:execution:${machineName}/*`],
    },
  ];
}

export type { BacktestConfig };
export { backtestFunctionStatements, backtestWorkflowStatements };
