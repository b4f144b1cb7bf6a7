import { parseFindingEvent } from '@aisaws/core/findings';
import { alertKeyOf, CloudTrailEventBridgeEventSchema } from '@aisaws/core/schemas';
import { bucketMadePublicByAcl, eventBridgeEvent, instanceCryptoMining } from '@aisaws/testing/fixtures';
import { publicBucketDecidedEvent } from '@aisaws/testing/workflow';
import { describe, expect, it } from '@jest/globals';
import {
  accountOfQueueUrl,
  planMessage,
  planRecovered,
  type ReceivedMessage,
  type ReconcileSource,
} from '../src/plan.js';

const TRIAGE = 'arn:aws:states:eu-west-1:111111111111:stateMachine:aisaws-dev-triage';
const BUS = 'arn:aws:events:eu-west-1:111111111111:event-bus/default';
const eventsDlq: ReconcileSource = {
  kind: 'events-dlq',
  queueUrl: 'https://sqs.eu-west-1.amazonaws.com/111111111111/aisaws-dev-events-dlq',
  expectedTarget: TRIAGE,
  maxReceives: 5,
};
const memberDlq: ReconcileSource = {
  kind: 'member-forward-dlq',
  queueUrl: 'https://sqs.eu-west-1.amazonaws.com/222222222222/aisaws-dev-member-forward-dlq',
  account: '222222222222',
  expectedTarget: BUS,
  maxReceives: 5,
};
const quarantine: ReconcileSource = {
  kind: 'quarantine',
  queueUrl: 'https://sqs.eu-west-1.amazonaws.com/111111111111/aisaws-dev-quarantine',
  maxReceives: 5,
};
const outbox: ReconcileSource = {
  kind: 'alert-outbox',
  queueUrl: 'https://sqs.eu-west-1.amazonaws.com/111111111111/aisaws-dev-alert-outbox',
  maxReceives: 96,
};

/** EventBridge's dead-letter attributes, as it sets them on a message it could not deliver. */
const deadLetterAttributes = (target: string) => ({
  RULE_ARN: 'arn:aws:events:eu-west-1:111111111111:rule/aisaws-dev-s3-bucket-made-public',
  TARGET_ARN: target,
  ERROR_CODE: 'SDK_CLIENT_ERROR',
  ERROR_MESSAGE: 'Unable to invoke the target',
  EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttemptsExhausted',
  RETRY_ATTEMPTS: '20',
});

const message = (body: unknown, overrides: Partial<ReceivedMessage> = {}): ReceivedMessage => ({
  messageId: 'm-1',
  body: typeof body === 'string' ? body : JSON.stringify(body),
  attributes: {},
  receiveCount: 1,
  ...overrides,
});

describe('planMessage', () => {
  it('replays an EventBridge dead letter of the triage target with the original event and its eventID', () => {
    // Prepare
    const event = eventBridgeEvent(bucketMadePublicByAcl());

    // Act
    const plan = planMessage(eventsDlq, message(event, { attributes: deadLetterAttributes(TRIAGE) }));

    // Assess
    expect(plan).toEqual({ action: 'replay', eventId: event.detail.eventID, event });
  });

  it('parks a dead letter of another target instead of replaying it', () => {
    const event = eventBridgeEvent(bucketMadePublicByAcl());
    const other = 'arn:aws:lambda:eu-west-1:111111111111:function:someone-else';

    const plan = planMessage(eventsDlq, message(event, { attributes: deadLetterAttributes(other) }));

    expect(plan).toMatchObject({ action: 'park', notify: true, reason: expect.stringContaining(other) });
  });

  it('replays a member dead letter whose event comes from that member account', () => {
    const event = eventBridgeEvent(bucketMadePublicByAcl(), { account: '222222222222' });

    const plan = planMessage(memberDlq, message(event, { attributes: deadLetterAttributes(BUS) }));

    expect(plan).toMatchObject({ action: 'replay', eventId: event.detail.eventID });
  });

  it('parks a member dead letter that names another account (a member may write into its own DLQ)', () => {
    const event = eventBridgeEvent(bucketMadePublicByAcl(), { account: '333333333333' });

    const plan = planMessage(memberDlq, message(event));

    expect(plan).toMatchObject({
      action: 'park',
      notify: true,
      reason: 'event names account 333333333333, not 222222222222 whose queue it was read from',
    });
  });

  it('parks an event whose source is not aws.* (only AWS-emitted events start triage)', () => {
    const event = eventBridgeEvent(bucketMadePublicByAcl(), { source: 'custom.forged' });

    const plan = planMessage(eventsDlq, message(event));

    expect(plan).toMatchObject({ action: 'park', notify: true, reason: expect.stringContaining('source') });
  });

  it('parks a body that is not JSON, and one without an event identity', () => {
    const noId = eventBridgeEvent(bucketMadePublicByAcl());
    const { eventID: _dropped, ...detail } = noId.detail;

    expect(planMessage(eventsDlq, message('{not json'))).toMatchObject({
      action: 'park',
      reason: expect.stringMatching(/^body is not JSON/),
    });
    expect(planMessage(eventsDlq, message({ ...noId, detail }))).toMatchObject({
      action: 'park',
      reason: expect.stringContaining('no identity'),
    });
  });

  it('keys a GuardDuty finding by id and updatedAt, as Ingest does (the time normalised)', () => {
    const finding = instanceCryptoMining('i-0abc1234def567890', ['sg-0a1b2c3d'], {
      updatedAt: '2026-11-24T10:20:00Z',
    });

    const plan = planMessage(eventsDlq, message(finding));

    // The event id Ingest records for it: the normalised signal's idempotency key.
    const parsed = parseFindingEvent(finding);
    if (!parsed.success) throw new Error(parsed.reason);
    expect(plan).toMatchObject({ action: 'replay', eventId: parsed.signal.idempotencyKey });
    expect(plan).toMatchObject({ eventId: `finding:${finding.detail.id}@2026-11-24T10:20:00.000Z` });
  });

  it('parks a message received more times than the queue allows (poison), whatever it holds', () => {
    const event = eventBridgeEvent(bucketMadePublicByAcl());

    expect(planMessage(eventsDlq, message(event, { receiveCount: 5 }))).toMatchObject({ action: 'replay' });
    expect(planMessage(eventsDlq, message(event, { receiveCount: 6 }))).toMatchObject({
      action: 'park',
      notify: true,
      reason: 'gave up after 5 receives (limit 5): the re-submission kept failing',
    });
  });

  it('replays the input of a triage failure; parks an Ingest refusal without a notice (the input is in S3)', () => {
    const event = eventBridgeEvent(bucketMadePublicByAcl());
    const failure = {
      reason: 'triage-failed',
      error: 'States.Timeout',
      cause: 'Score timed out',
      execution: 'arn:aws:states:eu-west-1:111111111111:express:aisaws-dev-triage:x:y',
      input: event,
    };
    const refusal = {
      stage: 'ingest',
      reason: 'not a CloudTrail EventBridge event: detail.eventID: Invalid input',
      issues: [],
      quarantinedAt: 's3://archive/quarantine/2026/12/05/abc.json',
    };

    expect(planMessage(quarantine, message(failure))).toEqual({
      action: 'replay',
      eventId: event.detail.eventID,
      event,
    });
    expect(planMessage(quarantine, message(refusal))).toMatchObject({
      action: 'park',
      notify: false,
      reason: expect.stringContaining('s3://archive/quarantine/2026/12/05/abc.json'),
    });
    expect(planMessage(quarantine, message({ something: 'else' }))).toMatchObject({
      action: 'park',
      notify: true,
    });
  });

  it('plans to publish again a finding Security Hub refused; parks one whose kept request is not valid', () => {
    const request = { schemaVersion: 1, outcome: 'VERIFIED', event: publicBucketDecidedEvent() };
    const unpublished = {
      reason: 'finding-not-published',
      error: 'FindingNotImportedError',
      cause: 'InvalidAccess: account 123456789012 may import only its own findings',
      execution: 'arn:aws:states:eu-west-1:111111111111:execution:aisaws-dev-remediation:x',
      request,
    };

    expect(planMessage(quarantine, message(unpublished))).toEqual({ action: 'publish-finding', request });
    // The rollback workflow's reopening of a finding is replayed the same way.
    const reopen = {
      schemaVersion: 1,
      outcome: 'ROLLED_BACK',
      eventId: 'e-1',
      playbook: 's3.make-bucket-private',
      changes: ['PutBucketAcl demo-bucket: restored public=true'],
      rolledBackAt: '2026-12-05T03:10:00.000Z',
      approvedBy: 'secops@example.com',
    };
    expect(planMessage(quarantine, message({ ...unpublished, request: reopen }))).toEqual({
      action: 'publish-finding',
      request: reopen,
    });
    expect(
      planMessage(quarantine, message({ ...unpublished, request: { ...request, outcome: 'SOMETHING' } })),
    ).toMatchObject({
      action: 'park',
      notify: true,
      reason: expect.stringMatching(/^unpublished finding without a valid request: outcome: /),
    });
    expect(planMessage(quarantine, message({ reason: 'finding-not-published' }))).toMatchObject({
      action: 'park',
      notify: true,
    });
    // Poison first: one that kept failing is parked whatever it holds.
    expect(planMessage(quarantine, message(unpublished, { receiveCount: 6 }))).toMatchObject({
      action: 'park',
      reason: expect.stringContaining('gave up after 5 receives (limit 5)'),
    });
  });

  it('plans to recover from event history an Ingest failure kept only by reference (never the credentials); parks one it cannot locate', () => {
    const reference = {
      reason: 'triage-failed-unkept',
      error: 'States.Timeout',
      cause: 'Task timed out',
      execution: 'arn:aws:states:eu-west-1:111111111111:express:aisaws-dev-triage:x:y',
      eventId: '0b1c2d3e-0000-4000-8000-000000000001',
      reference: {
        eventName: 'AssumeRole',
        eventSource: 'sts.amazonaws.com',
        account: '222222222222',
        region: 'us-east-1',
        eventTime: '2026-12-05T05:00:00Z',
      },
    };
    const bare = { reason: 'triage-failed-unkept', error: 'States.Timeout', execution: 'arn:…:x:z' };
    const unrecovered =
      'Ingest failed (States.Timeout) and the event was not kept (its credentials are never copied): recover event 0b1c2d3e-0000-4000-8000-000000000001 (sts.amazonaws.com, AssumeRole, 222222222222, us-east-1, 2026-12-05T05:00:00Z) from CloudTrail event history and replay it';
    expect(planMessage(quarantine, message(reference))).toEqual({
      action: 'recover',
      eventId: '0b1c2d3e-0000-4000-8000-000000000001',
      account: '222222222222',
      region: 'us-east-1',
      eventTime: '2026-12-05T05:00:00Z',
      unrecovered,
    });
    // Without an account and a region there is nowhere to look: parked for a person, with the same note.
    const { account: _account, ...unlocated } = reference.reference;
    expect(planMessage(quarantine, message({ ...reference, reference: unlocated }))).toEqual({
      action: 'park',
      notify: true,
      reason: unrecovered.replace('222222222222, ', ''),
    });
    expect(
      planMessage(quarantine, message({ ...reference, reference: { ...reference.reference, region: '*' } })),
    ).toMatchObject({ action: 'park' });
    expect(planMessage(quarantine, message(bare))).toMatchObject({
      action: 'park',
      notify: true,
      reason: expect.stringContaining('only execution arn:…:x:z is known'),
    });
  });

  it('publishes a valid outbox alert; parks one that does not parse', () => {
    const alert = {
      schemaVersion: 1,
      type: 'alert-outbox',
      alertKey: alertKeyOf({ eventId: 'e-1', kind: 'remediated' }),
      eventId: 'e-1',
      kind: 'remediated',
      topicArn: 'arn:aws:sns:eu-west-1:111111111111:aisaws-dev-alerts',
      subject: 'AISAWS: fixed',
      message: 'body',
      attributes: { severity: 'HIGH' },
      queuedAt: '2026-12-05T03:00:00.000Z',
      publishError: 'InternalErrorException: down',
    };

    expect(planMessage(outbox, message(alert))).toEqual({ action: 'publish-alert', alert });
    expect(planMessage(outbox, message({ ...alert, alertKey: 'short' }))).toMatchObject({
      action: 'park',
      reason: expect.stringContaining('alertKey'),
    });
  });
});

describe('planRecovered', () => {
  const recover = {
    action: 'recover',
    eventId: '0b1c2d3e-0000-4000-8000-000000000001',
    account: '222222222222',
    region: 'us-east-1',
    eventTime: '2026-12-05T05:00:00Z',
    unrecovered: 'recover it by hand',
  } as const;
  const record = {
    eventVersion: '1.08',
    userIdentity: { type: 'IAMUser', accountId: '222222222222', arn: 'arn:aws:iam::222222222222:user/alice' },
    eventTime: '2026-12-05T05:00:00Z',
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    awsRegion: 'us-east-1',
    eventID: recover.eventId,
    eventType: 'AwsApiCall',
    recipientAccountId: '222222222222',
  };

  it('replays the record found in event history in the envelope EventBridge delivers, with a stable id', () => {
    const plan = planRecovered(record, recover, quarantine);
    expect(plan).toEqual({
      action: 'replay',
      eventId: recover.eventId,
      event: {
        version: '0',
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/),
        'detail-type': 'AWS API Call via CloudTrail',
        source: 'aws.sts',
        account: '222222222222',
        time: '2026-12-05T05:00:00Z',
        region: 'us-east-1',
        resources: [],
        detail: record,
      },
    });
    expect(planRecovered(record, recover, quarantine)).toEqual(plan);
    // What Ingest accepts from EventBridge.
    expect(CloudTrailEventBridgeEventSchema.safeParse((plan as { event: unknown }).event).success).toBe(true);
    expect(planRecovered({ ...record, eventType: 'AwsConsoleSignIn' }, recover, quarantine)).toMatchObject({
      event: { 'detail-type': 'AWS Console Sign In via CloudTrail' },
    });
  });

  it('parks a record that is not the one looked up, of another account, or not a CloudTrail record', () => {
    expect(planRecovered({ ...record, eventID: 'another' }, recover, quarantine)).toMatchObject({
      action: 'park',
      reason: expect.stringContaining(`event history answered event another, not ${recover.eventId}`),
    });
    expect(
      planRecovered({ ...record, recipientAccountId: '333333333333' }, recover, quarantine),
    ).toMatchObject({
      action: 'park',
      reason: expect.stringContaining('the record is of account 333333333333, not 222222222222'),
    });
    expect(planRecovered({ eventID: recover.eventId }, recover, quarantine)).toMatchObject({
      action: 'park',
      reason: expect.stringMatching(/not a CloudTrail record .*recover it by hand$/),
    });
  });
});

describe('accountOfQueueUrl', () => {
  it('reads the account of an SQS queue URL, and nothing from anything else', () => {
    expect(accountOfQueueUrl(memberDlq.queueUrl)).toBe('222222222222');
    expect(accountOfQueueUrl('https://example.com/222222222222/q')).toBeUndefined();
    expect(accountOfQueueUrl('http://127.0.0.1:4566/000000000000/q')).toBeUndefined();
  });
});
