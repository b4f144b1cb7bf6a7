import { describe, expect, it } from '@jest/globals';
import { parseReconcileEnv } from '../src/env.js';
import { sourcesFrom } from '../src/sources.js';

const base = {
  TRIAGE_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:111111111111:stateMachine:aisaws-dev-triage',
  SECURITY_BUS_ARN: 'arn:aws:events:eu-west-1:111111111111:event-bus/default',
  ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:aisaws-dev-alerts',
  STATE_TABLE_NAME: 'aisaws-dev-state',
  PARKED_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/aisaws-dev-parked',
};

describe('Reconcile Lambda environment', () => {
  it('names every missing or bad variable', () => {
    expect(() => parseReconcileEnv({ ...base, PARKED_QUEUE_URL: 'not a url', STATE_TABLE_NAME: '' })).toThrow(
      /PARKED_QUEUE_URL: must be an SQS queue URL.*STATE_TABLE_NAME: must not be empty|STATE_TABLE_NAME: must not be empty.*PARKED_QUEUE_URL: must be an SQS queue URL/,
    );
  });

  it('reads the member queues as a list and builds the sources, outbox first', () => {
    const env = parseReconcileEnv({
      ...base,
      ALERT_OUTBOX_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/aisaws-dev-alert-outbox',
      EVENTS_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/aisaws-dev-events-dlq',
      MEMBER_FORWARD_DLQ_URLS:
        ' https://sqs.eu-west-1.amazonaws.com/222222222222/aisaws-dev-member-forward-dlq , ,https://sqs.eu-west-1.amazonaws.com/333333333333/aisaws-dev-member-forward-dlq',
    });

    const sources = sourcesFrom({
      triageStateMachineArn: env.TRIAGE_STATE_MACHINE_ARN,
      securityBusArn: env.SECURITY_BUS_ARN,
      eventsDlqUrl: env.EVENTS_DLQ_URL,
      alertOutboxQueueUrl: env.ALERT_OUTBOX_QUEUE_URL,
      memberForwardDlqUrls: env.MEMBER_FORWARD_DLQ_URLS,
      maxReceives: env.MAX_RECEIVES,
      outboxMaxReceives: env.OUTBOX_MAX_RECEIVES,
    });

    expect(sources.map((source) => [source.kind, source.account, source.maxReceives])).toEqual([
      ['alert-outbox', undefined, 96],
      ['events-dlq', undefined, 5],
      ['member-forward-dlq', '222222222222', 5],
      ['member-forward-dlq', '333333333333', 5],
    ]);
    expect(sources[1]?.expectedTarget).toBe(base.TRIAGE_STATE_MACHINE_ARN);
    expect(sources[2]?.expectedTarget).toBe(base.SECURITY_BUS_ARN);
  });

  it('refuses a member queue URL without an account id', () => {
    expect(() =>
      sourcesFrom({
        triageStateMachineArn: base.TRIAGE_STATE_MACHINE_ARN,
        securityBusArn: base.SECURITY_BUS_ARN,
        memberForwardDlqUrls: ['https://example.com/queue'],
        maxReceives: 5,
        outboxMaxReceives: 96,
      }),
    ).toThrow('member forward DLQ https://example.com/queue: not an SQS queue URL with an account id');
  });

  it('reads the Findings function ARN (optional) and refuses anything but a Lambda function ARN', () => {
    const alias = 'arn:aws:lambda:eu-west-1:111111111111:function:aisaws-dev-findings:live';
    expect(parseReconcileEnv(base).FINDINGS_FUNCTION_ARN).toBeUndefined();
    expect(parseReconcileEnv({ ...base, FINDINGS_FUNCTION_ARN: alias }).FINDINGS_FUNCTION_ARN).toBe(alias);
    expect(() => parseReconcileEnv({ ...base, FINDINGS_FUNCTION_ARN: 'aisaws-dev-findings' })).toThrow(
      /FINDINGS_FUNCTION_ARN: must be a Lambda function ARN/,
    );
  });

  it('reads the event-reader role (optional), which needs the own account and the ExternalId', () => {
    const recovery = {
      EVENT_READER_ROLE_NAME: 'aisaws-dev-member-event-reader',
      OWN_ACCOUNT_ID: '111111111111',
      MEMBER_ROLE_EXTERNAL_ID: 'aisaws-dev-external-id',
    };
    expect(parseReconcileEnv(base).EVENT_READER_ROLE_NAME).toBeUndefined();
    expect(parseReconcileEnv({ ...base, ...recovery })).toMatchObject(recovery);
    expect(() =>
      parseReconcileEnv({ ...base, EVENT_READER_ROLE_NAME: recovery.EVENT_READER_ROLE_NAME }),
    ).toThrow(
      /OWN_ACCOUNT_ID: is required when EVENT_READER_ROLE_NAME is set.*MEMBER_ROLE_EXTERNAL_ID: is required when EVENT_READER_ROLE_NAME is set/,
    );
  });
});
