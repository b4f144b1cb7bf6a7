import { describe, expect, it } from '@jest/globals';
import { AWS_PRICES } from '../src/cost/aws-prices.js';
import { estimateCost } from '../src/cost/cost-model.js';
import { STAGES } from '../src/loop-rig.js';
import { percentiles } from '../src/percentiles.js';
import type { LoopCounts } from '../src/run-loop.js';

const figures = (invocations: number, billedMs: number) => ({
  invocations,
  errors: 0,
  meanMs: billedMs / Math.max(1, invocations),
  p50Ms: 0,
  billedMs,
});

function counts(overrides: Partial<LoopCounts> = {}): LoopCounts {
  return {
    lambda: Object.fromEntries(STAGES.map((stage) => [stage, figures(0, 0)])) as LoopCounts['lambda'],
    express: { executions: 0, billedMs: 0, meanMs: 0 },
    standard: { executions: 0, transitions: 0 },
    dynamo: { calls: 0, attempts: 0, readUnits: 0, writeUnits: 0 },
    s3: { puts: 0, gets: 0 },
    sns: { publishes: 0 },
    sqs: { messages: 0 },
    ...overrides,
  };
}
const memoryMb = Object.fromEntries(STAGES.map((stage) => [stage, 1024])) as Record<
  (typeof STAGES)[number],
  number
>;

describe('Cost model', () => {
  it('multiplies each count by its price and scales to a million events', () => {
    // Prepare: 1,000 events, 40 transitions each, 2 WRU each.
    const run = counts({
      standard: { executions: 1000, transitions: 40_000 },
      dynamo: { calls: 0, attempts: 0, readUnits: 0, writeUnits: 2000 },
    });

    // Act
    const cost = estimateCost({ counts: run, inputs: 1000, memoryMb, emailSubscribers: 1 });

    // Assess
    const expected =
      40_000 * AWS_PRICES.stepFunctionsStandardTransition.usd + 2000 * AWS_PRICES.dynamoWriteRequestUnit.usd;
    expect(cost.totalUsd).toBeCloseTo(expected, 10);
    expect(cost.perMillionEventsUsd).toBeCloseTo(expected * 1000, 6);
  });

  it('bills Lambda duration as invocations × billed ms × memory', () => {
    // Prepare: 10 scoring invocations of 100 ms at 2048 MB = 2 GB-s; the calibration's duration overrides the run's.
    const run = counts({
      lambda: { ...counts().lambda, scoring: figures(10, 5000) },
    });
    const calibrated = Object.fromEntries(STAGES.map((stage) => [stage, 100])) as Record<
      (typeof STAGES)[number],
      number
    >;

    // Act
    const cost = estimateCost({
      counts: run,
      inputs: 10,
      memoryMb: { ...memoryMb, scoring: 2048 },
      billedMsPerInvocation: calibrated,
      emailSubscribers: 2,
    });

    // Assess
    const duration = cost.lines.find((line) => line.item.startsWith('Lambda duration'));
    expect(duration?.quantity).toBeCloseTo(2, 10);
    expect(cost.lines.find((line) => line.item.startsWith('Lambda requests'))?.quantity).toBe(10);
  });

  it('takes nearest-rank percentiles', () => {
    // Act
    const figures100 = percentiles(Array.from({ length: 100 }, (_, index) => 100 - index));

    // Assess
    expect(figures100).toEqual({ count: 100, p50: 50, p95: 95, p99: 99 });
    expect(percentiles([])).toEqual({ count: 0, p50: 0, p95: 0, p99: 0 });
  });
});
