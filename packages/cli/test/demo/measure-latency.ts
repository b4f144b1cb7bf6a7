/**
 * Measures the demo's event → verified-fix latency per scenario: `tsx packages/cli/test/demo/measure-latency.ts [runs]`.
 * Each run is a full `runDemo` (fresh sandbox: dynalite, s3rver, simulated account), in one process after a warm-up
 * run, so module loading and JIT are not counted; the figures are the loop itself (both workflows, every Lambda, the
 * DynamoDB writes, the alert e-mail). The approval scenario is auto-approved through the real approval handler.
 * Every run gets its own state folder: a shared one would trip the policy's circuit breaker (10 automatic fixes an
 * hour by default), after which the demo rightly waits for a person.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../../src/demo/run-demo.js';
import { SCENARIOS } from '../../src/demo/scenarios.js';

const runs = Number(process.argv[2] ?? 5);
const quiet = { write: () => undefined, isTTY: false };

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const root = await mkdtemp(join(tmpdir(), 'aisaws-latency-'));
let runIndex = 0;
const freshStateDir = (): string => {
  runIndex += 1;
  return join(root, String(runIndex));
};
try {
  await runDemo(
    {
      scenario: 's3-public-bucket',
      format: 'json',
      duplicates: 1,
      autoApprove: false,
      reject: false,
      stateDir: freshStateDir(),
    },
    { out: quiet },
  );
  process.stdout.write(
    `scenario               outcome          event→end ms (median / p95 / max of ${runs})   whole run ms (median)\n`,
  );
  for (const scenario of SCENARIOS) {
    const latencies: number[] = [];
    const totals: number[] = [];
    let outcome = '';
    for (let run = 0; run < runs; run += 1) {
      const result = await runDemo(
        {
          scenario: scenario.id,
          format: 'json',
          duplicates: 1,
          autoApprove: scenario.expectedDecision === 'HUMAN_APPROVAL',
          reject: false,
          stateDir: freshStateDir(),
        },
        { out: quiet },
      );
      latencies.push(result.latencyMs);
      totals.push(result.totalMs);
      outcome = `${result.decision}/${result.status}`;
    }
    process.stdout.write(
      `${scenario.id.padEnd(23)}${outcome.padEnd(34)}${String(percentile(latencies, 50)).padStart(6)} / ${String(percentile(latencies, 95)).padStart(5)} / ${String(Math.max(...latencies)).padStart(5)}${String(percentile(totals, 50)).padStart(22)}\n`,
    );
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
