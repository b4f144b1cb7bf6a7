import { describe, expect, it } from '@jest/globals';
import { runLoop } from '../src/run-loop.js';

// The accounting of a small load run through the REAL workflows and handlers (dynalite, s3rver, the simulated
// account). Retry pauses are 0 ms here so the faults run stays short; `pnpm bench:loop` keeps the ASL's intervals.
describe('Load run: accounting', () => {
  it('accounts for every input: one outcome each, nothing lost, nothing fixed twice, every fix read back', async () => {
    // Act
    const result = await runLoop({ events: 40, concurrency: 8, retryIntervalMs: 0, seed: 5 });

    // Assess
    const { outcomes, mix } = result;
    const total = Object.values(outcomes).reduce((sum, count) => sum + count, 0);
    expect(total).toBe(40);
    expect(result.balanced).toBe(true);
    expect(result.lost).toBe(0);
    expect(result.doubleFixes).toBe(0);
    expect(result.fixedButNotReadBackFixed).toBe(0);
    // Every redelivery is recognised as one, and every malformed input is quarantined and kept.
    expect(mix).toEqual({ events: 34, duplicates: 4, malformed: 2 });
    expect(outcomes.DUPLICATE).toBe(mix.duplicates);
    expect(outcomes.QUARANTINED).toBe(mix.malformed);
    expect(result.checks.quarantinedKept).toBe(outcomes.QUARANTINED);
    // The mix reaches every path: fixed and verified, approved by the run, alerted, logged.
    expect(outcomes.VERIFIED).toBeGreaterThan(0);
    expect(result.latencyMs.verifiedAfterApproval.count).toBeGreaterThan(0);
    expect(result.checks.approvals.clicked).toBe(result.latencyMs.verifiedAfterApproval.count);
    expect(outcomes.ALERTED).toBeGreaterThan(0);
    expect(outcomes.LOG_ONLY).toBeGreaterThan(0);
    expect(outcomes.FAILED + outcomes.REJECTED).toBe(0);
    expect(result.checks.recordMismatches).toBe(0);
    // One e-mail per event and kind: the Alert stage's idempotency layer answers a redelivery with the first result.
    expect(result.checks.duplicateAlerts).toBe(0);
    expect(result.checks.alertsQueued).toBe(0);
    // Latencies are measured for every change event that was decided.
    expect(result.latencyMs.decided.count).toBe(mix.events);
    expect(result.latencyMs.decided.p50).toBeGreaterThan(0);
    expect(result.latencyMs.verified.p99).toBeGreaterThanOrEqual(result.latencyMs.verified.p50);
    expect(result.retries.total).toBe(0);
  }, 120_000);

  it('still balances with the simulated account and DynamoDB failing, and shows the retries', async () => {
    // Act
    const result = await runLoop({ events: 40, concurrency: 8, retryIntervalMs: 0, seed: 5, faults: true });

    // Assess
    const total = Object.values(result.outcomes).reduce((sum, count) => sum + count, 0);
    expect(total).toBe(40);
    expect(result.lost).toBe(0);
    expect(result.doubleFixes).toBe(0);
    expect(result.fixedButNotReadBackFixed).toBe(0);
    expect(result.balanced).toBe(true);
    const injected = result.faultsInjected;
    expect(
      injected.account.throttled + injected.account.serverErrors + injected.account.timeouts,
    ).toBeGreaterThan(0);
    expect(injected.dynamo.throttled + injected.dynamo.serverErrors).toBeGreaterThan(0);
    // Retries are visible: the SDK's own (DynamoDB) and the workflows' Retry (from the execution histories).
    expect(injected.dynamo.sdkRetries).toBeGreaterThan(0);
    expect(result.retries.total).toBe(Object.values(result.retries.byError).reduce((a, b) => a + b, 0));
  }, 180_000);

  it('with SNS down: every fix still verified, every alert kept on the outbox queue, no execution FAILED', async () => {
    // Act
    const result = await runLoop({
      events: 24,
      concurrency: 8,
      retryIntervalMs: 0,
      seed: 5,
      faults: { account: { snsDown: true }, dynamo: {} },
    });

    // Assess: the outcomes are those of a run with SNS up; the e-mails wait on the outbox (approval requests too:
    // the run's approver reads those from the queue, as the reconcile job would send them).
    expect(result.balanced).toBe(true);
    expect(result.outcomes.FAILED).toBe(0);
    expect(result.outcomes.VERIFIED).toBeGreaterThan(0);
    expect(result.outcomes.ALERTED).toBeGreaterThan(0);
    expect(result.checks.approvals.clicked).toBeGreaterThan(0);
    expect(result.counts.sns.publishes).toBe(0);
    expect(result.faultsInjected.account.snsRejected).toBeGreaterThanOrEqual(result.checks.alertsQueued);
    expect(result.checks.alertsQueued).toBeGreaterThanOrEqual(
      result.outcomes.VERIFIED + result.outcomes.ALERTED + result.checks.approvals.clicked,
    );
    expect(result.checks.recordMismatches).toBe(0);
  }, 120_000);
});
