import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** What a script run in its own process wrote. */
interface ProcessRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `source` (an ES module in TypeScript, through tsx) in a Node process of its own and returns what it wrote: for
 * a test of something that is the process's, not the test's, to change (a thread's priority, a V8 flag), so the test
 * runner's process is left as it was. The script imports the code under test by absolute file URL.
 */
async function runScriptInOwnProcess(source: string, timeoutMs = 60_000): Promise<ProcessRun> {
  const dir = await mkdtemp(join(tmpdir(), 'aisaws-own-process-'));
  try {
    const script = join(dir, 'script.mts');
    await writeFile(script, source);
    const run = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [script], {
      encoding: 'utf8',
      timeout: timeoutMs,
    });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export type { ProcessRun };
export { runScriptInOwnProcess };
