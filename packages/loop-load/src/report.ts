import type { CostEstimate } from './cost/cost-model.js';
import type { Percentiles } from './percentiles.js';
import { type LoopResult, OUTCOMES } from './run-loop.js';

/** The text report of a load run (and of its cost estimate), as `pnpm bench:loop` prints it. */

const ms = (value: number) => `${Math.round(value).toLocaleString('en-US')}`;
const usd = (value: number) =>
  value >= 0.01 ? `$${value.toFixed(2)}` : value === 0 ? '$0' : `$${value.toPrecision(2)}`;

function latencyRow(label: string, figures: Percentiles): string {
  const cells = [figures.p50, figures.p95, figures.p99].map((value) => ms(value).padStart(8));
  return `  ${label.padEnd(44)}${cells.join('')}${String(figures.count).padStart(8)}`;
}

function entries(record: Readonly<Record<string, number>>): string {
  const list = Object.entries(record).filter(([, count]) => count > 0);
  return list.length ? list.map(([name, count]) => `${name} ${count}`).join(', ') : 'none';
}

function formatLoopReport(result: LoopResult, environment: string): string {
  const { mix, outcomes, checks } = result;
  const accounted = OUTCOMES.reduce((total, outcome) => total + outcomes[outcome], 0);
  const lines = [
    `AISAWS loop benchmark: ${result.events} inputs (${mix.events} change events, ${mix.duplicates} redeliveries, ${mix.malformed} malformed), ${result.concurrency} in flight, faults ${result.faults ? 'ON' : 'off'}`,
    `  real: the ASL files (aws-local-stepfunctions), every Lambda handler, DynamoDB (dynalite), S3 objects (s3rver)`,
    `  simulated: the AWS control plane, SNS and the approver clicking the e-mailed link (@aisaws/simulated-account)${result.faults ? '; DynamoDB faults by middleware' : ''}`,
    `  ${environment}`,
    '',
    `wall ${(result.wallMs / 1000).toFixed(1)} s, throughput ${result.throughputPerSecond.toFixed(1)} inputs/s`,
    '',
    `  ${'latency, ms from delivery'.padEnd(44)}${['p50', 'p95', 'p99', 'n'].map((h) => h.padStart(8)).join('')}`,
    latencyRow('event → decided', result.latencyMs.decided),
    latencyRow('event → verified fix (AUTO_REMEDIATE)', result.latencyMs.verified),
    latencyRow('event → verified fix (approved by the run)', result.latencyMs.verifiedAfterApproval),
    '',
    `outcomes: ${OUTCOMES.map((outcome) => `${outcome} ${outcomes[outcome]}`).join(' · ')}`,
    `  accounted ${accounted} of ${result.events} inputs · lost ${result.lost} · double fixes ${result.doubleFixes} · verified but not read back fixed ${result.fixedButNotReadBackFixed}`,
    `  → ${result.balanced ? 'BALANCED: every input ends in exactly one outcome, nothing lost, nothing fixed twice' : 'NOT BALANCED'}`,
    `checks: quarantined inputs kept ${checks.quarantinedKept}/${outcomes.QUARANTINED} · redeliveries refused at Start Remediation ${checks.duplicatesRefused} · events alerted twice ${checks.duplicateAlerts} · alerts kept in the outbox (SNS refused) ${checks.alertsQueued} · item status ≠ outcome ${checks.recordMismatches}`,
    `  approvals clicked ${checks.approvals.clicked} (refused ${checks.approvals.refused}) · changes per fixed resource ${checks.changesPerFixedResource.min}–${checks.changesPerFixedResource.max} · FAILED and still exposed ${checks.failedLeftExposed}`,
    `retries (ASL Retry, from the execution histories): ${result.retries.total} — by error: ${entries(result.retries.byError)}`,
    `  by state: ${entries(result.retries.byState)}`,
  ];
  if (result.faults) {
    const { account, dynamo } = result.faultsInjected;
    lines.push(
      `faults injected: simulated account ${account.throttled} throttled, ${account.serverErrors} 5xx, ${account.timeouts} timeouts of ${account.calls} calls`,
      `  DynamoDB (simulated) ${dynamo.throttled} throttled, ${dynamo.serverErrors} 5xx, ${dynamo.timeoutsBeforeSend} timeouts before sending, ${dynamo.repliesLost} replies lost; SDK retries ${dynamo.sdkRetries}`,
    );
  }
  if (result.problems.length) lines.push('problems:', ...result.problems.map((problem) => `  - ${problem}`));
  return `${lines.join('\n')}\n`;
}

function formatCostReport(cost: CostEstimate, note: string): string {
  const rows = cost.lines.map(
    (entry) =>
      `  ${entry.item.padEnd(58)}${entry.quantity.toFixed(entry.quantity % 1 ? 3 : 0).padStart(12)}  × ${`$${(entry.unitUsd * 1_000_000).toFixed(2)}`.padStart(9)}/M  = ${usd((entry.usd / cost.inputs) * 1_000_000).padStart(9)}`,
  );
  return [
    `cost (us-east-1 list prices, see packages/loop-load/src/cost/aws-prices.ts): ${note}`,
    `  ${'item'.padEnd(58)}${'quantity'.padStart(12)}  × ${'price per 1M units'.padStart(11)}  = ${'per 1M events'.padStart(9)}`,
    ...rows,
    `  total for this run ${usd(cost.totalUsd)} → ${usd(cost.perMillionEventsUsd)} per million CloudTrail events with this mix`,
    '',
  ].join('\n');
}

export { formatCostReport, formatLoopReport };
