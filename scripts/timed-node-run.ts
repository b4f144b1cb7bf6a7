import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

/** What one measured `node` process cost. */
interface RunResult {
  /** Wall-clock time of the whole process, start-up included. */
  readonly seconds: number;
  /** CPU time (user + system, all threads) the process used, from process.cpuUsage() at exit. */
  readonly cpuSeconds: number;
  /** Peak resident memory, from process.resourceUsage() at exit. */
  readonly maxRssMb: number;
  /** Its stderr, without the probe's line. */
  readonly stderr: string;
}

/** Preloaded into every measured process: reports its CPU time and peak memory on stderr at exit. */
const PROBE = `data:text/javascript,import { writeSync } from 'node:fs';
process.on('exit', () => { const u = process.cpuUsage(); writeSync(2, '\\n__probe__ ' + (u.user + u.system) + ' ' + process.resourceUsage().maxRSS + '\\n'); });`;
const PROBE_LINE = /\n__probe__ (\d+) (\d+)\n/;

/**
 * Runs `node ARGS` in `cwd` with stdout to /dev/null (the benchmarks time the work, not a terminal) and resolves to its
 * wall time, CPU time and peak memory. Fails on a non-zero exit code, with its stderr.
 */
function timeNodeRun(args: readonly string[], cwd: string): Promise<RunResult> {
  return new Promise((done, fail) => {
    const devNull = openSync('/dev/null', 'w');
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--import', PROBE, ...args], {
      cwd,
      stdio: ['ignore', devNull, 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      closeSync(devNull);
      const probe = PROBE_LINE.exec(stderr);
      if (code !== 0) fail(new Error(`node ${args.join(' ')} exited with ${code}:\n${stderr}`));
      else
        done({
          seconds,
          cpuSeconds: Number(probe?.[1] ?? Number.NaN) / 1e6,
          maxRssMb: Number(probe?.[2] ?? Number.NaN) / 1024,
          stderr: stderr.replace(PROBE_LINE, '\n'),
        });
    });
  });
}

export type { RunResult };
export { timeNodeRun };
