import {
  ConfigServiceClient,
  DescribeConfigurationRecorderStatusCommand,
  StartConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import { GetDetectorCommand, GuardDutyClient, UpdateDetectorCommand } from '@aws-sdk/client-guardduty';
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
