import {
  AccessAnalyzerClient,
  CreateAnalyzerCommand,
  GetAnalyzerCommand,
} from '@aws-sdk/client-accessanalyzer';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeHubCommand, EnableSecurityHubCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ForwardOnlyError, getPlaybookImplementation } from '../src/index.js';
import { createPlaybookHarness, declared, ref, writesAmong } from './helpers/harness.js';

const securityhub = mockClient(SecurityHubClient);
const analyzer = mockClient(AccessAnalyzerClient);
const cloudtrail = mockClient(CloudTrailClient);

const notSubscribed = () =>
  Object.assign(new Error('Account 111122223333 is not subscribed to AWS Security Hub'), {
    name: 'InvalidAccessException',
  });
const notFound = () => Object.assign(new Error('Analyzer not found'), { name: 'ResourceNotFoundException' });

describe('Playbook: securityhub.enable-hub', () => {
  const playbook = getPlaybookImplementation('securityhub.enable-hub');
  const harness = createPlaybookHarness();
  const hub = ref('AWS::SecurityHub::Hub', '111122223333');
  const HUB_ARN = 'arn:aws:securityhub:eu-west-1:111122223333:hub/default';
  beforeEach(() => {
    securityhub.reset();
    harness.reset();
  });

  it('snapshots "not enabled" and enables Security Hub with the default standards', async () => {
    // Prepare
    securityhub.on(DescribeHubCommand).rejects(notSubscribed());
    // Act
    const snapshot = await playbook.snapshot(hub, harness.context());
    const applied = await playbook.apply(hub, snapshot, harness.context());
    // Assess
    expect(snapshot).toEqual({ hubArn: null });
    expect(securityhub.commandCalls(EnableSecurityHubCommand).map((c) => c.args[0].input)).toEqual([
      { EnableDefaultStandards: true },
    ]);
    expect(applied).toEqual({
      status: 'applied',
      changes: ['EnableSecurityHub in 111122223333 eu-west-1: default standards on'],
    });
  });

  it('is idempotent: an enabled hub gets no write', async () => {
    // Prepare
    securityhub.on(DescribeHubCommand).resolves({ HubArn: HUB_ARN });
    // Act
    const applied = await playbook.apply(hub, { hubArn: null }, harness.context());
    // Assess
    expect(applied).toEqual({ status: 'already-compliant', changes: [] });
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('verifies by describing the hub again', async () => {
    // Prepare
    securityhub.on(DescribeHubCommand).resolvesOnce({ HubArn: HUB_ARN }).rejects(notSubscribed());
    // Act
    const enabled = await playbook.verify(hub, harness.context());
    const disabled = await playbook.verify(hub, harness.context());
    // Assess
    expect(enabled).toEqual({
      converged: true,
      observed: { region: 'eu-west-1', hubArn: HUB_ARN },
      details: `Security Hub is enabled in eu-west-1 (${HUB_ARN}).`,
    });
    expect(disabled).toMatchObject({ converged: false, observed: { hubArn: null } });
  });

  it('passes on any other error (a denied read is not "disabled")', async () => {
    // Prepare
    securityhub
      .on(DescribeHubCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    // Act & Assess
    await expect(playbook.verify(hub, harness.context())).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it('is forward-only', async () => {
    await expect(playbook.rollback(hub, { hubArn: HUB_ARN }, harness.context())).rejects.toThrow(
      ForwardOnlyError,
    );
  });

  it('sends exactly the IAM actions it declares across these tests', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});

/** A CloudTrail event-history entry as LookupEvents returns it: the record as a JSON string. */
function historyEvent(record: Record<string, unknown>) {
  return {
    EventId: String(record.eventID),
    EventName: String(record.eventName),
    CloudTrailEvent: JSON.stringify(record),
  };
}

describe('Playbook: accessanalyzer.recreate-analyzer', () => {
  const playbook = getPlaybookImplementation('accessanalyzer.recreate-analyzer');
  const harness = createPlaybookHarness();
  const deleted = ref('AWS::AccessAnalyzer::Analyzer', 'org-analyzer');
  const createdAsOrganization = historyEvent({
    eventID: 'c1',
    eventName: 'CreateAnalyzer',
    eventTime: '2026-01-02T09:00:00Z',
    requestParameters: { analyzerName: 'org-analyzer', type: 'ORGANIZATION' },
  });
  beforeEach(() => {
    analyzer.reset();
    cloudtrail.reset();
    harness.reset();
  });

  it('finds the type in the event history (newest successful CreateAnalyzer of that name) and creates it again', async () => {
    // Prepare: an older ACCOUNT creation, a failed attempt, another analyzer, then the ORGANIZATION one on page 2.
    analyzer.on(GetAnalyzerCommand).rejects(notFound());
    cloudtrail
      .on(LookupEventsCommand)
      .resolvesOnce({
        Events: [
          historyEvent({
            eventID: 'c0',
            eventName: 'CreateAnalyzer',
            eventTime: '2025-12-01T09:00:00Z',
            requestParameters: { analyzerName: 'org-analyzer', type: 'ACCOUNT' },
          }),
          historyEvent({
            eventID: 'c2',
            eventName: 'CreateAnalyzer',
            eventTime: '2026-01-03T09:00:00Z',
            errorCode: 'AccessDeniedException',
            requestParameters: { analyzerName: 'org-analyzer', type: 'ACCOUNT_UNUSED_ACCESS' },
          }),
          historyEvent({
            eventID: 'c3',
            eventName: 'CreateAnalyzer',
            eventTime: '2026-01-04T09:00:00Z',
            requestParameters: { analyzerName: 'other', type: 'ACCOUNT' },
          }),
          { EventId: 'broken', CloudTrailEvent: '{not json' },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({ Events: [createdAsOrganization] });
    // Act
    const snapshot = await playbook.snapshot(deleted, harness.context());
    const applied = await playbook.apply(deleted, snapshot, harness.context());
    // Assess
    expect(cloudtrail.commandCalls(LookupEventsCommand).map((c) => c.args[0].input)).toEqual([
      { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateAnalyzer' }], MaxResults: 50 },
      {
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateAnalyzer' }],
        MaxResults: 50,
        NextToken: 'page-2',
      },
    ]);
    expect(snapshot).toEqual({
      analyzerName: 'org-analyzer',
      status: null,
      type: 'ORGANIZATION',
      createdBy: 'c1',
    });
    expect(analyzer).toHaveReceivedCommandWith(CreateAnalyzerCommand, {
      analyzerName: 'org-analyzer',
      type: 'ORGANIZATION',
    });
    expect(applied.changes).toEqual([
      'CreateAnalyzer org-analyzer in eu-west-1: type ORGANIZATION (as CreateAnalyzer c1 had it)',
    ]);
  });

  it('defaults to ACCOUNT when the 90-day history holds no CreateAnalyzer of that name', async () => {
    // Prepare
    analyzer.on(GetAnalyzerCommand).rejects(notFound());
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [] });
    // Act
    const snapshot = await playbook.snapshot(deleted, harness.context());
    await playbook.apply(deleted, snapshot, harness.context());
    // Assess
    expect(snapshot).toMatchObject({ type: 'ACCOUNT', createdBy: null });
    expect(analyzer).toHaveReceivedCommandWith(CreateAnalyzerCommand, {
      analyzerName: 'org-analyzer',
      type: 'ACCOUNT',
    });
  });

  it('is idempotent: an analyzer that exists again gets no write', async () => {
    // Prepare
    analyzer.on(GetAnalyzerCommand).resolves({
      analyzer: {
        arn: 'arn:aws:access-analyzer:eu-west-1:111122223333:analyzer/org-analyzer',
        name: 'org-analyzer',
        type: 'ORGANIZATION',
        createdAt: new Date(),
        status: 'ACTIVE',
      },
    });
    // Act
    const applied = await playbook.apply(
      deleted,
      { analyzerName: 'org-analyzer', status: null, type: 'ORGANIZATION', createdBy: 'c1' },
      harness.context(),
    );
    // Assess
    expect(applied).toEqual({ status: 'already-compliant', changes: [] });
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('verifies: ACTIVE converges; CREATING or absent does not', async () => {
    // Prepare
    const analyzerIn = (status: 'ACTIVE' | 'CREATING') => ({
      analyzer: { arn: 'a', name: 'org-analyzer', type: 'ACCOUNT' as const, createdAt: new Date(), status },
    });
    analyzer
      .on(GetAnalyzerCommand)
      .resolvesOnce(analyzerIn('ACTIVE'))
      .resolvesOnce(analyzerIn('CREATING'))
      .rejects(notFound());
    // Act
    const active = await playbook.verify(deleted, harness.context());
    const creating = await playbook.verify(deleted, harness.context());
    const absent = await playbook.verify(deleted, harness.context());
    // Assess
    expect(active).toMatchObject({
      converged: true,
      details: 'Access Analyzer org-analyzer is ACTIVE in eu-west-1.',
    });
    expect(creating.converged).toBe(false);
    expect(absent).toMatchObject({
      converged: false,
      details: 'Access Analyzer org-analyzer does not exist in eu-west-1.',
    });
  });

  it('is forward-only', async () => {
    await expect(
      playbook.rollback(
        deleted,
        { analyzerName: 'org-analyzer', status: null, type: 'ACCOUNT', createdBy: null },
        harness.context(),
      ),
    ).rejects.toThrow(ForwardOnlyError);
  });

  it('sends exactly the IAM actions it declares across these tests', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});
