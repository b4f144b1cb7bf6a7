import {
  CloudTrailClient,
  GetEventSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ForwardOnlyError, getPlaybookImplementation, InvalidTargetError } from '../src/index.js';
import { createPlaybookHarness, declared, ref, writesAmong } from './helpers/harness.js';

const TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail';
// The event came from eu-west-1 (a shadow of a multi-region trail); the home region is us-east-1.
const trail = ref('AWS::CloudTrail::Trail', 'org-trail', {
  trailName: 'org-trail',
  homeRegion: 'eu-west-1',
  homeRegionFromArn: false,
});
const GET_TRAIL = { Trail: { Name: 'org-trail', TrailARN: TRAIL_ARN, HomeRegion: 'us-east-1' } };

const cloudtrail = mockClient(CloudTrailClient);

describe('Playbook: cloudtrail.start-logging', () => {
  const playbook = getPlaybookImplementation('cloudtrail.start-logging');
  const harness = createPlaybookHarness();
  beforeEach(() => {
    cloudtrail.reset();
    harness.reset();
    cloudtrail.on(GetTrailCommand).resolves(GET_TRAIL);
  });

  it("snapshots the logging status and starts logging in the trail's home region", async () => {
    // Prepare
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    // Act
    const snapshot = await playbook.snapshot(trail, harness.context());
    harness.reset();
    const applied = await playbook.apply(trail, snapshot, harness.context());
    // Assess
    expect(snapshot).toEqual({ trail: TRAIL_ARN, homeRegion: 'us-east-1', isLogging: false });
    expect(applied).toEqual({ status: 'applied', changes: [`StartLogging ${TRAIL_ARN} in us-east-1`] });
    expect(cloudtrail.commandCalls(GetTrailCommand)[0]?.args[0].input).toEqual({ Name: 'org-trail' });
    expect(cloudtrail.commandCalls(StartLoggingCommand)[0]?.args[0].input).toEqual({ Name: TRAIL_ARN });
    expect(harness.sent().map((entry) => [entry.command, entry.region])).toEqual([
      ['GetTrailCommand', 'eu-west-1'],
      ['GetTrailStatusCommand', 'us-east-1'],
      ['StartLoggingCommand', 'us-east-1'],
    ]);
  });

  it('is idempotent: a trail that is logging gets no write', async () => {
    // Prepare
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    // Act
    const applied = await playbook.apply(
      trail,
      { trail: TRAIL_ARN, homeRegion: 'us-east-1', isLogging: true },
      harness.context(),
    );
    // Assess
    expect(applied).toEqual({ status: 'already-compliant', changes: [] });
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('verifies IsLogging from GetTrailStatus', async () => {
    // Prepare
    cloudtrail.on(GetTrailStatusCommand).resolvesOnce({ IsLogging: true }).resolves({ IsLogging: false });
    // Act
    const on = await playbook.verify(trail, harness.context());
    const off = await playbook.verify(trail, harness.context());
    // Assess
    expect(on).toEqual({
      converged: true,
      observed: { trail: TRAIL_ARN, homeRegion: 'us-east-1', isLogging: true },
      details: `Trail ${TRAIL_ARN} is logging.`,
    });
    expect(off.converged).toBe(false);
  });

  it('is forward-only: rollback refuses, sends nothing, and no role may stop the trail', async () => {
    // Act
    const error = await playbook
      .rollback(trail, { trail: TRAIL_ARN, homeRegion: 'us-east-1', isLogging: false }, harness.context())
      .catch((e) => e);
    // Assess
    expect(error).toBeInstanceOf(ForwardOnlyError);
    expect(String(error.message)).toContain('never switches monitoring off again');
    expect(harness.sent()).toEqual([]);
    expect(playbook.reversible).toBe(false);
    expect([...playbook.permissions, ...playbook.rollbackPermissions]).not.toContain(
      'cloudtrail:StopLogging',
    );
  });

  it('uses the ResourceRef ARN when the matcher had one', async () => {
    // Prepare
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    // Act
    await playbook.verify(
      ref('AWS::CloudTrail::Trail', 'org-trail', {}, { arn: TRAIL_ARN }),
      harness.context(),
    );
    // Assess
    expect(cloudtrail).toHaveReceivedCommandWith(GetTrailCommand, { Name: TRAIL_ARN });
  });

  it('rejects a target that is not a trail', async () => {
    const error = await playbook.snapshot(ref('AWS::S3::Bucket', 'b'), harness.context()).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidTargetError);
  });

  it('sends exactly the IAM actions it declares across these tests', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});

describe('Playbook: cloudtrail.restore-management-events', () => {
  const playbook = getPlaybookImplementation('cloudtrail.restore-management-events');
  const harness = createPlaybookHarness();
  beforeEach(() => {
    cloudtrail.reset();
    harness.reset();
    cloudtrail.on(GetTrailCommand).resolves(GET_TRAIL);
  });

  const DATA = [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::secrets/'] }];

  it('snapshots the selectors and turns management events back on, keeping the data resources', async () => {
    // Prepare
    cloudtrail.on(GetEventSelectorsCommand).resolves({
      TrailARN: TRAIL_ARN,
      EventSelectors: [
        {
          ReadWriteType: 'All',
          IncludeManagementEvents: false,
          DataResources: DATA,
          ExcludeManagementEventSources: [],
        },
      ],
    });
    // Act
    const snapshot = await playbook.snapshot(trail, harness.context());
    const applied = await playbook.apply(trail, snapshot, harness.context());
    // Assess
    expect(snapshot).toEqual({
      trail: TRAIL_ARN,
      homeRegion: 'us-east-1',
      selectors: {
        eventSelectors: [
          {
            ReadWriteType: 'All',
            IncludeManagementEvents: false,
            DataResources: DATA,
            ExcludeManagementEventSources: [],
          },
        ],
        advancedEventSelectors: [],
      },
    });
    expect(applied.status).toBe('applied');
    expect(cloudtrail.commandCalls(PutEventSelectorsCommand)[0]?.args[0].input).toEqual({
      TrailName: TRAIL_ARN,
      EventSelectors: [
        {
          ReadWriteType: 'All',
          IncludeManagementEvents: true,
          DataResources: DATA,
          ExcludeManagementEventSources: [],
        },
      ],
    });
  });

  it('adds an All selector when the only selector is read-only, leaving it as it is', async () => {
    // Prepare
    const readOnly = {
      ReadWriteType: 'ReadOnly' as const,
      IncludeManagementEvents: true,
      DataResources: DATA,
    };
    cloudtrail.on(GetEventSelectorsCommand).resolves({ EventSelectors: [readOnly] });
    // Act
    await playbook.apply(
      trail,
      {
        trail: TRAIL_ARN,
        homeRegion: 'us-east-1',
        selectors: { eventSelectors: [], advancedEventSelectors: [] },
      },
      harness.context(),
    );
    // Assess
    expect(cloudtrail.commandCalls(PutEventSelectorsCommand)[0]?.args[0].input).toEqual({
      TrailName: TRAIL_ARN,
      EventSelectors: [
        readOnly,
        {
          ReadWriteType: 'All',
          IncludeManagementEvents: true,
          ExcludeManagementEventSources: [],
          DataResources: [],
        },
      ],
    });
  });

  it('clears excluded management event sources (e.g. KMS or RDS Data API excluded)', async () => {
    // Prepare
    cloudtrail.on(GetEventSelectorsCommand).resolves({
      EventSelectors: [
        {
          ReadWriteType: 'All',
          IncludeManagementEvents: true,
          ExcludeManagementEventSources: ['kms.amazonaws.com'],
        },
      ],
    });
    // Act
    const applied = await playbook.apply(
      trail,
      {
        trail: TRAIL_ARN,
        homeRegion: 'us-east-1',
        selectors: { eventSelectors: [], advancedEventSelectors: [] },
      },
      harness.context(),
    );
    // Assess
    expect(applied.status).toBe('applied');
    expect(cloudtrail.commandCalls(PutEventSelectorsCommand)[0]?.args[0].input.EventSelectors).toEqual([
      { ReadWriteType: 'All', IncludeManagementEvents: true, ExcludeManagementEventSources: [] },
    ]);
  });

  it('with advanced selectors: keeps the data selectors and replaces a narrowed management selector', async () => {
    // Prepare
    const dataSelector = {
      Name: 'S3 data',
      FieldSelectors: [
        { Field: 'eventCategory', Equals: ['Data'] },
        { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
      ],
    };
    const readOnlyManagement = {
      Name: 'Management read only',
      FieldSelectors: [
        { Field: 'eventCategory', Equals: ['Management'] },
        { Field: 'readOnly', Equals: ['true'] },
      ],
    };
    cloudtrail
      .on(GetEventSelectorsCommand)
      .resolves({ AdvancedEventSelectors: [dataSelector, readOnlyManagement] });
    // Act
    await playbook.apply(
      trail,
      {
        trail: TRAIL_ARN,
        homeRegion: 'us-east-1',
        selectors: { eventSelectors: [], advancedEventSelectors: [] },
      },
      harness.context(),
    );
    // Assess
    expect(cloudtrail.commandCalls(PutEventSelectorsCommand)[0]?.args[0].input).toEqual({
      TrailName: TRAIL_ARN,
      AdvancedEventSelectors: [
        dataSelector,
        { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      ],
    });
  });

  it('is idempotent: selectors that record all management events get no write', async () => {
    // Prepare
    cloudtrail
      .on(GetEventSelectorsCommand)
      .resolvesOnce({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] })
      .resolves({
        AdvancedEventSelectors: [
          { Name: 'm', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
        ],
      });
    const state = {
      trail: TRAIL_ARN,
      homeRegion: 'us-east-1',
      selectors: { eventSelectors: [], advancedEventSelectors: [] },
    };
    // Act
    const classic = await playbook.apply(trail, state, harness.context());
    const advanced = await playbook.apply(trail, state, harness.context());
    // Assess
    expect(classic.status).toBe('already-compliant');
    expect(advanced.status).toBe('already-compliant');
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('verifies from the re-read selectors', async () => {
    // Prepare
    cloudtrail
      .on(GetEventSelectorsCommand)
      .resolvesOnce({
        EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [] }],
      })
      .resolves({ EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }] });
    // Act
    const good = await playbook.verify(trail, harness.context());
    const bad = await playbook.verify(trail, harness.context());
    // Assess
    expect(good.converged).toBe(true);
    expect(bad.converged).toBe(false);
    expect(bad.observed).toEqual({
      trail: TRAIL_ARN,
      eventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }],
      advancedEventSelectors: [],
    });
    expect(
      harness
        .sent()
        .filter((entry) => entry.command === 'GetEventSelectorsCommand')
        .map((entry) => entry.region),
    ).toEqual(['us-east-1', 'us-east-1']);
  });

  it('is forward-only: rollback refuses to narrow the recorded events again', async () => {
    // Act
    const error = await playbook
      .rollback(
        trail,
        {
          trail: TRAIL_ARN,
          homeRegion: 'us-east-1',
          selectors: {
            eventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: false }],
            advancedEventSelectors: [],
          },
        },
        harness.context(),
      )
      .catch((e) => e);
    // Assess
    expect(error).toBeInstanceOf(ForwardOnlyError);
    expect(harness.sent()).toEqual([]);
    expect(playbook.rollbackPermissions).toEqual([]);
  });

  it('sends exactly the IAM actions it declares across these tests', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});
