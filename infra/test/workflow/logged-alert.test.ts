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

describe('triage alerts a person about a detection nothing fixes (LOG_ONLY at MEDIUM/HIGH)', () => {
  it('a root console login without MFA (HIGH, no playbook) → "Alert Logged Detection": one e-mail, the item stays DECIDED', async () => {
    // Prepare
    world = await startWorld();
    // Act
    const { triage, remediation } = await world.workflows.runTriage(rootLoginEvent());
    // Assess
    expect(triage.status).toBe('SUCCEEDED');
    expect(triage.states.map((s) => s.name)).toEqual([
      'Ingest',
      'Score',
      'Decide',
      'Route By Action',
      'Alert Logged Detection',
      'Logged And Alerted',
    ]);
    expect(remediation).toBeUndefined();
    const published = world.publishedInputs();
    expect(published).toHaveLength(1);
    const [alert] = published;
    expect(alert?.Subject).toMatch(
      /^\[AISAWS HIGH\] Root user signed in to the console.* — logged, no automatic fix$/,
    );
    expect(alert?.MessageAttributes).toMatchObject({
      severity: { DataType: 'String', StringValue: 'HIGH' },
      action: { DataType: 'String', StringValue: 'LOG_ONLY' },
      outcome: { DataType: 'String', StringValue: 'logged' },
      detection: { DataType: 'String', StringValue: 'identity.root-console-login' },
    });
    expect(alert?.Message).toContain('No AISAWS playbook fixes this detection');
    expect(alert?.Message).toContain('enable MFA on root');
    expect(triage.output).toMatchObject({
      eventId: ROOT_LOGIN_ID,
      alert: { eventId: ROOT_LOGIN_ID, kind: 'logged', messageId: 'message-1', subject: alert?.Subject },
    });
    const item = await world.eventsItem(ROOT_LOGIN_ID);
    expect(item?.status).toBe('DECIDED');
    expect(item?.decision).toMatchObject({ action: 'LOG_ONLY', level: 'HIGH', playbook: null });
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

  it('the same root login scored LOW (policy thresholds raised) is only logged: the level gates the alert', async () => {
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
    expect(triage.states.map((s) => s.name).slice(-3)).toEqual([
      'Alert Logged Detection',
      'Quarantine Input',
      'Triage Failed',
    ]);
    expect(attempts).toBe(4);
    expect(world.workflows.quarantined).toEqual([
      expect.objectContaining({
        body: expect.objectContaining({
          reason: 'triage-failed',
          error: 'Lambda.TooManyRequestsException',
          input: event,
        }),
      }),
    ]);
    expect((await world.eventsItem(ROOT_LOGIN_ID))?.status).toBe('DECIDED');
  });
});
