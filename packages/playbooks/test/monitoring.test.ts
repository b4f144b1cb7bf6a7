import {
  ConfigServiceClient,
  DescribeConfigurationRecorderStatusCommand,
  StartConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import {
  CreateDetectorCommand,
  GetDetectorCommand,
  GuardDutyClient,
  ListDetectorsCommand,
  UpdateDetectorCommand,
} from '@aws-sdk/client-guardduty';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ForwardOnlyError, getPlaybookImplementation, InvalidTargetError } from '../src/index.js';
import { createPlaybookHarness, declared, ref, writesAmong } from './helpers/harness.js';

const config = mockClient(ConfigServiceClient);
const guardduty = mockClient(GuardDutyClient);

describe('Playbook: config.start-recorder', () => {
  const playbook = getPlaybookImplementation('config.start-recorder');
  const harness = createPlaybookHarness();
  const recorder = ref('AWS::Config::ConfigurationRecorder', 'default', {
    configurationRecorderName: 'default',
  });
  const status = (recording: boolean, lastStatus: 'Success' | 'Failure' = 'Success') => ({
    ConfigurationRecordersStatus: [{ name: 'default', recording, lastStatus }],
  });
  beforeEach(() => {
    config.reset();
    harness.reset();
  });

  it('snapshots the recorder status and starts it', async () => {
    // Prepare
    config.on(DescribeConfigurationRecorderStatusCommand).resolves(status(false));
    // Act
    const snapshot = await playbook.snapshot(recorder, harness.context());
    const applied = await playbook.apply(recorder, snapshot, harness.context());
    // Assess
    expect(snapshot).toEqual({ recorder: 'default', status: { recording: false, lastStatus: 'Success' } });
    expect(config).toHaveReceivedCommandWith(DescribeConfigurationRecorderStatusCommand, {
      ConfigurationRecorderNames: ['default'],
    });
    expect(applied.status).toBe('applied');
    expect(config.commandCalls(StartConfigurationRecorderCommand)[0]?.args[0].input).toEqual({
      ConfigurationRecorderName: 'default',
    });
  });

  it('is idempotent: a recording recorder gets no write', async () => {
    // Prepare
    config.on(DescribeConfigurationRecorderStatusCommand).resolves(status(true));
    // Act
    const applied = await playbook.apply(
      recorder,
      { recorder: 'default', status: { recording: true, lastStatus: null } },
      harness.context(),
    );
    // Assess
    expect(applied).toEqual({ status: 'already-compliant', changes: [] });
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('verifies: recording with a healthy last status converges; stopped or Failure does not', async () => {
    // Prepare
    config
      .on(DescribeConfigurationRecorderStatusCommand)
      .resolvesOnce(status(true))
      .resolvesOnce(status(true, 'Failure'))
      .resolves(status(false));
    // Act
    const healthy = await playbook.verify(recorder, harness.context());
    const failing = await playbook.verify(recorder, harness.context());
    const stopped = await playbook.verify(recorder, harness.context());
    // Assess
    expect(healthy).toMatchObject({
      converged: true,
      observed: { recorder: 'default', recording: true, lastStatus: 'Success' },
    });
    expect(failing.converged).toBe(false);
    expect(failing.details).toContain('Failure');
    expect(stopped.converged).toBe(false);
  });

  it('fails clearly when the recorder does not exist', async () => {
    // Prepare
    config.on(DescribeConfigurationRecorderStatusCommand).resolves({ ConfigurationRecordersStatus: [] });
    // Act & Assess
    await expect(playbook.verify(recorder, harness.context())).rejects.toThrow(
      'AWS Config recorder default not found',
    );
  });

  it('is forward-only: rollback refuses to stop the recorder again', async () => {
    // Act
    const error = await playbook
      .rollback(
        recorder,
        { recorder: 'default', status: { recording: false, lastStatus: 'SUCCESS' } },
        harness.context(),
      )
      .catch((e) => e);
    // Assess
    expect(error).toBeInstanceOf(ForwardOnlyError);
    expect(harness.sent()).toEqual([]);
    expect(playbook.permissions).not.toContain('config:StopConfigurationRecorder');
  });

  it('rejects a target of another type', async () => {
    const error = await playbook
      .snapshot(ref('AWS::GuardDuty::Detector', 'd'), harness.context())
      .catch((e) => e);
    expect(error).toBeInstanceOf(InvalidTargetError);
  });

  it('sends exactly the IAM actions it declares across these tests', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});

describe('Playbook: guardduty.enable-detector', () => {
  const playbook = getPlaybookImplementation('guardduty.enable-detector');
  const harness = createPlaybookHarness();
  const detector = ref('AWS::GuardDuty::Detector', '12abc34d567e8fa901bc2d34e56789f0', {
    detectorId: '12abc34d567e8fa901bc2d34e56789f0',
  });
  const DETECTOR = '12abc34d567e8fa901bc2d34e56789f0';
  beforeEach(() => {
    guardduty.reset();
    harness.reset();
  });

  it('snapshots the detector status and enables it', async () => {
    // Prepare
    guardduty.on(GetDetectorCommand).resolves({ Status: 'DISABLED', ServiceRole: 'r' });
    // Act
    const snapshot = await playbook.snapshot(detector, harness.context());
    const applied = await playbook.apply(detector, snapshot, harness.context());
    // Assess
    expect(snapshot).toEqual({ detectorId: DETECTOR, status: 'DISABLED' });
    expect(guardduty).toHaveReceivedCommandWith(GetDetectorCommand, { DetectorId: DETECTOR });
    expect(applied.status).toBe('applied');
    expect(guardduty.commandCalls(UpdateDetectorCommand)[0]?.args[0].input).toEqual({
      DetectorId: DETECTOR,
      Enable: true,
    });
  });

  it('is idempotent: an enabled detector gets no write', async () => {
    // Prepare
    guardduty.on(GetDetectorCommand).resolves({ Status: 'ENABLED', ServiceRole: 'r' });
    // Act
    const applied = await playbook.apply(
      detector,
      { detectorId: DETECTOR, status: 'ENABLED' },
      harness.context(),
    );
    // Assess
    expect(applied).toEqual({ status: 'already-compliant', changes: [] });
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('verifies from the re-read status', async () => {
    // Prepare
    guardduty
      .on(GetDetectorCommand)
      .resolvesOnce({ Status: 'ENABLED', ServiceRole: 'r' })
      .resolves({ Status: 'DISABLED', ServiceRole: 'r' });
    // Act
    const enabled = await playbook.verify(detector, harness.context());
    const disabled = await playbook.verify(detector, harness.context());
    // Assess
    expect(enabled).toEqual({
      converged: true,
      observed: { detectorId: DETECTOR, status: 'ENABLED' },
      details: `GuardDuty detector ${DETECTOR} is ENABLED.`,
    });
    expect(disabled.converged).toBe(false);
  });

  it('is forward-only: rollback refuses to suspend the detector again', async () => {
    // Act
    const error = await playbook
      .rollback(detector, { detectorId: DETECTOR, status: 'DISABLED' }, harness.context())
      .catch((e) => e);
    // Assess
    expect(error).toBeInstanceOf(ForwardOnlyError);
    expect(harness.sent()).toEqual([]);
    expect(playbook.reversible).toBe(false);
  });

  it('sends exactly the IAM actions it declares across these tests', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});

describe('Playbook: guardduty.recreate-detector', () => {
  const playbook = getPlaybookImplementation('guardduty.recreate-detector');
  const harness = createPlaybookHarness();
  const DELETED = '12abc34d567e8fa901bc2d34e56789f0';
  const NEW = '9f8e7d6c5b4a39281706f5e4d3c2b1a0';
  const deleted = ref('AWS::GuardDuty::Detector', DELETED, { detectorId: DELETED });
  beforeEach(() => {
    guardduty.reset();
    harness.reset();
  });

  it('snapshots the empty region and creates an enabled detector', async () => {
    // Prepare
    guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [] });
    guardduty.on(CreateDetectorCommand).resolves({ DetectorId: NEW });
    // Act
    const snapshot = await playbook.snapshot(deleted, harness.context());
    const applied = await playbook.apply(deleted, snapshot, harness.context());
    // Assess
    expect(snapshot).toEqual({ deletedDetectorId: DELETED, detectors: [] });
    expect(guardduty.commandCalls(CreateDetectorCommand).map((c) => c.args[0].input)).toEqual([
      { Enable: true },
    ]);
    expect(harness.sent().every((entry) => entry.region === 'eu-west-1')).toBe(true);
    expect(applied).toEqual({
      status: 'applied',
      changes: [
        `CreateDetector in eu-west-1: Enable true (new detector ${NEW}, replaces deleted ${DELETED})`,
      ],
    });
  });

  it('is idempotent: a region that has a detector again gets no write (a redelivery, or auto-enable)', async () => {
    // Prepare
    guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [NEW] });
    guardduty.on(GetDetectorCommand).resolves({ Status: 'ENABLED', ServiceRole: 'r' });
    // Act
    const applied = await playbook.apply(
      deleted,
      { deletedDetectorId: DELETED, detectors: [] },
      harness.context(),
    );
    // Assess
    expect(applied).toEqual({ status: 'already-compliant', changes: [] });
    expect(writesAmong(harness.sent())).toEqual([]);
  });

  it('verifies by listing the region again: an ENABLED detector converges; none or suspended does not', async () => {
    // Prepare
    guardduty
      .on(ListDetectorsCommand)
      .resolvesOnce({ DetectorIds: [NEW] })
      .resolvesOnce({ DetectorIds: [] })
      .resolves({ DetectorIds: [NEW] });
    guardduty
      .on(GetDetectorCommand)
      .resolvesOnce({ Status: 'ENABLED', ServiceRole: 'r' })
      .resolves({ Status: 'DISABLED', ServiceRole: 'r' });
    // Act
    const enabled = await playbook.verify(deleted, harness.context());
    const none = await playbook.verify(deleted, harness.context());
    const suspended = await playbook.verify(deleted, harness.context());
    // Assess
    expect(enabled).toEqual({
      converged: true,
      observed: { region: 'eu-west-1', detectors: [{ detectorId: NEW, status: 'ENABLED' }] },
      details: `GuardDuty detector ${NEW} is ENABLED in eu-west-1.`,
    });
    expect(none).toMatchObject({ converged: false, details: 'No GuardDuty detector exists in eu-west-1.' });
    expect(suspended).toMatchObject({ converged: false });
    expect(suspended.details).toContain('DISABLED');
  });

  it('is forward-only and never declares a delete', async () => {
    // Act
    const error = await playbook
      .rollback(deleted, { deletedDetectorId: DELETED, detectors: [] }, harness.context())
      .catch((e) => e);
    // Assess
    expect(error).toBeInstanceOf(ForwardOnlyError);
    expect(playbook.permissions).not.toContain('guardduty:DeleteDetector');
  });

  it('sends exactly the IAM actions it declares across these tests', () => {
    expect(harness.actionsExercised()).toEqual(declared(playbook));
  });
});
