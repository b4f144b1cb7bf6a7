import { TABLES } from '@aisaws/core/storage';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Testing } from 'cdktn';
import { ENVIRONMENTS_DIR } from '../../src/app.js';
import { type Environment, loadEnvironments, STAGES } from '../../src/config/environment.js';
import { interpolation } from '../support/interpolation.js';
import { countsByType, resourcesOf, type SynthesizedStack, synthStacks } from '../support/synth.js';

describe('Security stack of every environment in infra/environments', () => {
  let environments: Environment[];
  let stacks: Map<string, SynthesizedStack>;

  beforeAll(() => {
    // Prepare + Act: the real environment files, synthesized once for the whole file.
    environments = loadEnvironments(ENVIRONMENTS_DIR);
    stacks = synthStacks(environments);
  });

  const stackOf = (name: string): SynthesizedStack => {
    const stack = stacks.get(name);
    if (!stack) throw new Error(`no stack ${name}`);
    return stack;
  };

  it('has at least dev and prod, each with its member stacks', () => {
    const names = environments.map((environment) => environment.name);
    expect(names).toEqual(expect.arrayContaining(['dev', 'prod']));
    for (const environment of environments) {
      expect(stacks.has(environment.name)).toBe(true);
      for (const member of environment.accounts.members)
        expect(stacks.has(`${environment.name}-member-${member}`)).toBe(true);
    }
  });

  it.each(['dev', 'prod'])('%s: pins its backend and its account, with no machine-dependent path', (name) => {
    const stack = stackOf(name);
    const environment = environments.find((candidate) => candidate.name === name) as Environment;

    expect(stack.json.terraform.backend).toEqual({
      s3: {
        bucket: environment.backend.bucket,
        key: environment.backend.key,
        region: environment.backend.region,
        dynamodb_table: environment.backend.lockTable,
        encrypt: true,
      },
    });
    expect(
      Testing.toHaveProviderWithProperties(stack.text, 'aws', {
        allowed_account_ids: [environment.accounts.security],
      }),
    ).toBe(true);
    expect(stack.text).not.toContain(process.cwd());
    expect(stack.text).not.toMatch(/"\/(?:home|tmp|work|Users)\//);
  });

  it.each(['dev', 'prod'])(
    '%s: the seven Lambdas on nodejs24.x/arm64 with a live alias, log group and alarms',
    (name) => {
      const stack = stackOf(name);

      for (const stage of STAGES) {
        expect(
          Testing.toHaveResourceWithProperties(stack.text, 'aws_lambda_function', {
            function_name: `aisaws-${name}-${stage}`,
            runtime: 'nodejs24.x',
            architectures: ['arm64'],
            handler: 'index.handler',
            publish: true,
          }),
        ).toBe(true);
        expect(
          Testing.toHaveResourceWithProperties(stack.text, 'aws_cloudwatch_log_group', {
            name: `/aws/lambda/aisaws-${name}-${stage}`,
          }),
        ).toBe(true);
        // Verification throws NotConvergedError by design: its errors are retries, not failures.
        expect(
          Testing.toHaveResourceWithProperties(stack.text, 'aws_cloudwatch_metric_alarm', {
            alarm_name: `aisaws-${name}-${stage}-errors`,
          }),
        ).toBe(stage !== 'verification');
        expect(
          Testing.toHaveResourceWithProperties(stack.text, 'aws_cloudwatch_metric_alarm', {
            alarm_name: `aisaws-${name}-${stage}-throttles`,
          }),
        ).toBe(true);
      }
      const aliases = resourcesOf(stack, 'aws_lambda_alias');
      const environment = environments.find((candidate) => candidate.name === name) as Environment;
      // Plus the backtest Lambda where the environment has a backtest (dev does, prod does not).
      // Plus the rollback function (the remediation zip's `rollback.handler`).
      expect(aliases).toHaveLength(STAGES.length + 1 + (environment.backtest ? 1 : 0));
      expect(aliases.every((alias) => alias.name === 'live')).toBe(true);
    },
  );

  it('reserves concurrency only for remediation, the public approval URL and the one-at-a-time reconcile and rollback', () => {
    const stack = stackOf('prod');
    const reserved = resourcesOf(stack, 'aws_lambda_function')
      .filter((fn) => fn.reserved_concurrent_executions !== undefined)
      .map((fn) => [fn.function_name, fn.reserved_concurrent_executions]);

    expect(reserved.sort()).toEqual([
      ['aisaws-prod-approval', 5],
      ['aisaws-prod-reconcile', 1],
      ['aisaws-prod-remediation', 3],
      ['aisaws-prod-rollback', 1],
    ]);
  });

  it('deploys the artifact version each environment pins, named dist/<package>-<version>.zip', () => {
    const stack = stackOf('dev');
    const ingest = resourcesOf(stack, 'aws_lambda_function').find(
      (fn) => fn.function_name === 'aisaws-dev-ingest',
    );

    expect(ingest?.filename).toBe('../../../../packages/lambda-ingest/dist/lambda-ingest-0.1.0.zip');
    expect(ingest?.source_code_hash).toBe(
      interpolation('filebase64sha256("../../../../packages/lambda-ingest/dist/lambda-ingest-0.1.0.zip")'),
    );
    expect(ingest?.tags).toEqual(
      expect.objectContaining({ 'aisaws:package': '@aisaws/lambda-ingest', 'aisaws:version': '0.1.0' }),
    );
  });

  it('builds the tables of core storage with PITR, SSE-KMS and TTL', () => {
    const stack = stackOf('prod');

    for (const table of Object.values(TABLES))
      expect(
        Testing.toHaveResourceWithProperties(stack.text, 'aws_dynamodb_table', {
          name: `aisaws-prod-${table.logicalName}`,
          hash_key: table.partitionKey.name,
          point_in_time_recovery: { enabled: true },
          server_side_encryption: { enabled: true, kms_key_arn: interpolation('aws_kms_key.key.arn') },
          ttl: { attribute_name: table.ttlAttribute, enabled: true },
          deletion_protection_enabled: true,
        }),
      ).toBe(true);
    expect(resourcesOf(stack, 'aws_dynamodb_table')).toHaveLength(Object.keys(TABLES).length);
  });

  it('encrypts every store with the rotated AISAWS key', () => {
    const stack = stackOf('dev');
    const key = interpolation('aws_kms_key.key.arn');

    expect(resourcesOf(stack, 'aws_kms_key')).toEqual([
      expect.objectContaining({ enable_key_rotation: true }),
    ]);
    for (const queue of resourcesOf(stack, 'aws_sqs_queue')) expect(queue.kms_master_key_id).toBe(key);
    for (const topic of resourcesOf(stack, 'aws_sns_topic')) expect(topic.kms_master_key_id).toBe(key);
    for (const group of resourcesOf(stack, 'aws_cloudwatch_log_group')) expect(group.kms_key_id).toBe(key);
    for (const fn of resourcesOf(stack, 'aws_lambda_function')) expect(fn.kms_key_arn).toBe(key);
    for (const parameter of resourcesOf(stack, 'aws_ssm_parameter'))
      expect(parameter).toEqual(expect.objectContaining({ type: 'SecureString', key_id: key }));
    expect(resourcesOf(stack, 'aws_s3_bucket_server_side_encryption_configuration')).toEqual([
      expect.objectContaining({
        rule: [
          {
            apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: key },
            bucket_key_enabled: true,
          },
        ],
      }),
    ]);
  });

  it('locks the archive bucket down: Block Public Access, versioning, lifecycle, TLS-only policy', () => {
    const stack = stackOf('dev');

    expect(resourcesOf(stack, 'aws_s3_bucket_public_access_block')).toEqual([
      expect.objectContaining({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      }),
    ]);
    expect(resourcesOf(stack, 'aws_s3_bucket_versioning')).toEqual([
      expect.objectContaining({ versioning_configuration: { status: 'Enabled' } }),
    ]);
    const lifecycle = resourcesOf(stack, 'aws_s3_bucket_lifecycle_configuration')[0] as {
      rule: { id: string; filter: unknown }[];
    };
    expect(lifecycle.rule.map((rule) => rule.id)).toEqual([
      'raw-events',
      'quarantine',
      'backtest',
      'abort-incomplete-uploads',
    ]);
    const policy = JSON.parse(String(resourcesOf(stack, 'aws_s3_bucket_policy')[0]?.policy));
    expect(policy.Statement[0]).toEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': false } } }),
    );
  });

  it('keeps the HMAC key in Secrets Manager, generated at apply and written write-only (never in the state)', () => {
    const stack = stackOf('dev');

    expect(
      Testing.toHaveResourceWithProperties(stack.text, 'aws_secretsmanager_secret', {
        name: 'aisaws/dev/approval-signing-key',
        kms_key_id: interpolation('aws_kms_key.key.arn'),
      }),
    ).toBe(true);
    expect(resourcesOf(stack, 'aws_secretsmanager_secret_version')).toEqual([
      {
        secret_id: interpolation('aws_secretsmanager_secret.approval-signing-key.id'),
        secret_string_wo: interpolation(
          'ephemeral.aws_secretsmanager_random_password.approval-signing-key-value.random_password',
        ),
        secret_string_wo_version: 1,
      },
    ]);
  });

  it('exposes the approval function URL without IAM auth, on the live alias, invocable only through the URL', () => {
    const stack = stackOf('dev');

    const [url] = resourcesOf(stack, 'aws_lambda_function_url');
    expect(url).toEqual(expect.objectContaining({ authorization_type: 'NONE' }));
    expect(url?.qualifier).toMatch(/^\$\{aws_lambda_alias\.approval_live_\w+\.name\}$/);
    const permissions = resourcesOf(stack, 'aws_lambda_permission').map((p) => [
      p.action,
      p.principal,
      p.function_url_auth_type,
    ]);
    expect(permissions.sort()).toEqual([
      ['lambda:InvokeFunction', '*', undefined],
      ['lambda:InvokeFunctionUrl', '*', 'NONE'],
    ]);
    expect(
      Testing.toHaveResourceWithProperties(stack.text, 'aws_lambda_permission', {
        invoked_via_function_url: true,
      }),
    ).toBe(true);
  });

  it('runs triage as EXPRESS with full logging and remediation as STANDARD, from the ASL files', () => {
    const stack = stackOf('dev');
    const machines = resourcesOf(stack, 'aws_sfn_state_machine');
    const triage = machines.find((machine) => machine.name === 'aisaws-dev-triage') as Record<
      string,
      unknown
    >;
    const remediation = machines.find((machine) => machine.name === 'aisaws-dev-remediation') as Record<
      string,
      unknown
    >;

    expect(triage.type).toBe('EXPRESS');
    // Every event logged, never its data: the triage input may carry session tokens (redacted only from Ingest on).
    expect(triage.logging_configuration).toEqual(
      expect.objectContaining({ level: 'ALL', include_execution_data: false }),
    );
    expect(
      machines.map(
        (machine) =>
          (machine.logging_configuration as { include_execution_data?: boolean }).include_execution_data,
      ),
    ).not.toContain(true);
    expect(remediation.type).toBe('STANDARD');
    const definition = JSON.parse(String(triage.definition));
    expect(definition.States.Ingest.Parameters.FunctionName).toBe(
      'arn:aws:lambda:eu-west-1:111111111111:function:aisaws-dev-ingest:live',
    );
    expect(String(triage.definition)).not.toContain('${');
    expect(String(remediation.definition)).not.toContain('${');
  });

  it('targets triage from every catalog rule with a role, a retry policy and the dead-letter queue', () => {
    const stack = stackOf('dev');
    const rules = resourcesOf(stack, 'aws_cloudwatch_event_rule');
    const targets = resourcesOf(stack, 'aws_cloudwatch_event_target');

    expect(rules.length).toBeGreaterThan(0);
    expect(targets).toHaveLength(rules.length);
    for (const target of targets)
      expect(target).toEqual(
        expect.objectContaining({
          arn: interpolation('aws_sfn_state_machine.triage-state-machine.arn'),
          role_arn: interpolation('aws_iam_role.events-role.arn'),
          retry_policy: { maximum_event_age_in_seconds: 3600, maximum_retry_attempts: 20 },
          dead_letter_config: { arn: interpolation('aws_sqs_queue.events-dlq.arn') },
        }),
      );
  });

  it('alarms on state machine failures, messages waiting in the DLQ and the quarantine queue, and any rollback', () => {
    const stack = stackOf('dev');
    const alarmNames = resourcesOf(stack, 'aws_cloudwatch_metric_alarm').map((alarm) => alarm.alarm_name);

    expect(alarmNames).toEqual(
      expect.arrayContaining([
        'aisaws-dev-triage-ExecutionsFailed',
        'aisaws-dev-remediation-ExecutionsFailed',
        'aisaws-dev-events-dlq-not-empty',
        'aisaws-dev-quarantine-not-empty',
        'aisaws-dev-rollback-errors',
        'aisaws-dev-rollback-throttles',
        'aisaws-dev-rollback-invoked',
      ]),
    );
    for (const alarm of resourcesOf(stack, 'aws_cloudwatch_metric_alarm'))
      expect(alarm.alarm_actions).toEqual([interpolation('aws_sns_topic.alerts.arn')]);
  });

  it('subscribes every alert e-mail of the environment', () => {
    const stack = stackOf('prod');
    const environment = environments.find((candidate) => candidate.name === 'prod') as Environment;

    expect(resourcesOf(stack, 'aws_sns_topic_subscription').map((s) => s.endpoint)).toEqual(
      environment.alertEmails,
    );
  });

  it('records the resource counts by type (printed for the README)', () => {
    const counts = countsByType(stackOf('dev'));

    // dev has a backtest: its Lambda and its state machine come on top of the nine stage Lambdas, the rollback function
    // and three workflows (triage, remediation, rollback).
    expect(counts.aws_lambda_function).toBe(11);
    expect(counts.aws_sfn_state_machine).toBe(4);
    expect(counts.aws_dynamodb_table).toBe(4);
    // quarantine, events-dlq, alert-outbox, parked
    expect(counts.aws_sqs_queue).toBe(4);
    expect(counts.aws_scheduler_schedule).toBe(1);
    expect(counts.aws_kms_key).toBe(1);
    // Errors (not Verification's) and throttles of the nine stage Lambdas and the rollback function (19), the
    // rollback function's invocations (1), three per triage, remediation and rollback state machine (9), three queues (3).
    expect(counts.aws_cloudwatch_metric_alarm).toBe(32);
  });
});
