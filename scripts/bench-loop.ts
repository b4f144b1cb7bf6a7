/**
 * The closed loop under load: `pnpm bench:loop [--events N] [--concurrency C] [--faults] [--json] [--cost]
 * [--seed S] [--environment NAME]`.
 *
 * N inputs (default 1,000: change events of the demo scenarios, each on its own resource, plus 10 % redeliveries and
 * 5 % malformed inputs) go through the REAL triage and remediation ASL files, the real Lambda handlers, dynalite,
 * s3rver and the simulated account, C (default 50) in flight. Prints the latencies, the throughput and the
 * accounting (every input in exactly one outcome, nothing lost, nothing fixed twice, every fix read back); exits 1
 * when the accounting does not balance. `--faults` switches on the simulated account's and DynamoDB's faults;
 * `--cost` adds what the run would cost in AWS per million events (counts of this run × list prices, Lambda
 * durations from a one-at-a-time calibration run of the same mix). The engine is @aisaws/loop-load.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  deployedSizing,
  estimateCost,
  formatCostReport,
  formatLoopReport,
  type LoopResult,
  meanBilledMs,
  runLoop,
} from '@aisaws/loop-load';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CALIBRATION_EVENTS = 100;

function positiveInteger(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    process.stderr.write(`bench:loop: ${flag} must be a positive integer, got ${JSON.stringify(value)}\n`);
    process.exit(2);
  }
  return parsed;
}

function machine(): string {
  const cores = cpus();
  const load = loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
  return `machine: ${cores.length} CPU × ${cores[0]?.model.trim() ?? 'unknown'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${load} at the end, Node ${process.version} ${process.platform}/${process.arch}`;
}

async function main(): Promise<void> {
  let flags: ReturnType<typeof parse>;
  try {
    flags = parse();
  } catch (error) {
    process.stderr.write(`bench:loop: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const { values } = flags;
  const events = positiveInteger('--events', values.events, 1000);
  const concurrency = positiveInteger('--concurrency', values.concurrency, 50);
  const seed = positiveInteger('--seed', values.seed, 17);
  const json = values.json === true;
  const progress = (done: number, total: number) => {
    if (!json && process.stderr.isTTY && (done % 50 === 0 || done === total))
      process.stderr.write(`\r${done}/${total} inputs done`);
  };

  const result: LoopResult = await runLoop({
    events,
    concurrency,
    seed,
    faults: values.faults === true,
    onProgress: progress,
  });
  if (!json && process.stderr.isTTY) process.stderr.write('\n');

  let cost: ReturnType<typeof estimateCost> | undefined;
  let costNote = '';
  if (values.cost) {
    const sizing = deployedSizing(join(ROOT, 'infra', 'environments'), values.environment ?? 'prod');
    // Durations of a loaded run include waiting on this machine's shared event loop; bill those of the same mix
    // run one input at a time instead (counts stay the measured run's).
    const calibration = await runLoop({ events: Math.min(CALIBRATION_EVENTS, events), concurrency: 1, seed });
    cost = estimateCost({
      counts: result.counts,
      inputs: result.events,
      memoryMb: sizing.memoryMb,
      billedMsPerInvocation: meanBilledMs(calibration.counts),
      expressBilledMsPerExecution:
        calibration.counts.express.billedMs / calibration.counts.express.executions,
      emailSubscribers: sizing.emailSubscribers,
    });
    costNote = `counts of this run; Lambda and Express durations from a ${calibration.events}-input calibration run one at a time; memory of environment ${sizing.environment} (${Object.entries(
      sizing.memoryMb,
    )
      .map(([stage, mb]) => `${stage} ${mb} MB`)
      .join(', ')})`;
  }

  if (json) {
    process.stdout.write(
      `${JSON.stringify({
        events: result.events,
        throughputPerSecond: Number(result.throughputPerSecond.toFixed(2)),
        latencyMs: {
          decided: pick(result.latencyMs.decided),
          verified: pick(result.latencyMs.verified),
          verifiedAfterApproval: pick(result.latencyMs.verifiedAfterApproval),
        },
        outcomes: result.outcomes,
        lost: result.lost,
        doubleFixes: result.doubleFixes,
        fixedButNotReadBackFixed: result.fixedButNotReadBackFixed,
        balanced: result.balanced,
        concurrency: result.concurrency,
        faults: result.faults,
        wallMs: result.wallMs,
        checks: result.checks,
        retries: result.retries,
        faultsInjected: result.faultsInjected,
        problems: result.problems,
        ...(cost
          ? {
              cost: {
                perMillionEventsUsd: Number(cost.perMillionEventsUsd.toFixed(2)),
                lines: cost.lines,
                note: costNote,
              },
            }
          : {}),
      })}\n`,
    );
  } else {
    process.stdout.write(formatLoopReport(result, machine()));
    if (cost) process.stdout.write(`\n${formatCostReport(cost, costNote)}`);
  }
  process.exitCode = result.balanced ? 0 : 1;
}

function parse() {
  return parseArgs({
    options: {
      events: { type: 'string' },
      concurrency: { type: 'string' },
      seed: { type: 'string' },
      environment: { type: 'string' },
      faults: { type: 'boolean' },
      json: { type: 'boolean' },
      cost: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
}

function pick(figures: { p50: number; p95: number; p99: number }) {
  return { p50: Math.round(figures.p50), p95: Math.round(figures.p95), p99: Math.round(figures.p99) };
}

await main();
