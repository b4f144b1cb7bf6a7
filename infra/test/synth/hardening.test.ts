import { beforeAll, describe, expect, it } from '@jest/globals';
import { testEnvironment } from '../support/environments.js';
import { interpolation } from '../support/interpolation.js';
import { resourcesOf, type SynthesizedStack, synthStacks } from '../support/synth.js';

/**
 * Bars over the synthesized Terraform JSON of every stack (security and members, two environments): what a security
 * team reviewing the deployment would look for first. Each check walks every resource of its type, so a new rule,
 * queue or state machine that misses the bar fails here without a test of its own.
 */

let stacks: [string, SynthesizedStack][];
beforeAll(() => {
  stacks = [
    ...synthStacks([
      testEnvironment({
        name: 'org',
        accounts: { security: '111111111111', members: ['222222222222', '333333333333'] },
      }),
      testEnvironment({ name: 'solo', accounts: { security: '444444444444', members: [] } }),
    ]),
  ];
});

type Config = Record<string, unknown>;
const all = (type: string): [string, Config][] =>
  stacks.flatMap(([name, stack]) =>
    resourcesOf(stack, type).map((config) => [name, config] as [string, Config]),
  );

describe('deployment bars (synthesized Terraform JSON)', () => {
  it('synthesizes the stacks the bars walk: security stacks and one member stack per member account', () => {
    expect(stacks.map(([name]) => name).sort()).toEqual([
      'org',
      'org-member-222222222222',
      'org-member-333333333333',
      'solo',
    ]);
  });

  it('gives every EventBridge target, members included, a retry policy and a dead-letter queue', () => {
    const targets = all('aws_cloudwatch_event_target');
    const withoutDlqOrRetry = targets
      .filter(([, target]) => {
        const dlq = target.dead_letter_config as { arn?: string } | undefined;
        const retry = target.retry_policy as
          | { maximum_retry_attempts?: number; maximum_event_age_in_seconds?: number }
          | undefined;
        return (
          !dlq?.arn || !retry || !(retry.maximum_retry_attempts ?? 0) || !retry.maximum_event_age_in_seconds
        );
      })
      .map(([stack, target]) => `${stack}: ${String(target.rule)}`);

    expect(targets.filter(([stack]) => stack.includes('-member-')).length).toBeGreaterThan(0);
    expect(withoutDlqOrRetry).toEqual([]);
  });

  it('gives every EventBridge Scheduler target a retry policy and a dead-letter queue too', () => {
    const schedules = all('aws_scheduler_schedule');
    const withoutDlqOrRetry = schedules
      .filter(([, schedule]) => {
        const target = schedule.target as {
          dead_letter_config?: { arn?: string };
          retry_policy?: { maximum_retry_attempts?: number; maximum_event_age_in_seconds?: number };
        };
        const retry = target.retry_policy;
        return (
          !target.dead_letter_config?.arn ||
          !retry ||
          !(retry.maximum_retry_attempts ?? 0) ||
          !retry.maximum_event_age_in_seconds
        );
      })
      .map(([stack, schedule]) => `${stack}: ${String(schedule.name)}`);

    // The reconcile job of each security stack.
    expect(schedules.length).toBe(2);
    expect(withoutDlqOrRetry).toEqual([]);
  });

  it('lets EventBridge write to each dead-letter queue only for the rules that use it', () => {
    for (const [name, stack] of stacks) {
      const dlqs = new Set(
        resourcesOf(stack, 'aws_cloudwatch_event_target').map(
          (target) => (target.dead_letter_config as { arn: string }).arn,
        ),
      );
      const policies = resourcesOf(stack, 'aws_sqs_queue_policy').map((policy) =>
        JSON.parse(String(policy.policy)),
      );
      for (const dlq of dlqs) {
        const queueId = /^\$\{aws_sqs_queue\.([\w-]+)\.arn\}$/.exec(dlq)?.[1];
        expect(queueId).toBeDefined();
        const grants = policies
          .flatMap((policy) => policy.Statement as Config[])
          .filter((statement) => {
            const principal = statement.Principal as { Service?: string | string[] };
            return (
              [principal.Service].flat().includes('events.amazonaws.com') &&
              [statement.Action].flat().includes('sqs:SendMessage')
            );
          });
        expect({ stack: name, grants: grants.length }).toEqual({ stack: name, grants: 1 });
        expect(grants[0]?.Condition).toEqual({ ArnEquals: { 'aws:SourceArn': expect.any(Array) } });
      }
    }
  });

  it('encrypts every state machine with the customer-managed AISAWS key (no AWS-owned key) and logs it', () => {
    const machines = all('aws_sfn_state_machine');
    // triage, remediation and rollback in each of the two environments
    expect(machines).toHaveLength(6);
    for (const [stack, machine] of machines) {
      expect({ stack, encryption: machine.encryption_configuration }).toEqual({
        stack,
        encryption: {
          type: 'CUSTOMER_MANAGED_KMS_KEY',
          kms_key_id: interpolation('aws_kms_key.key.arn'),
          kms_data_key_reuse_period_seconds: 300,
        },
      });
      const logging = machine.logging_configuration as { log_destination?: string; level?: string };
      expect(logging.log_destination).toMatch(/^\$\{aws_cloudwatch_log_group\.[\w-]+\.arn\}:\*$/);
      expect(['ALL', 'ERROR', 'FATAL']).toContain(logging.level);
    }
  });

  it('encrypts every queue: the AISAWS key in the security account, SSE-SQS for the member forward DLQs', () => {
    const queues = all('aws_sqs_queue');
    expect(queues.length).toBeGreaterThanOrEqual(6);
    const unencrypted = queues
      .filter(([, queue]) => !queue.kms_master_key_id && queue.sqs_managed_sse_enabled !== true)
      .map(([stack, queue]) => `${stack}: ${String(queue.name)}`);
    expect(unencrypted).toEqual([]);
  });

  it('holds no placeholder or literal secret: the signing key is generated at apply, write-only, never in state', () => {
    for (const [name, stack] of stacks) {
      // Nothing that reads like a stand-in value, anywhere in the JSON.
      expect({
        name,
        placeholder: /placeholder|changeme|change-me|rotate-before-use|todo/i.test(stack.text),
      }).toEqual({
        name,
        placeholder: false,
      });
      expect(resourcesOf(stack, 'aws_ssm_parameter')).toEqual([]);
      for (const version of resourcesOf(stack, 'aws_secretsmanager_secret_version')) {
        expect(version).not.toHaveProperty('secret_string');
        expect(version).not.toHaveProperty('secret_binary');
        expect(version.secret_string_wo).toMatch(
          /^\$\{ephemeral\.aws_secretsmanager_random_password\.[\w-]+\.random_password\}$/,
        );
        expect(version.secret_string_wo_version).toBe(1);
      }
    }
    const [, security] = stacks.find(([name]) => name === 'org') ?? [];
    const json = security?.json as unknown as { ephemeral?: Record<string, Record<string, Config>> };
    expect(Object.values(json.ephemeral?.aws_secretsmanager_random_password ?? {})).toEqual([
      expect.objectContaining({ password_length: 64, exclude_punctuation: true }),
    ]);
    expect(resourcesOf(security as SynthesizedStack, 'aws_secretsmanager_secret')).toEqual([
      expect.objectContaining({
        name: 'aisaws/org/approval-signing-key',
        kms_key_id: interpolation('aws_kms_key.key.arn'),
      }),
    ]);
  });

  it('rotates the signing key by raising approvalSigningKeyVersion: a new write-only version', () => {
    const rotated = synthStacks([testEnvironment({ name: 'rot', approvalSigningKeyVersion: 2 })]).get('rot');
    expect(resourcesOf(rotated as SynthesizedStack, 'aws_secretsmanager_secret_version')).toEqual([
      expect.objectContaining({ secret_string_wo_version: 2 }),
    ]);
  });
});
