import { createRequire } from 'node:module';
import { DEFAULT_POLICY } from '@aisaws/core/policy';
import {
  type BacktestBatchResult,
  BacktestBatchResultSchema,
  createBacktestHandler,
} from '@aisaws/lambda-backtest';
import {
  benignDescribeInstances,
  bucketMadePublicByAcl,
  cloudTrailLogKey,
  putCloudTrailLogObject,
  type RunningS3rver,
  rootConsoleLoginWithoutMfa,
  startS3rver,
} from '@aisaws/testing';
import { simulateDistributedMap } from '@aisaws/testing/workflow';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { WORKFLOWS_DIR } from '../../src/app.js';
import { applyBacktestSettings, type BacktestSettings } from '../../src/workflows/backtest-settings.js';
import { loadWorkflowDefinition, placeholdersIn } from '../../src/workflows/definition.js';

// Real emulator, real handler, real ASL on a shared 2-core machine: generous per-test time.
jest.setTimeout(60_000);

const require = createRequire(import.meta.url);
const validateAsl = require('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errors: unknown[];
};

const TRAIL = 'org-trail-logs';
const ARCHIVE = 'aisaws-test-archive-111111111111';
const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:111111111111:function:aisaws-test-backtest:live';
const PATH = `${WORKFLOWS_DIR}/backtest.asl.json`;

type Json = Record<string, unknown>;
/** backtest.asl.json as the infra deploys it: placeholders substituted, the environment's Map settings applied. */
const definitionWith = (settings: Partial<BacktestSettings> = {}): Json =>
  JSON.parse(
    applyBacktestSettings(
      loadWorkflowDefinition(PATH, {
        CloudTrailBucketName: TRAIL,
        BacktestFunctionArn: FUNCTION_ARN,
        BacktestResultsBucketName: ARCHIVE,
        BacktestRunsPrefix: 'backtest/runs',
      }),
      { objectsPerBatch: 2, maxConcurrency: 2, toleratedFailurePercentage: 0, ...settings },
    ),
  ) as Json;

const mapOf = (definition: Json) =>
  (definition.States as Record<string, Json>)['Scan Cloud Trail Objects'] as Json;

describe('infra/workflows/backtest.asl.json', () => {
  it('is valid Amazon States Language once its placeholders are substituted (asl-validator)', () => {
    const result = validateAsl(definitionWith());
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('applies the environment settings to the Map and refuses a definition without it', () => {
    expect(() =>
      applyBacktestSettings('{"StartAt":"X","States":{}}', {
        objectsPerBatch: 1,
        maxConcurrency: 1,
        toleratedFailurePercentage: 0,
      }),
    ).toThrow(/no Map state "Scan Cloud Trail Objects"/);
  });

  it('uses exactly the backtest placeholders', () => {
    const { readFileSync } = require('node:fs') as typeof import('node:fs');
    expect(placeholdersIn(readFileSync(PATH, 'utf8'))).toEqual([
      'BacktestFunctionArn',
      'BacktestResultsBucketName',
      'BacktestRunsPrefix',
      'CloudTrailBucketName',
    ]);
  });

  it('is a Distributed Map over S3: ItemReader, ItemBatcher, MaxConcurrency, tolerated failures, ResultWriter', () => {
    const map = mapOf(definitionWith({ objectsPerBatch: 20, maxConcurrency: 50 }));
    expect(map).toMatchObject({
      Type: 'Map',
      ItemReader: {
        Resource: 'arn:aws:states:::s3:listObjectsV2',
        Parameters: { Bucket: TRAIL, 'Prefix.$': '$.prefix' },
      },
      ItemBatcher: { MaxItemsPerBatch: 20, BatchInput: { bucket: TRAIL, 'runId.$': '$$.Execution.Name' } },
      MaxConcurrency: 50,
      ToleratedFailurePercentage: 0,
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
      ResultWriter: {
        Resource: 'arn:aws:states:::s3:putObject',
        Parameters: { Bucket: ARCHIVE, Prefix: 'backtest/runs' },
      },
    });
    const scan = ((map.ItemProcessor as Json).States as Record<string, Json>)['Scan Batch'] as Json;
    const retries = scan.Retry as { ErrorEquals: string[]; BackoffRate: number; MaxAttempts: number }[];
    expect(retries[0]?.ErrorEquals).toContain('Lambda.TooManyRequestsException');
    expect(retries.every((r) => r.BackoffRate > 1 && r.MaxAttempts > 0)).toBe(true);
    // A failed batch must stay failed (counted against the tolerance), so no Catch turns it into a success.
    expect(scan.Catch).toBeUndefined();
  });
});

describe('backtest on the simulated setup: s3rver + the real ASL (Distributed Map SIMULATED) + the real Lambda', () => {
  let s3: RunningS3rver;
  let corruptKey: string;
  let records = 0;

  const invocations: string[][] = [];
  const backtest = () =>
    createBacktestHandler({
      s3: s3.client,
      findingsBucket: ARCHIVE,
      findingsPrefix: 'backtest/findings/',
      policy: DEFAULT_POLICY,
      clock: { now: () => new Date('2026-12-01T00:00:00Z') },
    });
  /** The Lambda, recording each invocation's keys; a batch holding a `poison` key fails like an S3 outage. */
  const lambda = async (payload: unknown) => {
    const keys = (payload as { Items: { Key: string }[] }).Items.map((item) => item.Key);
    invocations.push(keys);
    if (keys.some((key) => key.includes('poison')))
      throw Object.assign(new Error('We encountered an internal error'), {
        name: 'InternalError',
        $fault: 'server',
      });
    return backtest()(payload);
  };
  const readText = async (bucket: string, key: string) =>
    (await (
      await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    ).Body?.transformToString()) ?? '';

  beforeAll(async () => {
    s3 = await startS3rver();
    await s3.createBucket(TRAIL);
    await s3.createBucket(ARCHIVE);
    // Two accounts, two regions, two days: seven log files of CloudTrail records, one of them corrupt.
    const put = async (account: string, region: string, day: string, suffix: string, batch: unknown[]) => {
      records += batch.length;
      return putCloudTrailLogObject(s3.client, TRAIL, {
        account,
        region,
        deliveredAt: new Date(`${day}T10:05:00Z`),
        suffix,
        records: batch,
      });
    };
    await put('111122223333', 'eu-west-1', '2026-11-24', 'a', [
      benignDescribeInstances(),
      benignDescribeInstances(),
    ]);
    await put('111122223333', 'eu-west-1', '2026-11-24', 'b', [bucketMadePublicByAcl('payroll-exports')]);
    await put('111122223333', 'eu-west-1', '2026-11-25', 'c', [benignDescribeInstances()]);
    await put('111122223333', 'us-east-1', '2026-11-24', 'd', [rootConsoleLoginWithoutMfa()]);
    await put('444455556666', 'eu-west-1', '2026-11-24', 'e', [
      benignDescribeInstances(),
      benignDescribeInstances(),
    ]);
    await put('444455556666', 'eu-west-1', '2026-11-25', 'f', [benignDescribeInstances()]);
    corruptKey = cloudTrailLogKey({
      account: '444455556666',
      region: 'us-east-1',
      deliveredAt: new Date('2026-11-24T11:00:00Z'),
      suffix: 'corrupt',
    });
    await s3.client.send(
      new PutObjectCommand({ Bucket: TRAIL, Key: corruptKey, Body: 'not gzip, not JSON' }),
    );
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it('scans every log object in batches, writes findings to S3 and the run results through the ResultWriter', async () => {
    invocations.length = 0;
    // Act
    const run = await simulateDistributedMap({
      definition: definitionWith(),
      input: { prefix: 'AWSLogs/' },
      s3: s3.client,
      functions: { [FUNCTION_ARN]: lambda },
      executionName: 'backtest-nov',
    });

    // Assess: seven objects, batches of two, at most two at once
    expect(run.simulated).toBe(true);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.itemCount).toBe(7);
    expect(run.children).toHaveLength(4);
    expect(invocations.map((keys) => keys.length).sort()).toEqual([1, 2, 2, 2]);
    expect(run.peakConcurrency).toBeLessThanOrEqual(2);

    // Every record counted once; the corrupt object is an error row, not a lost batch
    const results = run.children.map((child) => BacktestBatchResultSchema.parse(child.output));
    const total = (field: keyof Omit<BacktestBatchResult, 'decisions' | 'findingsObject'>) =>
      results.reduce((sum, result) => sum + result[field], 0);
    expect(total('objects')).toBe(7);
    expect(total('events')).toBe(records);
    expect(total('unreadableObjects')).toBe(1);

    // The findings objects: JSON Lines under the run's folder, holding the public ACL, the root login and the error
    const findingKeys = await s3.listKeys(ARCHIVE, 'backtest/findings/backtest-nov/');
    expect(findingKeys.length).toBeGreaterThan(0);
    const rows = (await Promise.all(findingKeys.map((key) => readText(ARCHIVE, key))))
      .flatMap((text) => text.trimEnd().split('\n'))
      .map((line) => JSON.parse(line) as Json);
    expect(rows.map((row) => row.eventName ?? 'error').sort()).toEqual([
      'ConsoleLogin',
      'PutBucketAcl',
      'error',
    ]);
    expect(rows.find((row) => row.eventName === 'PutBucketAcl')).toMatchObject({
      detections: expect.arrayContaining([expect.objectContaining({ id: 's3.bucket-acl-public' })]),
      decision: { action: expect.stringMatching(/AUTO_REMEDIATE|HUMAN_APPROVAL/) },
    });
    expect(rows.find((row) => row.error !== undefined)).toMatchObject({
      file: `s3://${TRAIL}/${corruptKey}`,
    });

    // The ResultWriter's manifest and results, as Step Functions lays them out
    const output = run.output as { ResultWriterDetails: { Bucket: string; Key: string } };
    expect(output.ResultWriterDetails).toEqual({
      Bucket: ARCHIVE,
      Key: expect.stringMatching(/^backtest\/runs\/[0-9a-f-]{36}\/manifest\.json$/),
    });
    const manifest = JSON.parse(await readText(ARCHIVE, output.ResultWriterDetails.Key)) as {
      ResultFiles: { SUCCEEDED: { Key: string }[]; FAILED: unknown[] };
    };
    expect(manifest.ResultFiles.FAILED).toEqual([]);
    const succeeded = JSON.parse(
      await readText(ARCHIVE, manifest.ResultFiles.SUCCEEDED[0]?.Key ?? ''),
    ) as Json[];
    expect(succeeded).toHaveLength(4);
    expect(succeeded.every((entry) => entry.Status === 'SUCCEEDED')).toBe(true);
  });

  it('narrows to the prefix of one account', async () => {
    invocations.length = 0;
    const run = await simulateDistributedMap({
      definition: definitionWith({ objectsPerBatch: 10 }),
      input: { prefix: 'AWSLogs/444455556666/' },
      s3: s3.client,
      functions: { [FUNCTION_ARN]: lambda },
      executionName: 'backtest-one-account',
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(invocations).toEqual([
      [expect.stringContaining('444455556666'), expect.anything(), expect.anything()],
    ]);
  });

  describe('a batch that keeps failing', () => {
    beforeAll(async () => {
      await s3.client.send(
        new PutObjectCommand({
          Bucket: TRAIL,
          Key: 'AWSLogs/999999999999/CloudTrail/poison.json.gz',
          Body: 'x',
        }),
      );
    });

    it('is retried by the ASL, then fails the run above ToleratedFailurePercentage, listed in FAILED results', async () => {
      invocations.length = 0;
      const run = await simulateDistributedMap({
        definition: definitionWith({ objectsPerBatch: 1 }),
        input: { prefix: 'AWSLogs/999999999999/' },
        s3: s3.client,
        functions: { [FUNCTION_ARN]: lambda },
        executionName: 'backtest-poison',
      });

      expect(run.status).toBe('FAILED');
      expect(run.error?.error).toBe('States.ExceedToleratedFailureThreshold');
      // First attempt + the two retries of the States.ALL retrier.
      expect(invocations).toHaveLength(3);
      expect(run.children[0]).toMatchObject({ status: 'FAILED', error: { error: 'InternalError' } });
    });

    it('lets the run succeed within the tolerance, keeping the failed batch in the FAILED results', async () => {
      const run = await simulateDistributedMap({
        definition: definitionWith({ objectsPerBatch: 1, toleratedFailurePercentage: 20 }),
        input: { prefix: 'AWSLogs/' },
        s3: s3.client,
        functions: { [FUNCTION_ARN]: lambda },
        executionName: 'backtest-tolerated',
      });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.children.filter((child) => child.status === 'FAILED')).toHaveLength(1);
      const output = run.output as { ResultWriterDetails: { Key: string } };
      const manifest = JSON.parse(await readText(ARCHIVE, output.ResultWriterDetails.Key)) as {
        ResultFiles: { FAILED: { Key: string }[] };
      };
      const failed = JSON.parse(await readText(ARCHIVE, manifest.ResultFiles.FAILED[0]?.Key ?? '')) as Json[];
      expect(failed).toEqual([
        expect.objectContaining({
          Status: 'FAILED',
          Error: 'InternalError',
          Input: expect.stringContaining('poison'),
        }),
      ]);
    });
  });
});
