import { bucketAnonymousAccessGranted, instanceCryptoMining } from '@aisaws/testing/fixtures';
import { publicBucketEventBridgeEvent } from '@aisaws/testing/workflow';
import { PutBucketAclCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { startWorld, type World } from './world.js';

// Real emulators and real handlers on a shared 2-core machine: generous per-test time.
jest.setTimeout(90_000);

let world: World | undefined;

afterEach(async () => {
  await world?.stop();
  world = undefined;
});

const CLOUDTRAIL_ID = 'f1d1e000-0000-4000-8000-000000000001';
const FINDING_ID = 'f1d1e0000000000000000000000000a1';
const FINDING_EVENT_ID = `finding:${FINDING_ID}@2026-03-01T12:05:00.000Z`;

/** The CloudTrail call that made demo-bucket public (eventTime 2026-03-01T11:58:00Z). */
const cloudTrailEvent = () => publicBucketEventBridgeEvent({ eventId: CLOUDTRAIL_ID, bucket: 'demo-bucket' });
/** GuardDuty's finding about the same change, seven minutes later. */
const findingEvent = () =>
  bucketAnonymousAccessGranted('demo-bucket', {
    id: FINDING_ID,
    updatedAt: '2026-03-01T12:05:00.000Z',
    account: '111122223333',
    region: 'eu-west-1',
  });

describe('triage of findings on the real ASL files: one idempotency, one fix per change', () => {
  it('the CloudTrail call, then the GuardDuty finding about it → exactly one fix; the finding is logged as handled', async () => {
    // Prepare
    world = await startWorld();
    // Act
    const fromCloudTrail = await world.workflows.runTriage(cloudTrailEvent());
    const firstFix = await fromCloudTrail.remediation;
    const fromFinding = await world.workflows.runTriage(findingEvent());
    // Assess
    expect(firstFix?.status).toBe('SUCCEEDED');
    expect({ status: fromFinding.triage.status, error: fromFinding.triage.error }).toEqual({
      status: 'SUCCEEDED',
      error: undefined,
    });
    expect(fromFinding.triage.states.map((s) => s.name)).toEqual([
      'Ingest',
      'Score',
      'Decide',
      'Route By Action',
      'Logged Only',
    ]);
    expect(fromFinding.remediation).toBeUndefined();
    expect(world.memberS3.commandCalls(PutBucketAclCommand)).toHaveLength(1);
    const item = await world.eventsItem(FINDING_EVENT_ID);
    expect(item?.decision).toMatchObject({
      action: 'LOG_ONLY',
      detectionId: 'finding.s3-bucket-public',
      playbook: 's3.make-bucket-private',
    });
    expect((item?.decision as { reason?: string } | undefined)?.reason).toMatch(
      new RegExp(
        `^logged only: s3\\.make-bucket-private on AWS::S3::Bucket demo-bucket is already handled by event ${CLOUDTRAIL_ID}`,
      ),
    );
    expect((await world.eventsItem(CLOUDTRAIL_ID))?.status).toBe('VERIFIED');
  });

  it('the GuardDuty finding first, then the CloudTrail call behind it → exactly one fix, by the finding', async () => {
    // Prepare
    world = await startWorld();
    // Act
    const fromFinding = await world.workflows.runTriage(findingEvent());
    const findingFix = await fromFinding.remediation;
    const fromCloudTrail = await world.workflows.runTriage(cloudTrailEvent());
    // Assess
    expect(fromFinding.triage.states.map((s) => s.name)).toContain('Start Remediation');
    expect(findingFix?.status).toBe('SUCCEEDED');
    expect(findingFix?.states.map((s) => s.name)).toContain('Record Verified');
    expect(fromCloudTrail.triage.states.map((s) => s.name).slice(-2)).toEqual([
      'Route By Action',
      'Logged Only',
    ]);
    expect(fromCloudTrail.remediation).toBeUndefined();
    expect(world.memberS3.commandCalls(PutBucketAclCommand)).toHaveLength(1);
    expect(world.bucket.grants.map((grant) => grant.Grantee.Type)).toEqual(['CanonicalUser']);
    expect((await world.eventsItem(FINDING_EVENT_ID))?.status).toBe('VERIFIED');
    expect((await world.eventsItem(CLOUDTRAIL_ID))?.decision).toMatchObject({ action: 'LOG_ONLY' });
  });

  it('a redelivered finding is one event: one item, one remediation execution', async () => {
    // Prepare
    world = await startWorld();
    // Act
    const first = await world.workflows.runTriage(findingEvent());
    await first.remediation;
    const again = await world.workflows.runTriage(findingEvent());
    // Assess
    expect(again.triage.status).toBe('SUCCEEDED');
    expect(again.remediation).toBeUndefined();
    expect(world.memberS3.commandCalls(PutBucketAclCommand)).toHaveLength(1);
  });

  it('a sample finding is recorded and nothing is acted on or alerted', async () => {
    // Prepare
    world = await startWorld();
    const sample = instanceCryptoMining('i-0abcd1234ef567890', ['sg-0a1b2c3d'], {
      id: 'f1d1e0000000000000000000000000b2',
      sample: true,
    });
    // Act
    const { triage, remediation } = await world.workflows.runTriage(sample);
    // Assess
    expect(triage.states.map((s) => s.name).slice(-2)).toEqual(['Route By Action', 'Logged Only']);
    expect(remediation).toBeUndefined();
    expect(world.publishedInputs()).toEqual([]);
    const item = await world.eventsItem(`finding:f1d1e0000000000000000000000000b2@2026-11-24T10:20:00.000Z`);
    expect((item?.decision as { reason?: string } | undefined)?.reason).toMatch(
      /the finding is a sample finding/,
    );
  });

  it('a finding whose scoring fails after Ingest is quarantined as delivered (a finding carries no credentials), ready to replay', async () => {
    // Prepare
    world = await startWorld({
      tasks: {
        scoring: async () => {
          throw Object.assign(new Error('model artefact unreadable'), { name: 'ModelLoadError' });
        },
      },
    });
    const event = findingEvent();
    // Act
    const { triage } = await world.workflows.runTriage(event);
    // Assess
    expect(triage.status).toBe('FAILED');
    expect(triage.states.map((s) => s.name).slice(-3)).toEqual([
      'Quarantine Which Input',
      'Quarantine Delivered Input',
      'Triage Failed',
    ]);
    expect(world.workflows.quarantined.map((message) => message.body)).toEqual([
      expect.objectContaining({ reason: 'triage-failed', error: 'ModelLoadError', input: event }),
    ]);
  });

  it('a hostile finding (no resource) is quarantined by Ingest: the triage fails "Input Quarantined"', async () => {
    // Prepare
    world = await startWorld();
    const hostile = instanceCryptoMining('i-0abcd1234ef567890', [], {
      id: 'f1d1e0000000000000000000000000c3',
    });
    delete (hostile.detail as Record<string, unknown>).resource;
    // Act
    const { triage, remediation } = await world.workflows.runTriage(hostile);
    // Assess
    expect(triage.status).toBe('FAILED');
    expect(triage.states.map((s) => s.name)).toEqual(['Ingest', 'Input Quarantined']);
    expect(remediation).toBeUndefined();
    expect(await world.s3rver.listKeys(world.archiveBucket, 'quarantine/')).toHaveLength(1);
  });
});
