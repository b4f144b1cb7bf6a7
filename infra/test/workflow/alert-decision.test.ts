import {
  benignDescribeInstances,
  eventBridgeEvent,
  rootConsoleLoginWithoutMfa,
} from '@aisaws/testing/fixtures';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { startWorld, type World } from './world.js';

// Real emulators and real handlers on a shared 2-core machine: generous per-test time.
jest.setTimeout(60_000);

let world: World | undefined;

afterEach(async () => {
  await world?.stop();
  world = undefined;
});

const ROOT_LOGIN_ID = 'a1e47000-0000-4000-8000-000000000001';
const rootLoginEvent = (eventID = ROOT_LOGIN_ID) => eventBridgeEvent(rootConsoleLoginWithoutMfa({ eventID }));

/** A Lambda error as the Lambda service integration names it (what the Retry matches). */
function lambdaError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

describe('triage: ALERT tells a person about a detection nothing fixes; LOG_ONLY tells nobody', () => {
  it('a root console login without MFA (HIGH, no playbook) → ALERT → "Alert Person": one e-mail, the item ends ALERTED', async () => {
    // Prepare
    world = await startWorld();
    // Act
    const { triage, remediation } = await world.workflows.runTriage(rootLoginEvent());
    // Assess (the error, if any, is shown with the status)
    expect({ status: triage.status, error: triage.error }).toEqual({ status: 'SUCCEEDED', error: undefined });
    expect(triage.states.map((s) => s.name)).toEqual([
      'Ingest',
      'Score',
      'Decide',
      'Route By Action',
      'Alert Person',
      'Record Alerted',
      'Publish Alert Finding',
      'Check Alert Delivery',
      'Alerted',
    ]);
    expect(remediation).toBeUndefined();
    const published = world.publishedInputs();
    expect(published).toHaveLength(1);
    const [alert] = published;
    expect(alert?.Subject).toMatch(
      /^\[AISAWS HIGH\] Root user signed in to the console.* — alert, nothing was changed$/,
    );
    expect(alert?.MessageAttributes).toMatchObject({
      severity: { DataType: 'String', StringValue: 'HIGH' },
      action: { DataType: 'String', StringValue: 'ALERT' },
      outcome: { DataType: 'String', StringValue: 'alerted' },
      detection: { DataType: 'String', StringValue: 'identity.root-console-login' },
    });
    expect(alert?.Message).toContain('No AISAWS playbook fixes this detection');
    expect(alert?.Message).toContain('enable MFA on root');
    expect(triage.output).toMatchObject({
      eventId: ROOT_LOGIN_ID,
      alert: { eventId: ROOT_LOGIN_ID, kind: 'alert', messageId: 'message-1', subject: alert?.Subject },
    });
    const item = await world.eventsItem(ROOT_LOGIN_ID);
    expect(item?.status).toBe('ALERTED');
    expect(item?.decision).toMatchObject({
      action: 'ALERT',
      level: 'HIGH',
      detectionId: 'identity.root-console-login',
      playbook: null,
      reason: expect.stringMatching(/^alert: no automatic fix exists for identity\.root-console-login/),
    });
    expect(item?.alert).toEqual({ kind: 'alert', messageId: 'message-1', subject: alert?.Subject });
    expect(item?.timeline).toHaveProperty('alerted');
  });

  it('a redelivered ALERT keeps the first record: the item stays ALERTED with the first alert, triage ends "Already Recorded"', async () => {
    // Prepare
    world = await startWorld();
    await world.workflows.runTriage(rootLoginEvent());
    // Act
    const { triage } = await world.workflows.runTriage(rootLoginEvent());
    // Assess: the decision is the recorded one; the record is not overwritten. (In AWS the Alert Lambda's
    // idempotency, keyed on eventId and kind, also returns the first message instead of publishing again.)
    expect(triage.status).toBe('SUCCEEDED');
    expect(triage.states.map((s) => s.name).slice(-3)).toEqual([
      'Alert Person',
      'Record Alerted',
      'Already Recorded',
    ]);
    const item = await world.eventsItem(ROOT_LOGIN_ID);
    expect(item?.status).toBe('ALERTED');
    expect(item?.alert).toMatchObject({ messageId: 'message-1' });
  });

  it('a benign read (no detection, LOW) ends "Logged Only" with no e-mail', async () => {
    // Prepare
    world = await startWorld();
    const eventId = 'a1e47000-0000-4000-8000-000000000002';
    // Act
    const { triage } = await world.workflows.runTriage(
      eventBridgeEvent(benignDescribeInstances({ eventID: eventId })),
    );
    // Assess
    expect(triage.status).toBe('SUCCEEDED');
    expect(triage.states.map((s) => s.name).slice(-2)).toEqual(['Route By Action', 'Logged Only']);
    expect(world.publishedInputs()).toEqual([]);
    expect((await world.eventsItem(eventId))?.decision).toMatchObject({ action: 'LOG_ONLY', level: 'LOW' });
  });

  it('the same root login scored LOW (policy thresholds raised) is LOG_ONLY: nobody is told', async () => {
    // Prepare
    world = await startWorld({ policy: { thresholds: { medium: 0.995, high: 0.999 } } });
    // Act
    const { triage } = await world.workflows.runTriage(rootLoginEvent());
    // Assess
    expect(triage.states.map((s) => s.name).slice(-2)).toEqual(['Route By Action', 'Logged Only']);
    expect(world.publishedInputs()).toEqual([]);
    const item = await world.eventsItem(ROOT_LOGIN_ID);
    expect(item?.detections).toEqual([expect.objectContaining({ id: 'identity.root-console-login' })]);
    expect(item?.decision).toMatchObject({ action: 'LOG_ONLY', level: 'LOW' });
  });

  it('a redelivery whose Alert meets the first one still sending (IdempotencyAlreadyInProgressError) is retried and gets its result', async () => {
    // Prepare: the deployed Alert handler's idempotency layer refuses a concurrent invocation with the same key,
    // then answers with the stored result of the first one (what the load rig saw: two deliveries of one ALERT event).
    let attempts = 0;
    world = await startWorld({
      tasks: {
        alert: async (request) => {
          attempts += 1;
          if (attempts === 1)
            throw lambdaError(
              'IdempotencyAlreadyInProgressError',
              'There is already an execution in progress with idempotency key: #x',
            );
          const { event } = request as { event: { eventId: string } };
          return {
            schemaVersion: 1,
            eventId: event.eventId,
            kind: 'alert',
            messageId: 'msg-of-the-first-delivery',
            subject: '[AISAWS HIGH] Root user signed in — alert, nothing was changed',
            delivery: 'published',
          };
        },
      },
    });
    // Act
    const { triage } = await world.workflows.runTriage(rootLoginEvent());
    // Assess
    expect({ status: triage.status, error: triage.error }).toEqual({ status: 'SUCCEEDED', error: undefined });
    expect(attempts).toBe(2);
    expect(triage.states.map((s) => s.name).slice(-3)).toEqual([
      'Publish Alert Finding',
      'Check Alert Delivery',
      'Alerted',
    ]);
    expect(world.workflows.quarantined).toEqual([]);
    expect(await world.eventsItem(ROOT_LOGIN_ID)).toMatchObject({
      status: 'ALERTED',
      alert: { messageId: 'msg-of-the-first-delivery' },
    });
  });

  it('an Alert Lambda that keeps failing is retried, then the input goes to the quarantine queue (not lost)', async () => {
    // Prepare
    let attempts = 0;
    world = await startWorld({
      tasks: {
        alert: async () => {
          attempts += 1;
          throw lambdaError('Lambda.TooManyRequestsException', 'Rate exceeded');
        },
      },
    });
    const event = rootLoginEvent();
    // Act
    const { triage } = await world.workflows.runTriage(event);
    // Assess
    expect(triage.status).toBe('FAILED');
    expect(triage.error?.error).toBe('Lambda.TooManyRequestsException');
    expect(triage.states.map((s) => s.name).slice(-4)).toEqual([
      'Alert Person',
      'Quarantine Which Input',
      'Quarantine Redacted Event',
      'Triage Failed',
    ]);
    expect(attempts).toBe(4);
    expect(world.workflows.quarantined).toEqual([
      expect.objectContaining({
        body: expect.objectContaining({
          reason: 'triage-failed',
          error: 'Lambda.TooManyRequestsException',
          eventId: ROOT_LOGIN_ID,
          input: expect.objectContaining({
            source: event.source,
            'detail-type': event['detail-type'],
            account: event.account,
            detail: expect.objectContaining({ eventID: ROOT_LOGIN_ID, eventName: event.detail.eventName }),
          }),
        }),
      }),
    ]);
    expect((await world.eventsItem(ROOT_LOGIN_ID))?.status).toBe('DECIDED');
  });
});
