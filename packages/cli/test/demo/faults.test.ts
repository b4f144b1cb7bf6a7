import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultSwitchesInput } from '@aisaws/simulated-account';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type DemoResult, runDemo } from '../../src/demo/run-demo.js';

/**
 * Fault injection through the whole loop: the REAL triage and remediation ASL, every handler, dynalite and s3rver,
 * and the simulated account's fault switches (throttling, 5xx, timeouts, SNS down, a fix that never converges).
 * Each case shows the retries the workflow makes, how the event ends (VERIFIED, or FAILED with an alert; with SNS
 * down the alert is kept on the Alert stage's outbox queue), that the events item records it (nothing lost), and that
 * no change was made twice.
 */

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aisaws-faults-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let runs = 0;
async function demoWith(faults: FaultSwitchesInput, scenario = 's3-public-bucket'): Promise<DemoResult> {
  runs += 1;
  return runDemo(
    {
      scenario,
      format: 'json',
      duplicates: 1,
      autoApprove: false,
      reject: false,
      stateDir: join(root, `run-${runs}`),
      retryIntervalMs: 1,
      faults,
    },
    { out: { write: () => undefined, isTTY: false } },
  );
}

const attempts = (result: DemoResult, stage: string) => result.stages.filter((s) => s.name === stage);
/** Changes AISAWS made that took effect: no error and no simulated fault. */
const effectiveChanges = (result: DemoResult) =>
  result.apiCalls.filter((call) => !call.includes('→') && !call.includes('simulated fault'));

describe('fault injection: the loop under AWS failures', () => {
  it('throttled writes: Remediate retried with backoff until the bound, then FAILED with a failure alert; the ACL fixed once', async () => {
    // Act
    const result = await demoWith({ throttleRate: 1, only: ['s3:PutPublicAccessBlock'] });

    // Assess
    expect(attempts(result, 'Remediate').map((stage) => stage.ok)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(result.status).toBe('FAILED');
    expect(result.alert?.subject).toMatch(/fix FAILED$/);
    expect(result.alert?.body).toContain('AwsThrottledError');
    expect(
      result.apiCalls.filter((call) => call.includes('SlowDown (simulated fault: throttle)')),
    ).toHaveLength(5);
    // Each retry re-read the ACL first: already private, so PutBucketAcl was sent once, not five times.
    expect(effectiveChanges(result)).toEqual([`s3:PutBucketAcl ${result.resource.id}`]);
    expect(result.timeline.map((entry) => entry.stage)).toContain('failed');
  }, 60_000);

  it('5xx and timeouts now and then: retried as AwsTransientError, then VERIFIED with one alert and each change made once', async () => {
    // Act
    const result = await demoWith({
      serverErrorRate: 0.15,
      timeoutRate: 0.1,
      timeoutDelayMs: 5,
      seed: 12,
      only: ['s3'],
    });

    // Assess
    const failedAttempts = result.stages.filter(
      (stage) => ['Snapshot', 'Remediate', 'Verify'].includes(stage.name) && !stage.ok,
    );
    expect(failedAttempts.length).toBeGreaterThan(0);
    expect((result.faults?.serverErrors ?? 0) + (result.faults?.timeouts ?? 0)).toBeGreaterThanOrEqual(
      failedAttempts.length,
    );
    expect(result.status).toBe('VERIFIED');
    expect(result.resource.after).toMatchObject({ public: false });
    expect(result.emails).toHaveLength(1);
    expect(result.alert?.subject).not.toMatch(/FAILED/);
    const changes = effectiveChanges(result);
    expect(new Set(changes).size).toBe(changes.length);
  }, 60_000);

  it('a fix that never converges: Verify retried until the bound, then FAILED with an alert; applied once', async () => {
    // Act
    const result = await demoWith({ neverConverge: true });

    // Assess
    expect(attempts(result, 'Remediate')).toHaveLength(1);
    expect(attempts(result, 'Verify')).toHaveLength(9);
    expect(attempts(result, 'Verify').every((stage) => !stage.ok)).toBe(true);
    expect(result.status).toBe('FAILED');
    expect(result.alert?.subject).toMatch(/fix FAILED$/);
    expect(result.resource.after).toMatchObject({ public: true });
    expect(result.apiCalls.every((call) => call.endsWith('(simulated fault: changeNotKept)'))).toBe(true);
  }, 60_000);

  it('SNS down: the fix is applied and verified once, the alert kept on the outbox queue, the execution ends AlertQueued', async () => {
    // Act
    const result = await demoWith({ snsDown: true });

    // Assess: no e-mail went out, but the outcome is recorded (VERIFIED, as in AWS) and the alert is not lost.
    expect(result.resource.after).toMatchObject({ public: false });
    expect(result.emails).toEqual([]);
    expect(await readdir(join(root, `run-${runs}`, 'outbox')).catch(() => [])).toEqual([]);
    expect(result.status).toBe('VERIFIED');
    expect(result.verified).toBe(true);
    expect(result.alertsQueued).toBe(1);
    expect(result.faults?.snsRejected).toBe(1);
    expect(result.stages.map((stage) => `${stage.name}${stage.ok ? '' : '!'}`)).toEqual(
      expect.arrayContaining(['Verify', 'Alert', 'Record Verified', 'Alert Queued!']),
    );
    expect(result.stages.map((stage) => stage.name)).not.toContain('Alert Failure');
    expect(effectiveChanges(result)).toHaveLength(2);
    expect(result.remediations).toBe(1);
  }, 60_000);
});
