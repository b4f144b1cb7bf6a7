import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerDemoCommands } from '../../src/demo/index.js';
import { runCli } from '../../src/program.js';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A Writable that keeps what was written. */
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

async function aisaws(argv: string[], cwd: string) {
  const stdout = sink();
  const stderr = sink();
  const code = await runCli(argv, { stdout: stdout.stream, stderr: stderr.stream, cwd }, [
    registerDemoCommands,
  ]);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'aisaws-demo-cli-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('aisaws demo / status / rollback / approve as commands', () => {
  it('`demo --list --format json` lists every scenario with the decision the default policy gives', async () => {
    const { code, stdout } = await aisaws(['demo', '--list', '--format', 'json'], workDir);
    expect(code).toBe(0);
    const scenarios = JSON.parse(stdout) as { id: string; expectedDecision: string }[];
    expect(scenarios.map((scenario) => [scenario.id, scenario.expectedDecision])).toEqual([
      ['s3-public-bucket', 'AUTO_REMEDIATE'],
      ['sg-open-world', 'AUTO_REMEDIATE'],
      ['cloudtrail-stopped', 'AUTO_REMEDIATE'],
      ['ebs-snapshot-public', 'AUTO_REMEDIATE'],
      ['iam-admin-attached', 'HUMAN_APPROVAL'],
      ['root-login-no-mfa', 'ALERT'],
      ['guardduty-credential-exfiltration', 'HUMAN_APPROVAL'],
    ]);
  });

  it('`demo --format json --duplicates 2` prints one JSON result; `status` then reads it from the state folder', async () => {
    const demo = await aisaws(
      ['demo', '--format', 'json', '--duplicates', '2', '--state-dir', 'sandbox', '--outbox', 'mail'],
      workDir,
    );
    expect(demo.code).toBe(0);
    const result = JSON.parse(demo.stdout) as {
      eventId: string;
      verified: boolean;
      remediations: number;
      emails: { file: string }[];
    };
    expect(result).toMatchObject({ verified: true, remediations: 1 });
    expect(result.emails.map((email) => email.file)).toEqual([
      expect.stringContaining(join(workDir, 'mail')),
    ]);
    expect((await readdir(join(workDir, 'mail'))).filter((name) => name.endsWith('.eml'))).toHaveLength(1);

    const status = await aisaws(
      ['status', result.eventId, '--format', 'json', '--state-dir', 'sandbox'],
      workDir,
    );
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      eventId: result.eventId,
      status: 'VERIFIED',
      scenario: 's3-public-bucket',
    });

    const list = await aisaws(['status', '--state-dir', 'sandbox'], workDir);
    expect(list.stdout).toContain(`${result.eventId}  VERIFIED`);
  }, 60_000);

  it("fails with the exit code of README's table and one line naming the problem", async () => {
    // 3: well-formed, but there is nothing to do it on.
    const rollback = await aisaws(['rollback', 'no-such-event', '--state-dir', 'sandbox'], workDir);
    expect(rollback.code).toBe(3);
    expect(rollback.stderr).toBe(
      `aisaws rollback: no demo run for event no-such-event in ${join(workDir, 'sandbox')} (see \`aisaws status\`)\n`,
    );
    const approve = await aisaws(['approve', '--state-dir', 'sandbox'], workDir);
    expect(approve.code).toBe(3);
    expect(approve.stderr).toMatch(/no demo is waiting for an approval/);
    // 2: usage errors of the demo, as of every other command.
    const unknown = await aisaws(['demo', '--scenario', 'nope', '--state-dir', 'sandbox'], workDir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown scenario "nope"/);
    const both = await aisaws(['demo', '--auto-approve', '--reject', '--state-dir', 'sandbox'], workDir);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--auto-approve and --reject cannot be used together/);
  }, 30_000);
});

describe('end to end: a fresh process', () => {
  // Needs `registerDemoCommands` in COMMANDS of src/program.ts (the program's one line per command module).
  it('`tsx src/bin.ts demo --format json` runs the seed scenario to a verified fix', async () => {
    const started = performance.now();
    const { stdout } = await promisify(execFile)(
      join(packageDir, '..', '..', 'node_modules', '.bin', 'tsx'),
      [join(packageDir, 'src', 'bin.ts'), 'demo', '--format', 'json', '--state-dir', join(workDir, 'e2e')],
      { cwd: workDir, timeout: 60_000 },
    );
    const wallMs = performance.now() - started;
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(result).toMatchObject({
      scenario: 's3-public-bucket',
      decision: 'AUTO_REMEDIATE',
      verified: true,
      remediations: 1,
      resource: {
        after: { public: false, blockPublicAccess: { BlockPublicAcls: true, RestrictPublicBuckets: true } },
      },
    });
    expect(result.stages).toEqual(
      expect.arrayContaining([{ name: 'Verify', ok: true, ms: expect.any(Number) }]),
    );
    process.stdout.write(
      `e2e demo process: ${Math.round(wallMs)} ms wall clock (tsx compile + sandbox + loop)\n`,
    );
    expect(wallMs).toBeLessThan(60_000);
  }, 70_000);
});
