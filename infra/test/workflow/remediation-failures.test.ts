import { REDACTED } from '@aisaws/core/events';
import { CloudTrailEventBridgeEventSchema } from '@aisaws/core/schemas';
import { publicBucketEventBridgeEvent, type StateVisit } from '@aisaws/testing/workflow';
import { PutBucketAclCommand } from '@aws-sdk/client-s3';
import { describe, expect, it, jest } from '@jest/globals';
import { eventIdSequence, s3Error, s3Throttling, startWorldPerTest, type World } from './world.js';

// Real emulators and real handlers on a shared 2-core machine: generous per-test time.
jest.setTimeout(60_000);

const startTestWorld = startWorldPerTest();
const freshEventId = eventIdSequence('5b2e7f00');
let world: World | undefined;

function freshEvent() {
  const eventId = freshEventId();
  return { eventId, event: publicBucketEventBridgeEvent({ eventId }) };
}

const visit = (states: readonly StateVisit[] | undefined, name: string) =>
  states?.find((s) => s.name === name);

describe('failure paths on the real ASL files (S3 control plane by aws-sdk-client-mock, tables in dynalite)', () => {
  it('a throttled SDK call (aws-sdk-client-mock: S3 SlowDown once) is retried by the workflow, then succeeds', async () => {
    // Prepare
    world = await startTestWorld();
    world.failNext('PutBucketAcl', s3Throttling(), 1);
    const { eventId, event } = freshEvent();
    // Act
    const result = await (await world.workflows.runTriage(event)).remediation;
    // Assess
    expect(result?.status).toBe('SUCCEEDED');
    expect(visit(result?.states, 'Remediate')).toMatchObject({
      status: 'succeeded',
      failures: [{ error: 'AwsThrottledError' }],
    });
    expect(world.memberS3.commandCalls(PutBucketAclCommand)).toHaveLength(2);
    expect((await world.eventsItem(eventId))?.status).toBe('VERIFIED');
  });

  it('an SDK call that keeps failing (aws-sdk-client-mock: S3 SlowDown every time) → retries exhausted → failure alert + Record FAILED', async () => {
    // Prepare
    world = await startTestWorld();
    world.failNext('PutBucketAcl', s3Throttling(), 100);
    const { eventId, event } = freshEvent();
    // Act
    const result = await (await world.workflows.runTriage(event)).remediation;
    // Assess
    expect(result?.status).toBe('FAILED');
    expect(result?.error?.error).toBe('AwsThrottledError');
    expect(result?.states.map((s) => s.name).slice(-5)).toEqual([
      'Remediate',
      'Alert Failure',
      'Record Failed',
      'Publish Failed Finding',
      'Remediation Failed',
    ]);
    expect(visit(result?.states, 'Remediate')?.failures).toHaveLength(5);
    expect(world.memberS3.commandCalls(PutBucketAclCommand)).toHaveLength(5);
    const [alert] = world.publishedInputs();
    expect(alert?.Subject).toBe(
      '[AISAWS HIGH] S3 bucket or object made public by its ACL: demo-bucket — fix FAILED',
    );
    expect(alert?.MessageAttributes?.outcome).toEqual({ DataType: 'String', StringValue: 'failed' });
    expect(alert?.Message).toContain(
      'Error: AwsThrottledError: s3.make-bucket-private apply: throttled (SlowDown',
    );
    const item = await world.eventsItem(eventId);
    expect(item?.status).toBe('FAILED');
    expect(item?.failure).toMatchObject({ error: 'AwsThrottledError' });
    expect(item?.timeline).toHaveProperty('failed');
  });

  it('an access-denied SDK call (aws-sdk-client-mock) is not retried: failure alert + Record FAILED at once', async () => {
    world = await startTestWorld();
    world.failNext(
      'PutBucketAcl',
      s3Error('AccessDenied', 'not authorized to perform s3:PutBucketAcl', 403),
      1,
    );
    const { eventId, event } = freshEvent();
    const result = await (await world.workflows.runTriage(event)).remediation;
    expect(result?.status).toBe('FAILED');
    expect(visit(result?.states, 'Remediate')?.failures).toEqual([
      { error: 'AccessDenied', cause: 'not authorized to perform s3:PutBucketAcl' },
    ]);
    expect((await world.eventsItem(eventId))?.failure).toEqual({
      error: 'AccessDenied',
      cause: 'not authorized to perform s3:PutBucketAcl',
    });
  });

  it('a fix that never reads back compliant → Verify retried (NotConvergedError) until the bound → FAILED + alert', async () => {
    // Prepare
    world = await startTestWorld();
    world.ignorePublicAccessBlockWrites();
    const { eventId, event } = freshEvent();
    // Act
    const result = await (await world.workflows.runTriage(event)).remediation;
    // Assess
    expect(result?.status).toBe('FAILED');
    expect(result?.error?.error).toBe('NotConvergedError');
    expect(visit(result?.states, 'Verify')?.failures).toHaveLength(9);
    expect(result?.states.map((s) => s.name).slice(-5)).toEqual([
      'Verify',
      'Alert Verification Failed',
      'Record Failed',
      'Publish Failed Finding',
      'Remediation Failed',
    ]);
    const [alert] = world.publishedInputs();
    expect(alert?.Subject).toContain('fix FAILED');
    expect(alert?.Message).toContain('Block Public Access is not fully on');
    expect(alert?.Message).toContain('PutPublicAccessBlock demo-bucket: all four settings true');
    expect((await world.eventsItem(eventId))?.status).toBe('FAILED');
  });

  it('a verification past its deadline fails at once with VerificationFailedError (no more retries)', async () => {
    world = await startTestWorld({ verificationDeadlineSeconds: 0 });
    world.ignorePublicAccessBlockWrites();
    const { eventId, event } = freshEvent();
    const result = await (await world.workflows.runTriage(event)).remediation;
    expect(result?.error?.error).toBe('VerificationFailedError');
    expect(visit(result?.states, 'Verify')?.failures).toHaveLength(1);
    expect((await world.eventsItem(eventId))?.failure).toMatchObject({ error: 'VerificationFailedError' });
  });

  it('malformed input → Ingest quarantines it in the archive bucket with its reason; the triage fails "Input Quarantined"', async () => {
    // Prepare
    world = await startTestWorld();
    const malformed = {
      version: '0',
      id: 'not-cloudtrail',
      'detail-type': 'Something Else',
      source: 'custom.app',
      detail: {},
    };
    // Act
    const { triage, remediation } = await world.workflows.runTriage(malformed);
    // Assess
    expect(remediation).toBeUndefined();
    expect(triage.status).toBe('FAILED');
    expect(triage.error?.error).toBe('InvalidEventError');
    expect(triage.states.map((s) => s.name)).toEqual(['Ingest', 'Input Quarantined']);
    const keys = await world.s3rver.listKeys(world.archiveBucket, 'quarantine/');
    expect(keys).toHaveLength(1);
    const quarantined = (await world.s3rver.readJson(world.archiveBucket, keys[0] ?? '')) as {
      reason: string;
      input: unknown;
    };
    expect(quarantined.input).toEqual(malformed);
    expect(quarantined.reason).toEqual(expect.any(String));
    expect(quarantined.reason.length).toBeGreaterThan(0);
  });

  it('any other stage failure (not retryable, or after its retries) → a replayable event without its credentials and the error go to the quarantine queue', async () => {
    // Prepare: the event carries a session token (as AssumeRole-style responses do)
    world = await startTestWorld({
      tasks: {
        scoring: async () => {
          throw Object.assign(new Error('model artefact unreadable'), { name: 'ModelLoadError' });
        },
      },
    });
    const { event, eventId } = freshEvent();
    const detail = event.detail as { responseElements?: unknown };
    detail.responseElements = {
      credentials: {
        accessKeyId: 'ASIAEXAMPLEQUARANTINE',
        sessionToken: 'quarantineSESSIONtokenEXAMPLEvalue',
      },
    };
    // Act
    const { triage } = await world.workflows.runTriage(event);
    // Assess
    expect(triage.status).toBe('FAILED');
    expect(triage.error).toEqual({ error: 'ModelLoadError', cause: 'model artefact unreadable' });
    expect(triage.states.map((s) => s.name)).toEqual([
      'Ingest',
      'Score',
      'Quarantine Which Input',
      'Quarantine Redacted Event',
      'Triage Failed',
    ]);
    expect(world.workflows.quarantined).toHaveLength(1);
    const body = world.workflows.quarantined[0]?.body as { input?: Record<string, unknown> };
    const { resources: _resources, detail: _detail, ...envelope } = event;
    expect(body).toMatchObject({
      reason: 'triage-failed',
      error: 'ModelLoadError',
      cause: 'model artefact unreadable',
      eventId,
      input: {
        ...envelope,
        detail: {
          eventID: eventId,
          eventName: event.detail.eventName,
          requestParameters: event.detail.requestParameters,
          responseElements: { credentials: { accessKeyId: 'ASIAEXAMPLEQUARANTINE', sessionToken: REDACTED } },
        },
      },
    });
    expect(JSON.stringify(body)).not.toContain('quarantineSESSIONtoken');
    // The rebuilt event is what the reconcile job replays: a valid CloudTrail EventBridge event again.
    expect(CloudTrailEventBridgeEventSchema.safeParse(body.input).success).toBe(true);
  });
});
