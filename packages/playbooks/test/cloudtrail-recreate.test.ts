import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalog } from '@aisaws/core/detections';
import { CloudTrailRecordSchema, type ResourceRef } from '@aisaws/core/schemas';
import {
  CloudTrailClient,
  CreateTrailCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  LookupEventsCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ForwardOnlyError, getPlaybookImplementation } from '../src/index.js';
import { createPlaybookHarness, declared, ref, writesAmong } from './helpers/harness.js';

const cloudtrail = mockClient(CloudTrailClient);

/** The Invictus IR run (real CloudTrail S3 log files, shared/datasets, read in place): Stratus creates and deletes trails. */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const INVICTUS = join(
  resolve(process.env.AISAWS_DATASETS ?? join(repoRoot, '..', 'shared', 'datasets')),
  'cloudtrail',
  'invictus-ir-aws-dataset',
);
/** Every record of the run (55 files, about 2,900 records), by eventID. */
function invictusById(): Map<string, Record<string, unknown>> {
  const byId = new Map<string, Record<string, unknown>>();
  // The folder also holds labels and a manifest: only CloudTrail log files ({"Records": […]}) are read.
  for (const file of readdirSync(INVICTUS).filter((name) => name.endsWith('.json'))) {
    const parsed = JSON.parse(readFileSync(join(INVICTUS, file), 'utf8')) as { Records?: unknown };
    if (!Array.isArray(parsed.Records)) continue;
    for (const record of parsed.Records as Record<string, unknown>[])
      byId.set(String(record.eventID), record);
  }
  return byId;
}
function realRecords(...eventIds: string[]): Record<string, unknown>[] {
  const byId = invictusById();
  return eventIds.map((eventId) => {
    const found = byId.get(eventId);
    if (!found) throw new Error(`record ${eventId} not in the Invictus dataset`);
    return found;
  });
}

/** What LookupEvents returns for a record: the record itself as a JSON string. */
const historyEntry = (record: Record<string, unknown>) => ({
  EventId: String(record.eventID),
  EventName: String(record.eventName),
  CloudTrailEvent: JSON.stringify(record),
});
/** LookupEvents answers by EventName, newest first, as CloudTrail does. */
function serveHistory(records: readonly Record<string, unknown>[]): void {
  cloudtrail
    .on(LookupEventsCommand)
    .callsFake((input: { LookupAttributes?: { AttributeValue?: string }[] }) => {
      const name = input.LookupAttributes?.[0]?.AttributeValue;
      const events = records
        .filter((record) => record.eventName === name)
        .sort((a, b) => String(b.eventTime).localeCompare(String(a.eventTime)))
        .map(historyEntry);
      return Promise.resolve({ Events: events });
    });
}
const trailNotFound = () => Object.assign(new Error('Unknown trail'), { name: 'TrailNotFoundException' });

describe('Playbook: cloudtrail.recreate-trail', () => {
  const playbook = getPlaybookImplementation('cloudtrail.recreate-trail');
  const harness = createPlaybookHarness();
  const trail = ref('AWS::CloudTrail::Trail', 'audit', { trailName: 'audit', homeRegion: 'eu-west-1' });
  const created = {
    eventID: 'create-1',
    eventName: 'CreateTrail',
    eventTime: '2026-01-01T10:00:00Z',
    requestParameters: {
      name: 'audit',
      s3BucketName: 'org-audit-logs',
      s3KeyPrefix: 'ct',
      isMultiRegionTrail: false,
      enableLogFileValidation: true,
      kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/k1',
      cloudWatchLogsLogGroupArn: 'arn:aws:logs:eu-west-1:111122223333:log-group:ct:*',
      cloudWatchLogsRoleArn: 'arn:aws:iam::111122223333:role/ct-to-logs',
    },
  };
  beforeEach(() => {
    cloudtrail.reset();
    harness.reset();
  });

  // Without the datasets beside this clone there is nothing real to replay: skipped, and counted so (the tests below
  // still run).
  (existsSync(INVICTUS) ? describe : describe.skip)(
    'on the real Invictus records (Stratus cloudtrail-delete and cloudtrail-event-selectors)',
    () => {
      it('DeleteTrail of stratus-red-team-ctlr-trail-…: re-created from its real CreateTrail, then logging', async () => {
        // Prepare: the real CreateTrail (12:05) and DeleteTrail (12:15) of the same trail.
        const [createTrail, deleteTrail] = realRecords(
          '3a1acb39-c13b-4e73-a0e3-dcd8ce5c1a3a',
          'c0057a42-1625-4b1d-9db5-352f931f790a',
        );
        const hit = catalog
          .detect(CloudTrailRecordSchema.parse(deleteTrail))
          .find((candidate) => candidate.id === 'cloudtrail.trail-deleted');
        expect(hit).toMatchObject({ playbook: 'cloudtrail.recreate-trail', actionable: true });
        serveHistory([createTrail as Record<string, unknown>]);
        cloudtrail.on(GetTrailCommand).rejects(trailNotFound());
        cloudtrail.on(CreateTrailCommand).resolves({
          TrailARN: 'arn:aws:cloudtrail:us-east-1:218007301253:trail/stratus-red-team-ctlr-trail-zqfsvooxqj',
        });
        // Act
        const resource = hit?.resource as ResourceRef;
        const snapshot = await playbook.snapshot(resource, harness.context());
        const applied = await playbook.apply(resource, snapshot, harness.context());
        // Assess
        expect(snapshot).toMatchObject({ exists: false, basedOn: ['3a1acb39-c13b-4e73-a0e3-dcd8ce5c1a3a'] });
        expect(cloudtrail.commandCalls(CreateTrailCommand).map((call) => call.args[0].input)).toEqual([
          {
            Name: 'stratus-red-team-ctlr-trail-zqfsvooxqj',
            S3BucketName: 'stratus-red-team-ctlr-bucket-zqfsvooxqj',
            IncludeGlobalServiceEvents: true,
            TagsList: [{ Key: 'StratusRedTeam', Value: 'true' }],
          },
        ]);
        expect(harness.sent().every((entry) => entry.region === 'us-east-1')).toBe(true);
        expect(cloudtrail).toHaveReceivedCommandWith(StartLoggingCommand, {
          Name: 'arn:aws:cloudtrail:us-east-1:218007301253:trail/stratus-red-team-ctlr-trail-zqfsvooxqj',
        });
        expect(applied.status).toBe('applied');
      });

      it('DeleteTrail after the selectors were narrowed (ReadOnly, no management events): management events come back', async () => {
        // Prepare: the real CreateTrail, the attacker's PutEventSelectors and the real DeleteTrail of that trail.
        const [createTrail, narrowed, deleteTrail] = realRecords(
          'ad384a22-c03e-4f3c-8520-86a31e79378d',
          '076e96d5-2983-473f-920a-2fc2d7e02777',
          'fcec2e46-3cc3-4ac2-8144-3674f06990e4',
        );
        const hit = catalog
          .detect(CloudTrailRecordSchema.parse(deleteTrail))
          .find((candidate) => candidate.id === 'cloudtrail.trail-deleted');
        serveHistory([createTrail, narrowed] as Record<string, unknown>[]);
        cloudtrail.on(GetTrailCommand).rejects(trailNotFound());
        cloudtrail.on(CreateTrailCommand).resolves({ TrailARN: 'arn:ctes' });
        // Act
        const resource = hit?.resource as ResourceRef;
        const snapshot = await playbook.snapshot(resource, harness.context());
        await playbook.apply(resource, snapshot, harness.context());
        // Assess
        expect(cloudtrail.commandCalls(PutEventSelectorsCommand).map((call) => call.args[0].input)).toEqual([
          {
            TrailName: 'arn:ctes',
            EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }],
          },
        ]);
      });
    },
  );

  it('rebuilds the newest CreateTrail with the later UpdateTrail applied; CloudWatch Logs is reported, not restored', async () => {
    // Prepare
    serveHistory([
      created,
      {
        eventID: 'update-1',
        eventName: 'UpdateTrail',
        eventTime: '2026-01-02T10:00:00Z',
        requestParameters: {
          name: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/audit',
          isMultiRegionTrail: true,
        },
      },
      {
        eventID: 'update-old',
        eventName: 'UpdateTrail',
        eventTime: '2025-12-01T10:00:00Z',
        requestParameters: { name: 'audit', s3BucketName: 'ancient-bucket' },
      },
      {
        eventID: 'update-failed',
        eventName: 'UpdateTrail',
        eventTime: '2026-01-03T10:00:00Z',
        errorCode: 'AccessDenied',
        requestParameters: { name: 'audit', s3BucketName: 'attacker-bucket' },
      },
      {
        eventID: 'selectors',
        eventName: 'PutEventSelectors',
        eventTime: '2026-01-04T10:00:00Z',
        requestParameters: {
          trailName: 'audit',
          eventSelectors: [
            {
              readWriteType: 'WriteOnly',
              includeManagementEvents: true,
              dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3:::payroll/'] }],
            },
          ],
        },
      },
      {
        eventID: 'other',
        eventName: 'CreateTrail',
        eventTime: '2026-01-05T10:00:00Z',
        requestParameters: { name: 'other', s3BucketName: 'x' },
      },
    ]);
    cloudtrail.on(GetTrailCommand).rejects(trailNotFound());
    cloudtrail
      .on(CreateTrailCommand)
      .resolves({ TrailARN: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/audit' });
    // Act
    const snapshot = await playbook.snapshot(trail, harness.context());
    const applied = await playbook.apply(trail, snapshot, harness.context());
    // Assess
    expect(snapshot).toMatchObject({
      basedOn: ['create-1', 'update-1', 'selectors'],
      dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3:::payroll/'] }],
    });
    expect(cloudtrail).toHaveReceivedCommandWith(CreateTrailCommand, {
      Name: 'audit',
      S3BucketName: 'org-audit-logs',
      S3KeyPrefix: 'ct',
      IsMultiRegionTrail: true,
      EnableLogFileValidation: true,
      KmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/k1',
    });
    expect(cloudtrail.commandCalls(CreateTrailCommand)[0]?.args[0].input).not.toHaveProperty(
      'CloudWatchLogsRoleArn',
    );
    expect(cloudtrail).toHaveReceivedCommandWith(PutEventSelectorsCommand, {
      EventSelectors: [
        {
          ReadWriteType: 'All',
          IncludeManagementEvents: true,
          DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::payroll/'] }],
        },
      ],
    });
    expect(applied.changes.at(-1)).toMatch(/^not restored: CloudWatch Logs delivery to .*iam:PassRole/);
  });

  it('is idempotent: a trail that exists again gets no write', async () => {
    // Prepare
    cloudtrail.on(GetTrailCommand).resolves({ Trail: { Name: 'audit', HomeRegion: 'eu-west-1' } });
    serveHistory([created]);
    // Act
    const snapshot = await playbook.snapshot(trail, harness.context());
    const applied = await playbook.apply(trail, snapshot, harness.context());
    // Assess
    expect(snapshot.exists).toBe(true);
    expect(applied).toEqual({ status: 'already-compliant', changes: [] });
    expect(writesAmong(harness.sent()).filter((name) => name !== 'LookupEventsCommand')).toEqual([]);
  });

  it('refuses with the reason when the history has no CreateTrail, or the trail was an organization trail', async () => {
    // Prepare
    serveHistory([]);
    cloudtrail.on(GetTrailCommand).rejects(trailNotFound());
    // Act
    const snapshot = await playbook.snapshot(trail, harness.context());
    const noHistory = await playbook.apply(trail, snapshot, harness.context()).catch((e) => e);
    const organization = await playbook
      .apply(
        trail,
        { ...snapshot, configuration: { s3BucketName: 'org-logs', isOrganizationTrail: true } },
        harness.context(),
      )
      .catch((e) => e);
    // Assess
    expect(snapshot.configuration).toBeNull();
    expect(noHistory).toMatchObject({ name: 'TrailNotRecreatableError' });
    expect(noHistory.message).toContain('no CreateTrail of this name in the 90-day event history');
    expect(organization.message).toContain('organization trail');
    expect(cloudtrail).not.toHaveReceivedCommand(CreateTrailCommand);
  });

  it('verifies by reading the trail and its status back', async () => {
    // Prepare
    cloudtrail
      .on(GetTrailCommand)
      .resolvesOnce({ Trail: { Name: 'audit' } })
      .resolvesOnce({ Trail: { Name: 'audit' } })
      .rejects(trailNotFound());
    cloudtrail.on(GetTrailStatusCommand).resolvesOnce({ IsLogging: true }).resolves({ IsLogging: false });
    // Act
    const logging = await playbook.verify(trail, harness.context());
    const stopped = await playbook.verify(trail, harness.context());
    const gone = await playbook.verify(trail, harness.context());
    // Assess
    expect(logging).toEqual({
      converged: true,
      observed: { name: 'audit', region: 'eu-west-1', exists: true, isLogging: true },
      details: 'Trail audit exists again and is logging.',
    });
    expect(stopped).toMatchObject({ converged: false, details: 'Trail audit exists but is not logging.' });
    expect(gone).toMatchObject({ converged: false, details: 'Trail audit does not exist in eu-west-1.' });
  });

  it('is forward-only', async () => {
    await expect(
      playbook.rollback(
        trail,
        {
          name: 'audit',
          region: 'eu-west-1',
          exists: false,
          configuration: null,
          dataResources: [],
          notRestored: [],
          basedOn: [],
        },
        harness.context(),
      ),
    ).rejects.toThrow(ForwardOnlyError);
  });

  it('sends exactly the IAM actions it declares across these tests', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});
