import { spawn } from 'node:child_process';
import { access, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parsePolicy } from '@aisaws/core/policy';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerDemoCommands } from '../../src/demo/index.js';
import { type DemoOptions, runDemo } from '../../src/demo/run-demo.js';
import { InterruptedError } from '../../src/errors.js';
import { runCli } from '../../src/program.js';
import { SandboxBusyError } from '../../src/sandbox/state-dir.js';
import { registerScanCommand } from '../../src/scan/command.js';
import { hasControlCharacter } from '../../src/terminal.js';

/**
 * Issue 16, points 3, 6, 7 and the demo's part of 9: what an argument, a second terminal, Ctrl-C or a state folder
 * can do to `demo`, `approve`, `status` and `rollback`.
 */

const STACK_FRAME = /^\s+at .+(\(|:\d+)/m;

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { stream, text: () => text };
}

/** The commands in-process, as bin.ts runs them. */
async function aisaws(argv: string[], cwd: string) {
  const stdout = sink();
  const stderr = sink();
  const code = await runCli(argv, { stdout: stdout.stream, stderr: stderr.stream, cwd }, [
    registerDemoCommands,
    registerScanCommand,
  ]);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const quiet = () => ({ out: { write: () => {}, isTTY: false } });

/** A pid that is certainly not running: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((done) => child.on('exit', done));
  return child.pid ?? 999_999;
}

const approvePolicy = parsePolicy(
  { detections: { 's3.bucket-acl-public': { mode: 'approve' } } },
  'test policy',
);

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'aisaws-hostile-commands-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

const demoOptions = (stateDir: string, overrides: Partial<DemoOptions> = {}): DemoOptions => ({
  scenario: 's3-public-bucket',
  format: 'json',
  duplicates: 1,
  autoApprove: false,
  reject: false,
  stateDir,
  ...overrides,
});

describe('3. `aisaws approve ""` is a usage error, never "the only pending one"', () => {
  it('refuses an empty or blank target with exit 2 while a demo waits, and the request stays pending', async () => {
    const stateDir = join(workDir, 'approve-empty');
    const attempts: { code: number; stderr: string }[] = [];
    const result = await runDemo(demoOptions(stateDir, { policy: approvePolicy }), {
      ...quiet(),
      onApprovalRequested: async ({ eventId }) => {
        for (const target of ['', '   '])
          attempts.push(await aisaws(['approve', target, '--state-dir', stateDir], workDir));
        // The request is still there to be answered, by its id.
        attempts.push(await aisaws(['approve', eventId, '--reject', '--state-dir', stateDir], workDir));
      },
    });
    expect(attempts.map((attempt) => attempt.code)).toEqual([2, 2, 0]);
    expect(attempts[0]?.stderr).toBe(
      'aisaws approve: the link or event id is empty (an unset shell variable?): give one, or none to use the only pending approval\n',
    );
    expect(result).toMatchObject({ status: 'REJECTED', remediations: 0 });
  }, 30_000);
});

describe('6. an interrupted demo, a second demo, a dead one', () => {
  it('Ctrl-C while waiting for approval: exit 130, no pending approval, no run record, no lock, no .tmp', async () => {
    const stateDir = join(workDir, 'interrupted');
    const interrupt = new AbortController();
    await expect(
      runDemo(demoOptions(stateDir, { policy: approvePolicy, signal: interrupt.signal }), {
        ...quiet(),
        onApprovalRequested: () => interrupt.abort(),
      }),
    ).rejects.toBeInstanceOf(InterruptedError);
    expect(await readdir(join(stateDir, 'pending-approvals'))).toEqual([]);
    expect(await readdir(join(stateDir, 'runs'))).toEqual([]);
    const left = await readdir(stateDir);
    expect(left.filter((name) => name.endsWith('.tmp') || name === 'lock.json')).toEqual([]);
    // The next demo on the folder is not told of a stale approval and runs to its end.
    const next = await aisaws(['demo', '--format', 'json', '--state-dir', stateDir], workDir);
    expect(next.code).toBe(0);
    expect(JSON.parse(next.stdout)).toMatchObject({ status: 'VERIFIED' });
  }, 60_000);

  it('maps the interruption to exit 130 with one line, through the command', async () => {
    const stateDir = join(workDir, 'interrupted-command');
    const interrupt = new AbortController();
    const stdout = sink();
    const stderr = sink();
    const running = runCli(
      ['demo', '--scenario', 'iam-admin-attached', '--state-dir', stateDir],
      { stdout: stdout.stream, stderr: stderr.stream, cwd: workDir, signal: interrupt.signal },
      [registerDemoCommands],
    );
    // Wait until it waits for a person, then press Ctrl-C.
    for (let i = 0; i < 300 && !stdout.text().includes('Waiting for a person'); i++)
      await new Promise((done) => setTimeout(done, 50));
    interrupt.abort();
    expect(await running).toBe(130);
    expect(stderr.text()).toBe(
      'aisaws demo: interrupted: the run was not saved, its pending approval removed\n',
    );
  }, 60_000);

  it('ignores pending approvals left by a demo that is gone: approve picks the live one', async () => {
    const stateDir = join(workDir, 'stale-approval');
    const dead = await deadPid();
    const answers: { code: number; stdout: string; stderr: string }[] = [];
    const result = await runDemo(demoOptions(stateDir, { policy: approvePolicy }), {
      ...quiet(),
      onApprovalRequested: async () => {
        await writeFile(
          join(stateDir, 'pending-approvals', 'stale-event.json'),
          JSON.stringify({
            eventId: 'stale-event',
            approve: 'http://127.0.0.1:9/?decision=approve&token=x',
            reject: 'http://127.0.0.1:9/?decision=reject&token=x',
            expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
            pid: dead,
          }),
        );
        answers.push(await aisaws(['approve', '--state-dir', stateDir], workDir));
      },
    });
    expect(answers[0]?.code).toBe(0);
    expect(answers[0]?.stderr).toBe('');
    expect(result).toMatchObject({ status: 'VERIFIED' });
    expect(await readdir(join(stateDir, 'pending-approvals'))).toEqual([]);
  }, 30_000);

  it('refuses a second demo on the same folder (exit 3) instead of losing one run; both runs are kept', async () => {
    const stateDir = join(workDir, 'two-at-once');
    const [first, second] = await Promise.allSettled([
      runDemo(demoOptions(stateDir), quiet()),
      runDemo(demoOptions(stateDir, { scenario: 'sg-open-world' }), quiet()),
    ]);
    const outcomes = [first, second].map((outcome) => outcome.status);
    expect(outcomes.sort()).toEqual(['fulfilled', 'rejected']);
    const refused = [first, second].find((outcome) => outcome.status === 'rejected');
    expect(refused?.status === 'rejected' ? refused.reason : undefined).toBeInstanceOf(SandboxBusyError);
    // Then, one after the other, both runs are known to status (the events table kept both).
    const again = await aisaws(
      ['demo', '--scenario', 'sg-open-world', '--format', 'json', '--state-dir', stateDir],
      workDir,
    );
    expect(again.code).toBe(0);
    const status = await aisaws(['status', '--format', 'json', '--state-dir', stateDir], workDir);
    expect((JSON.parse(status.stdout) as unknown[]).length).toBe(2);
  }, 60_000);

  it('names the live process holding the sandbox (exit 3), and takes over the lock of a dead one', async () => {
    const stateDir = join(workDir, 'locked');
    await mkdir(stateDir, { recursive: true });
    const holder = spawn('sleep', ['30']);
    try {
      await writeFile(
        join(stateDir, 'lock.json'),
        JSON.stringify({ pid: holder.pid, command: 'demo', startedAt: '2026-12-04T00:00:00.000Z' }),
      );
      const busy = await aisaws(['demo', '--state-dir', stateDir], workDir);
      expect(busy.code).toBe(3);
      expect(busy.stderr).toContain(`is in use by \`aisaws demo\` (pid ${holder.pid}`);
    } finally {
      holder.kill();
      await new Promise((done) => holder.on('exit', done));
    }
    // Its process is gone: the lock is stale. And a temporary file a dead writer left is cleared.
    await writeFile(join(stateDir, `account.json.${await deadPid()}.tmp`), '{');
    const after = await aisaws(['demo', '--format', 'json', '--state-dir', stateDir], workDir);
    expect(after.code).toBe(0);
    expect((await readdir(stateDir)).filter((name) => name.endsWith('.tmp') || name === 'lock.json')).toEqual(
      [],
    );
  }, 60_000);
});

describe('7. messages instead of internals', () => {
  it('refuses a 5,000-character or control-character id (exit 2) before it reaches DynamoDB or a file name', async () => {
    const stateDir = join(workDir, 'ids');
    await aisaws(['demo', '--format', 'json', '--state-dir', stateDir], workDir);
    for (const command of ['status', 'rollback']) {
      for (const id of ['x'.repeat(5000), 'evt\u001b]0;owned\u0007']) {
        const run = await aisaws([command, id, '--state-dir', stateDir], workDir);
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(/eventId must be 1–128 letters, digits/);
        expect(run.stderr).not.toMatch(/ValidationException|ENAMETOOLONG|STACK/);
        expect(run.stderr.length).toBeLessThan(400);
        expect(hasControlCharacter(run.stderr)).toBe(false);
      }
    }
  }, 60_000);

  it('`scan --policy /dev/zero` and a huge policy are usage errors, not "Invalid string length"', async () => {
    const file = join(workDir, 'one.jsonl');
    await writeFile(file, '{}\n');
    const huge = join(workDir, 'huge-policy.json');
    await writeFile(huge, `{"x":"${'y'.repeat(2 * 1024 * 1024)}"}`);
    const zero = await aisaws(['scan', file, '--policy', '/dev/zero'], workDir);
    const big = await aisaws(['scan', file, '--policy', huge], workDir);
    expect(zero).toMatchObject({ code: 2, stdout: '' });
    expect(zero.stderr).toBe('aisaws scan: cannot read the policy file /dev/zero: not a regular file\n');
    expect(big.code).toBe(2);
    expect(big.stderr).toBe(`aisaws scan: cannot read the policy file ${huge}: larger than 1024 KiB\n`);
  });

  it('`--state-dir` naming a file is a usage error; status on a missing folder does not create it', async () => {
    const file = join(workDir, 'a-file');
    await writeFile(file, 'not a folder');
    for (const argv of [
      ['status', '--state-dir', file],
      ['demo', '--state-dir', file],
      ['rollback', 'evt-1', '--state-dir', file],
      ['approve', '--state-dir', join(file, 'below')],
    ]) {
      const run = await aisaws(argv, workDir);
      expect({ argv, code: run.code }).toEqual({ argv, code: 2 });
      expect(run.stderr).toMatch(/--state-dir .*(is not a folder|a parent of it is a file)/);
      expect(run.stderr).not.toMatch(STACK_FRAME);
    }
    const missing = join(workDir, 'never-created');
    for (const argv of [
      ['status', '--state-dir', missing],
      ['rollback', 'evt-1', '--state-dir', missing],
      ['approve', '--state-dir', missing],
    ]) {
      const run = await aisaws(argv, workDir);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(
        `no sandbox at ${missing}: run \`aisaws demo --state-dir ${missing}\` first`,
      );
    }
    await expect(access(missing)).rejects.toThrow(/ENOENT/);
  });
});

describe('9. the demo follows the same rules as every command', () => {
  it('takes --format in any case, and `status` says ROLLED_BACK after a rollback', async () => {
    const stateDir = join(workDir, 'rolled-back');
    const demo = await aisaws(['demo', '--format', 'JSON', '--state-dir', stateDir], workDir);
    expect(demo.code).toBe(0);
    const { eventId } = JSON.parse(demo.stdout) as { eventId: string };
    expect(
      (await aisaws(['rollback', eventId, '--format', 'Json', '--state-dir', stateDir], workDir)).code,
    ).toBe(0);
    const status = await aisaws(['status', eventId, '--format', 'json', '--state-dir', stateDir], workDir);
    expect(JSON.parse(status.stdout)).toMatchObject({ status: 'ROLLED_BACK', recordedStatus: 'ROLLED_BACK' });
    const text = await aisaws(['status', eventId, '--state-dir', stateDir], workDir);
    expect(text.stdout).toContain('status ROLLED_BACK');
  }, 60_000);
});
