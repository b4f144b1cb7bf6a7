import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

/**
 * The built CLI (tsup, as `pnpm --filter @aisaws/cli build` makes it) runs its commands: the bundle is ES modules with
 * CommonJS code inside, and some dependencies stay external. Built into a folder under node_modules, so it resolves
 * the package's dependencies as dist/ does and no linter sees it.
 */

const run = promisify(execFile);
const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = resolve(PACKAGE, '../..');
const OUT = join(PACKAGE, 'node_modules', `.bundle-test-${process.pid}`);
let workDir: string;

beforeAll(async () => {
  await run(
    process.execPath,
    [join(ROOT, 'node_modules/tsup/dist/cli-default.js'), '--out-dir', OUT, '--silent'],
    {
      cwd: PACKAGE,
    },
  );
  workDir = await mkdtemp(join(tmpdir(), 'aisaws-bundle-'));
}, 120_000);

afterAll(async () => {
  await rm(OUT, { recursive: true, force: true });
  await rm(workDir, { recursive: true, force: true });
});

describe('the built aisaws', () => {
  it('runs the demo: the sandbox emulators load from the bundle', async () => {
    const { stdout } = await run(process.execPath, [join(OUT, 'bin.js'), 'demo'], {
      cwd: workDir,
      timeout: 60_000,
    });
    expect(stdout).toContain('Outcome: VERIFIED');
  }, 90_000);

  it('scans the samples', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      [join(OUT, 'bin.js'), 'scan', '--format', 'json', join(PACKAGE, 'samples')],
      { cwd: workDir, timeout: 60_000 },
    );
    expect(stdout.trim().split('\n')).toHaveLength(11);
    expect(stderr).toMatch(/scan: 10 events, 1 input errors, 3 files/);
  }, 90_000);
});
