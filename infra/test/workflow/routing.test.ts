import { publicBucketEventBridgeEvent } from '@aisaws/testing/workflow';
import { PutBucketAclCommand, PutPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { startWorld, type World } from './world.js';

// Real emulators and real handlers on a shared 2-core machine: generous per-test time.
jest.setTimeout(60_000);

let world: World | undefined;

afterEach(async () => {
  await world?.stop();
  world = undefined;
});

describe('routing on the real ASL files by the policy (real handlers, dynalite, s3rver)', () => {
  it('a HIGH detection in log mode → LOG_ONLY: no remediation, nobody is told', async () => {
    // Prepare
    world = await startWorld({ policy: { detections: { 's3.bucket-acl-public': { mode: 'log' } } } });
    const eventId = 'c0ffee00-0000-4000-8000-000000000001';
    // Act
    const { triage, remediation } = await world.workflows.runTriage(
      publicBucketEventBridgeEvent({ eventId }),
    );
    // Assess
    expect(triage.status).toBe('SUCCEEDED');
    expect(triage.states.map((s) => s.name)).toEqual([
      'Ingest',
      'Score',
      'Decide',
      'Route By Action',
      'Logged Only',
    ]);
    expect(remediation).toBeUndefined();
    expect(world.workflows.listExecutions().filter((e) => e.machine === 'remediation')).toEqual([]);
    expect(world.memberS3.commandCalls(PutBucketAclCommand)).toHaveLength(0);
    expect(world.publishedInputs()).toEqual([]);
    const item = await world.eventsItem(eventId);
    expect(item?.status).toBe('DECIDED');
    expect(item?.decision).toMatchObject({ action: 'LOG_ONLY', level: 'HIGH' });
  });

  it('a HIGH detection in alert mode → ALERT: no remediation, one e-mail saying the policy chose not to fix', async () => {
    // Prepare
    world = await startWorld({ policy: { detections: { 's3.bucket-acl-public': { mode: 'alert' } } } });
    const eventId = 'c0ffee00-0000-4000-8000-000000000011';
    // Act
    const { triage, remediation } = await world.workflows.runTriage(
      publicBucketEventBridgeEvent({ eventId }),
    );
    // Assess
    expect(triage.status).toBe('SUCCEEDED');
    expect(triage.states.map((s) => s.name).slice(-6)).toEqual([
      'Route By Action',
      'Alert Person',
      'Record Alerted',
      'Publish Alert Finding',
      'Check Alert Delivery',
      'Alerted',
    ]);
    expect(remediation).toBeUndefined();
    expect(world.memberS3.commandCalls(PutBucketAclCommand)).toHaveLength(0);
    const [alert, ...others] = world.publishedInputs();
    expect(others).toEqual([]);
    expect(alert?.Subject).toContain('— alert, nothing was changed');
    expect(alert?.Message).toContain('The policy sets detection s3.bucket-acl-public to alert');
    const item = await world.eventsItem(eventId);
    expect(item?.status).toBe('ALERTED');
    expect(item?.decision).toMatchObject({
      action: 'ALERT',
      level: 'HIGH',
      detectionId: 's3.bucket-acl-public',
    });
  });

  it('dry run → the fix is described in a "dry run" alert, not applied; the item ends REJECTED with reason DryRun', async () => {
    // Prepare
    world = await startWorld({ policy: { dryRun: true } });
    const eventId = 'c0ffee00-0000-4000-8000-000000000002';
    // Act
    const result = await (await world.workflows.runTriage(publicBucketEventBridgeEvent({ eventId })))
      .remediation;
    // Assess
    expect(result?.status).toBe('SUCCEEDED');
    expect(result?.states.map((s) => s.name).slice(-8)).toEqual([
      'Remediate',
      'Check Dry Run',
      'Alert Dry Run',
      'Dry Run Recorded As Not Applied',
      'Record Rejected',
      'Publish Rejected Finding',
      'Check Rejected Alert Delivery',
      'Rejected',
    ]);
    expect(world.memberS3.commandCalls(PutBucketAclCommand)).toHaveLength(0);
    expect(world.memberS3.commandCalls(PutPublicAccessBlockCommand)).toHaveLength(0);
    const [alert] = world.publishedInputs();
    expect(alert?.Subject).toContain('dry run, not fixed');
    expect(alert?.MessageAttributes?.outcome).toEqual({ DataType: 'String', StringValue: 'dry-run' });
    expect(alert?.Message).toContain('would apply s3.make-bucket-private to AWS::S3::Bucket demo-bucket');
    const item = await world.eventsItem(eventId);
    expect(item?.status).toBe('REJECTED');
    expect(item?.rejection).toMatchObject({ error: 'DryRun' });
  });
});
