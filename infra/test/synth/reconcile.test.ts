import { beforeAll, describe, expect, it } from '@jest/globals';
import { testEnvironment } from '../support/environments.js';
import { resourcesOf, type SynthesizedStack, synthStacks } from '../support/synth.js';

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: { AWS?: string | string[]; Service?: string | string[] };
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const statementsOf = (policy: unknown): Statement[] =>
  (JSON.parse(String(policy)) as { Statement: Statement[] }).Statement;
const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

describe('Reconcile job in the synthesized Terraform', () => {
  let security: SynthesizedStack;
  let member: SynthesizedStack;
  const policyOfRole = (stack: SynthesizedStack, roleName: string): Statement[] => {
    const roles = stack.json.resource.aws_iam_role ?? {};
    const id = Object.entries(roles).find(([, role]) => role.name === roleName)?.[0];
    const policy = resourcesOf(stack, 'aws_iam_role_policy').find(
      (candidate) => candidate.role === `\${aws_iam_role.${id}.id}`,
    );
    return statementsOf(policy?.policy);
  };

  beforeAll(() => {
    const stacks = synthStacks([
      testEnvironment({
        name: 'rec',
        accounts: { security: '111111111111', members: ['222222222222', '333333333333'] },
      }),
    ]);
    security = stacks.get('rec') as SynthesizedStack;
    member = stacks.get('rec-member-222222222222') as SynthesizedStack;
  });

  it('runs every 15 minutes on the live alias, retried, its undelivered ticks parked', () => {
    const [schedule] = resourcesOf(security, 'aws_scheduler_schedule');

    expect(schedule).toMatchObject({
      name: 'aisaws-rec-reconcile',
      schedule_expression: 'rate(15 minutes)',
      target: {
        arn: 'arn:aws:lambda:eu-west-1:111111111111:function:aisaws-rec-reconcile:live',
        input: '{}',
        retry_policy: { maximum_retry_attempts: 3, maximum_event_age_in_seconds: 600 },
        dead_letter_config: { arn: 'arn:aws:sqs:eu-west-1:111111111111:aisaws-rec-parked' },
      },
    });
    const scheduler = policyOfRole(security, 'aisaws-rec-reconcile-scheduler');
    expect(scheduler.flatMap((s) => list(s.Action)).sort()).toEqual([
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'lambda:InvokeFunction',
      'sqs:SendMessage',
    ]);
  });

  it('gives the reconcile role exactly the queues, the triage machine, the topic and its state keys', () => {
    const statements = policyOfRole(security, 'aisaws-rec-reconcile');
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));

    expect(list(bySid.DrainDeadLetterQueues?.Action)).toEqual(['sqs:DeleteMessage', 'sqs:ReceiveMessage']);
    expect(list(bySid.DrainDeadLetterQueues?.Resource)).toEqual([
      'arn:aws:sqs:eu-west-1:111111111111:aisaws-rec-alert-outbox',
      'arn:aws:sqs:eu-west-1:111111111111:aisaws-rec-events-dlq',
      'arn:aws:sqs:eu-west-1:111111111111:aisaws-rec-quarantine',
      'arn:aws:sqs:eu-west-1:222222222222:aisaws-rec-member-forward-dlq',
      'arn:aws:sqs:eu-west-1:333333333333:aisaws-rec-member-forward-dlq',
    ]);
    expect(bySid.ReplayOnTriage).toMatchObject({
      Action: ['states:StartExecution'],
      Resource: ['arn:aws:states:eu-west-1:111111111111:stateMachine:aisaws-rec-triage'],
    });
    // Findings Security Hub refused are published again: Invoke on the Findings alias alone, no other function.
    expect(bySid.PublishUnpublishedFindings).toMatchObject({
      Action: ['lambda:InvokeFunction'],
      Resource: ['arn:aws:lambda:eu-west-1:111111111111:function:aisaws-rec-findings:live'],
    });
    expect(
      statements
        .filter((s) => list(s.Action).some((action) => action.startsWith('lambda:')))
        .map((s) => s.Sid),
    ).toEqual(['PublishUnpublishedFindings']);
    expect(bySid.ReplayCountersAndSentMarkers?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['replay#*', 'alert-sent#*'] },
    });
    // The member queues are read through their own policies; the only role it assumes is each member's event reader
    // (an event Ingest failed on is looked up in that account's CloudTrail event history), and its own history is read
    // with LookupEvents, which has no resource-level permission.
    expect(
      statements.filter((s) => list(s.Action).includes('sts:AssumeRole')).flatMap((s) => list(s.Resource)),
    ).toEqual([
      'arn:aws:iam::222222222222:role/aisaws-rec-member-event-reader',
      'arn:aws:iam::333333333333:role/aisaws-rec-member-event-reader',
    ]);
    expect(bySid.LookUpOwnEventHistory).toMatchObject({
      Action: ['cloudtrail:LookupEvents'],
      Resource: ['*'],
    });
  });

  it('lets only the security reconcile role drain a member forward DLQ, and only that queue', () => {
    const [queuePolicy] = resourcesOf(member, 'aws_sqs_queue_policy');
    const drain = statementsOf(queuePolicy?.policy).find((s) => s.Sid === 'SecurityAccountReconcileDrains');

    expect(drain).toEqual({
      Sid: 'SecurityAccountReconcileDrains',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111111111111:role/aisaws-rec-reconcile' },
      Action: ['sqs:DeleteMessage', 'sqs:ReceiveMessage'],
      Resource: ['arn:aws:sqs:eu-west-1:222222222222:aisaws-rec-member-forward-dlq'],
    });
  });

  it('tells the reconcile Lambda every queue it drains and the Alert Lambda its outbox', () => {
    const functions = resourcesOf(security, 'aws_lambda_function');
    const variables = (name: string): Record<string, string> => {
      const environment = functions.find((fn) => fn.function_name === name)?.environment as
        | { variables: Record<string, string> }
        | undefined;
      return environment?.variables ?? {};
    };

    expect(variables('aisaws-rec-reconcile')).toMatchObject({
      EVENTS_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/aisaws-rec-events-dlq',
      QUARANTINE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/aisaws-rec-quarantine',
      ALERT_OUTBOX_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/aisaws-rec-alert-outbox',
      PARKED_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/aisaws-rec-parked',
      FINDINGS_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:111111111111:function:aisaws-rec-findings:live',
      MEMBER_FORWARD_DLQ_URLS:
        'https://sqs.eu-west-1.amazonaws.com/222222222222/aisaws-rec-member-forward-dlq,https://sqs.eu-west-1.amazonaws.com/333333333333/aisaws-rec-member-forward-dlq',
    });
    expect(variables('aisaws-rec-alert').ALERT_OUTBOX_QUEUE_URL).toBe(
      'https://sqs.eu-west-1.amazonaws.com/111111111111/aisaws-rec-alert-outbox',
    );
  });
});
