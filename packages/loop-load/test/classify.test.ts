import { SimulatedAccount } from '@aisaws/simulated-account';
import type { ExecutionResult } from '@aisaws/testing/workflow';
import { describe, expect, it } from '@jest/globals';
import { generateMix } from '../src/mix.js';
import { classify, type Delivery, primaryDeliveries } from '../src/run-loop.js';

// Which delivery of an event carries its outcome, when a redelivery races its original.
function execution(machine: 'triage' | 'remediation', ...states: string[]): ExecutionResult {
  return {
    machine,
    name: 'n',
    executionArn: `arn:${machine}`,
    status: 'SUCCEEDED',
    input: {},
    startedAt: 0,
    stoppedAt: 1,
    states: states.map((name) => ({
      name,
      type: 'Task',
      startMs: 0,
      endMs: 1,
      failures: [],
      status: 'succeeded',
    })),
  };
}

function eventAndRedelivery(): [Delivery, Delivery] {
  const { inputs } = generateMix(SimulatedAccount.create(), { events: 40, seed: 2 });
  const redelivery = inputs.find((input) => input.kind === 'duplicate');
  if (redelivery?.kind !== 'duplicate') throw new Error('the mix has no redelivery');
  return [
    { index: 0, input: redelivery.original, deliveredAt: 0, finishedAt: 0 },
    { index: 1, input: redelivery, deliveredAt: 0, finishedAt: 0 },
  ];
}

describe('Load run: which delivery carries the outcome', () => {
  it('the original, when the redelivery was refused', () => {
    // Prepare
    const [original, redelivery] = eventAndRedelivery();
    original.triage = execution('triage', 'Ingest', 'Start Remediation');
    original.remediation = execution('remediation', 'Verify', 'Remediated');
    redelivery.triage = execution('triage', 'Ingest', 'Start Remediation', 'Duplicate Ignored');

    // Act
    const primary = primaryDeliveries([original, redelivery]);

    // Assess
    expect([...primary]).toEqual([0]);
    expect(classify(original, true)).toBe('VERIFIED');
    expect(classify(redelivery, false)).toBe('DUPLICATE');
  });

  it('the redelivery, when it overtook the original and started the remediation', () => {
    // Prepare
    const [original, redelivery] = eventAndRedelivery();
    original.triage = execution('triage', 'Ingest', 'Start Remediation', 'Duplicate Ignored');
    redelivery.triage = execution('triage', 'Ingest', 'Start Remediation');
    redelivery.remediation = execution('remediation', 'Verify', 'Remediated');

    // Act
    const primary = primaryDeliveries([original, redelivery]);

    // Assess
    expect([...primary]).toEqual([1]);
    expect(classify(original, primary.has(0))).toBe('DUPLICATE');
    expect(classify(redelivery, primary.has(1))).toBe('VERIFIED');
  });

  it('the redelivery that went on, when the original was quarantined; the original stays QUARANTINED', () => {
    // Prepare
    const [original, redelivery] = eventAndRedelivery();
    original.triage = execution('triage', 'Ingest', 'Score', 'Quarantine Input', 'Triage Failed');
    redelivery.triage = execution('triage', 'Ingest', 'Start Remediation');
    redelivery.remediation = execution('remediation', 'Record Failed', 'Remediation Failed');

    // Act
    const primary = primaryDeliveries([original, redelivery]);

    // Assess
    expect(classify(original, primary.has(0))).toBe('QUARANTINED');
    expect(classify(redelivery, primary.has(1))).toBe('FAILED');
  });

  it('no outcome for an execution that ended where no outcome is known (counted lost)', () => {
    // Prepare
    const [original] = eventAndRedelivery();
    original.triage = execution('triage', 'Ingest', 'Unknown Decision');

    // Act & Assess
    expect(classify(original, true)).toBeUndefined();
  });

  it('an execution that ended at Alert Queued (SNS refused the e-mail, kept on the outbox) by what it recorded', () => {
    // Prepare
    const [original] = eventAndRedelivery();
    const verified = { ...original };
    verified.triage = execution('triage', 'Ingest', 'Start Remediation');
    verified.remediation = execution(
      'remediation',
      'Verify',
      'Alert Remediated',
      'Record Verified',
      'Check Remediated Alert Delivery',
      'Alert Queued',
    );
    const rejected = { ...original, index: 1 };
    rejected.triage = execution('triage', 'Ingest', 'Start Remediation');
    rejected.remediation = execution('remediation', 'Alert Rejected', 'Record Rejected', 'Alert Queued');
    const alerted = { ...original, index: 2 };
    alerted.triage = execution('triage', 'Ingest', 'Alert Person', 'Record Alerted', 'Alert Queued');
    const unrecorded = { ...original, index: 3 };
    unrecorded.triage = execution('triage', 'Ingest', 'Start Remediation');
    unrecorded.remediation = execution('remediation', 'Alert Queued');

    // Act & Assess
    expect([verified, rejected, alerted, unrecorded].map((delivery) => classify(delivery, true))).toEqual([
      'VERIFIED',
      'REJECTED',
      'ALERTED',
      undefined,
    ]);
  });
});
