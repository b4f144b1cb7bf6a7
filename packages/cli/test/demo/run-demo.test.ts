import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePolicy } from '@aisaws/core/policy';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runApprove } from '../../src/demo/approve.js';
import { runRollback } from '../../src/demo/rollback.js';
import { type DemoOptions, type DemoResult, runDemo } from '../../src/demo/run-demo.js';
import { SCENARIOS } from '../../src/demo/scenarios.js';
import { runStatus } from '../../src/demo/status.js';

/** Collects what a command writes; never a TTY, so no colour codes. */
function captureOutput() {
  const chunks: string[] = [];
  return {
    out: { write: (text: string) => void chunks.push(text), isTTY: false },
    text: () => chunks.join(''),
  };
}

let stateDir: string;
beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'aisaws-demo-test-'));
});
afterAll(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

const options = (overrides: Partial<DemoOptions>): DemoOptions => ({
  scenario: 's3-public-bucket',
  format: 'json',
  duplicates: 1,
  autoApprove: false,
  reject: false,
  stateDir,
  ...overrides,
});

/** Runs the demo in JSON mode and returns the one JSON object it printed (checked against the return value). */
async function demoJson(overrides: Partial<DemoOptions>): Promise<DemoResult> {
  const output = captureOutput();
  const returned = await runDemo(options(overrides), { out: output.out });
  const lines = output.text().trim().split('\n');
  expect(lines).toHaveLength(1);
  const printed = JSON.parse(lines[0] ?? '') as DemoResult;
  expect(printed).toEqual(JSON.parse(JSON.stringify(returned)));
  return printed;
}

const latencies: Record<string, number> = {};

describe('aisaws demo: the seed scenario (public bucket)', () => {
  let result: DemoResult;
  beforeAll(async () => {
    result = await demoJson({ duplicates: 3 });
    latencies['s3-public-bucket (3 deliveries)'] = result.latencyMs;
  }, 60_000);

  it('makes the bucket private with Block Public Access on, verified, with one remediation for three deliveries', () => {
    expect(result).toMatchObject({
      scenario: 's3-public-bucket',
      decision: 'AUTO_REMEDIATE',
      status: 'VERIFIED',
      verified: true,
      remediations: 1,
      deliveries: 3,
    });
    expect(result.resource.before).toMatchObject({
      public: true,
      aclPublicGrants: ['READ to AllUsers'],
      blockPublicAccess: 'none',
    });
    expect(result.resource.after).toMatchObject({
      public: false,
      aclPublicGrants: [],
      blockPublicAccess: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    });
  });

  it('runs the stages of both workflows in order, each triage stage once per delivery', () => {
    const names = result.stages.map((stage) => stage.name);
    expect(names.filter((name) => name === 'Ingest')).toHaveLength(3);
    expect(names.filter((name) => name === 'Snapshot')).toHaveLength(1);
    const firstOf = (name: string) => names.indexOf(name);
    for (const [earlier, later] of [
      ['Ingest', 'Score'],
      ['Score', 'Decide'],
      ['Decide', 'Snapshot'],
      ['Snapshot', 'Remediate'],
      ['Remediate', 'Verify'],
      ['Verify', 'Alert'],
      ['Alert', 'Record Verified'],
    ] as const)
      expect(firstOf(earlier)).toBeLessThan(firstOf(later));
    expect(result.stages.every((stage) => stage.ok && stage.ms >= 0)).toBe(true);
    expect(result.latencyMs).toBeGreaterThan(0);
  });

  it('sends one alert e-mail, written as an .eml file, that tells what was fixed', async () => {
    expect(result.emails).toHaveLength(1);
    expect(result.alert?.subject).toMatch(/fixed and verified/);
    expect(result.alert?.body).toContain(`aisaws rollback ${result.eventId}`);
    const eml = await readFile(result.emails[0]?.file ?? '', 'utf8');
    // The subject has non-ASCII characters (… —): RFC 2047 encoded-word in the header.
    expect(eml).toContain(
      `Subject: =?UTF-8?B?${Buffer.from(result.alert?.subject ?? '', 'utf8').toString('base64')}?=`,
    );
    expect(await readdir(join(stateDir, 'outbox'))).toContain(result.emails[0]?.file.split('/').at(-1));
  });

  it('`aisaws status <eventId>` shows the timeline of stages from the events table', async () => {
    const output = captureOutput();
    const [view] = await runStatus({ stateDir, eventId: result.eventId, format: 'text' }, output.out);
    expect(view?.status).toBe('VERIFIED');
    // The stages write their own timeline keys (received … snapshot, the apply step, verified), in time order.
    const stages = view?.timeline.map((step) => step.stage) ?? [];
    expect(stages.slice(0, 4)).toEqual(['received', 'scored', 'decided', 'snapshot']);
    expect(stages.at(-1)).toBe('verified');
    expect(stages).toHaveLength(6);
    const times = view?.timeline.map((step) => step.sinceStartMs) ?? [];
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(output.text()).toMatch(/status VERIFIED/);
    expect(output.text()).toMatch(/received[\s\S]*verified/);
  });

  it('`aisaws rollback <eventId>` makes the bucket public again from the stored snapshot', async () => {
    const output = captureOutput();
    const rollback = await runRollback({ stateDir, eventId: result.eventId, format: 'text' }, output.out);
    expect(rollback.resource.before).toMatchObject({ public: false });
    expect(rollback.resource.after).toMatchObject({
      public: true,
      aclPublicGrants: ['READ to AllUsers'],
      blockPublicAccess: 'none',
    });
    expect(rollback.changes.length).toBeGreaterThan(0);
    const [view] = await runStatus(
      { stateDir, eventId: result.eventId, format: 'json' },
      captureOutput().out,
    );
    expect(view?.timeline.map((step) => step.stage)).toContain('rolledBack');
  });
});

describe('aisaws demo: every scenario ends as the default policy says', () => {
  const automatic = SCENARIOS.filter((scenario) => scenario.expectedDecision === 'AUTO_REMEDIATE');

  it.each(automatic.map((scenario) => [scenario.id]))(
    '%s is fixed automatically and verified',
    async (id) => {
      const result = await demoJson({ scenario: id });
      latencies[id] = result.latencyMs;
      expect(result).toMatchObject({
        decision: 'AUTO_REMEDIATE',
        status: 'VERIFIED',
        verified: true,
        remediations: 1,
      });
      expect(result.alert?.subject).toMatch(/fixed and verified/);
      expect(result.resource.after).not.toEqual(result.resource.before);
    },
    30_000,
  );

  it('sg-open-world revokes only the world-open rule, and rollback puts it back', async () => {
    const result = await demoJson({ scenario: 'sg-open-world', stateDir: join(stateDir, 'sg-only') });
    expect(result.resource.before).toMatchObject({ openToWorld: true });
    expect(result.resource.after).toMatchObject({
      openToWorld: false,
      ingress: ['tcp 443 from 10.0.0.0/16'],
    });
  }, 30_000);

  it('root-login-no-mfa is ALERT: nothing is changed, a person gets the alert e-mail, the item ends ALERTED', async () => {
    const result = await demoJson({ scenario: 'root-login-no-mfa' });
    latencies['root-login-no-mfa (to alert)'] = result.latencyMs;
    expect(result).toMatchObject({
      decision: 'ALERT',
      level: 'HIGH',
      status: 'ALERTED',
      verified: false,
      remediations: 0,
    });
    expect(result.reason).toMatch(/alert only/);
    expect(result.score).toBeGreaterThanOrEqual(0.7);
    expect(result.resource.after).toEqual(result.resource.before);
    expect(result.apiCalls).toEqual([]);
    expect(result.stages.map((stage) => stage.name)).toEqual([
      'Ingest',
      'Score',
      'Decide',
      'Alert Person',
      'Record Alerted',
    ]);
    expect(result.emails).toHaveLength(1);
    expect(result.alert?.subject).toMatch(
      /^\[AISAWS HIGH\] Root user signed in to the console.* — alert, nothing was changed$/,
    );
    expect(result.alert?.body).toContain('NOTHING WAS CHANGED: WHAT TO DO');
    expect(result.alert?.body).toContain('No AISAWS playbook fixes this detection');
    expect(result.alert?.body).toContain('enable MFA on root');
    const written = await readFile(result.emails[0]?.file ?? '', 'utf8');
    expect(written).toContain('alert, nothing was changed');
  }, 30_000);
});

describe('aisaws demo: human approval through the real approval handler', () => {
  it('iam-admin-attached waits for approval; --auto-approve detaches AdministratorAccess', async () => {
    const result = await demoJson({ scenario: 'iam-admin-attached', autoApprove: true });
    latencies['iam-admin-attached (auto-approved)'] = result.latencyMs;
    expect(result).toMatchObject({
      decision: 'HUMAN_APPROVAL',
      status: 'VERIFIED',
      verified: true,
      remediations: 1,
    });
    expect(result.emails.map((email) => email.subject)).toEqual([
      expect.stringMatching(/approval/i),
      expect.stringMatching(/fixed and verified/),
    ]);
    expect(result.resource.after).toMatchObject({
      administrator: false,
      attachedPolicies: ['ReadOnlyAccess'],
    });
  }, 30_000);

  it('guardduty-credential-exfiltration: the GuardDuty finding through the real workflows, approved, sessions revoked and VERIFIED', async () => {
    const result = await demoJson({ scenario: 'guardduty-credential-exfiltration', autoApprove: true });
    latencies['guardduty-credential-exfiltration (auto-approved)'] = result.latencyMs;
    expect(result.eventId).toMatch(/^finding:[0-9a-f]{32}@\d{4}-\d{2}-\d{2}T/);
    expect(result).toMatchObject({
      decision: 'HUMAN_APPROVAL',
      status: 'VERIFIED',
      verified: true,
      remediations: 1,
    });
    expect(result.reason).toContain('iam.revoke-role-sessions');
    expect(result.resource.before).toMatchObject({ olderSessionsRevoked: false, inlinePolicies: [] });
    expect(result.resource.after).toMatchObject({
      olderSessionsRevoked: true,
      inlinePolicies: ['AISAWSRevokeOlderSessions'],
    });
    expect(result.apiCalls).toEqual([expect.stringMatching(/^iam:PutRolePolicy web-app-instance-/)]);
    // One ASFF finding for the event, upserted NOTIFIED while waiting, then RESOLVED once verified
    expect(result.securityHub).toEqual([
      {
        id: `aisaws/${result.eventId}`,
        workflowStatus: 'RESOLVED',
        severity: expect.stringMatching(/^(HIGH|CRITICAL)$/),
      },
    ]);
    expect(result.emails.map((email) => email.subject)).toEqual([
      expect.stringMatching(/approval/i),
      expect.stringMatching(/fixed and verified/),
    ]);
  }, 30_000);

  it('guardduty-credential-exfiltration without an answer waits: nothing is revoked before a person approves', async () => {
    const result = await demoJson({ scenario: 'guardduty-credential-exfiltration', reject: true });
    expect(result).toMatchObject({ decision: 'HUMAN_APPROVAL', status: 'REJECTED', remediations: 0 });
    expect(result.resource.after).toMatchObject({ olderSessionsRevoked: false, inlinePolicies: [] });
    expect(result.securityHub).toEqual([expect.objectContaining({ workflowStatus: 'NEW' })]);
  }, 30_000);

  it('--reject ends REJECTED with an alert, and the user keeps the policy', async () => {
    const result = await demoJson({ scenario: 'iam-admin-attached', reject: true });
    expect(result).toMatchObject({
      decision: 'HUMAN_APPROVAL',
      status: 'REJECTED',
      verified: false,
      remediations: 0,
    });
    expect(result.alert?.subject).toMatch(/reject/i);
    expect(result.resource.after).toMatchObject({ administrator: true });
  }, 30_000);

  // The same path on the seed scenario with a policy that asks for approval: independent of the IAM playbook.
  const approvePolicy = parsePolicy(
    { detections: { 's3.bucket-acl-public': { mode: 'approve' } } },
    'test policy',
  );

  it('waits until `aisaws approve <eventId>` (the signed link over HTTP) approves, then fixes and verifies', async () => {
    const answers: unknown[] = [];
    const output = captureOutput();
    const result = await runDemo(options({ policy: approvePolicy, format: 'text' }), {
      out: output.out,
      onApprovalRequested: async ({ eventId }) => {
        answers.push(await runApprove({ target: eventId, reject: false, stateDir }, captureOutput().out));
      },
    });
    expect(answers).toEqual([expect.objectContaining({ decision: 'approve', statusCode: 200 })]);
    expect(result).toMatchObject({ decision: 'HUMAN_APPROVAL', status: 'VERIFIED', remediations: 1 });
    expect(result.resource.after).toMatchObject({ public: false });
    expect(output.text()).toContain('Waiting for a person to approve or reject');
  }, 30_000);

  it('refuses a tampered link and a second answer to the same request (once-only)', async () => {
    const statusCodes: number[] = [];
    const click = async (link: string, reject = false) =>
      statusCodes.push(
        (await runApprove({ target: link, reject, stateDir }, captureOutput().out)).statusCode,
      );
    const result = await runDemo(options({ policy: approvePolicy }), {
      out: captureOutput().out,
      onApprovalRequested: async ({ approve, reject }) => {
        await click(
          approve.replace(/sig=([0-9a-f])/, (_all, first: string) => `sig=${first === '0' ? '1' : '0'}`),
        );
        await click(reject, true);
        await click(approve);
      },
    });
    expect(statusCodes).toEqual([403, 200, 409]);
    expect(result).toMatchObject({ status: 'REJECTED', remediations: 0 });
    expect(result.resource.after).toMatchObject({ public: true });
  }, 30_000);
  it('a mail scanner that pre-fetches every link (GET and HEAD, both links) decides nothing; the person still decides', async () => {
    const prefetched: { method: string; status: number; page: string }[] = [];
    let personAnswer: number | undefined;
    const result = await runDemo(options({ policy: approvePolicy }), {
      out: captureOutput().out,
      onApprovalRequested: async ({ eventId, approve, reject }) => {
        for (const link of [approve, reject, approve])
          for (const method of ['GET', 'HEAD']) {
            const response = await fetch(link, { method });
            prefetched.push({ method, status: response.status, page: await response.text() });
          }
        // Had any prefetch acted, this answer would be refused with 409 Already decided.
        personAnswer = (await runApprove({ target: eventId, reject: true, stateDir }, captureOutput().out))
          .statusCode;
      },
    });
    expect(prefetched.map((entry) => entry.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(prefetched.filter((entry) => entry.method === 'GET').map((entry) => entry.page)).toEqual([
      expect.stringContaining('Nothing has been done yet'),
      expect.stringContaining('Nothing has been done yet'),
      expect.stringContaining('Nothing has been done yet'),
    ]);
    expect(personAnswer).toBe(200);
    expect(result).toMatchObject({ status: 'REJECTED', remediations: 0 });
    expect(result.resource.after).toMatchObject({ public: true });
  }, 30_000);
});

// A stage's latency as the narrator writes it: `412 ms`, or `1.74 s` when the machine is slow.
const DURATION = String.raw`(?:\d+ ms|\d+\.\d+ s)`;

describe('aisaws demo: what a person reads', () => {
  it('narrates each stage with its latency, the score, the e-mail and the fix, without colour codes off a terminal', async () => {
    const output = captureOutput();
    const result = await runDemo(options({ format: 'text', stateDir: join(stateDir, 'text') }), {
      out: output.out,
    });
    const text = output.text();
    for (const line of [
      /The change \(simulated AWS account → CloudTrail → EventBridge\)/,
      /dev-sam calls s3:PutBucketAcl from 203\.0\.113\.42/,
      new RegExp(`✓ Ingest +${DURATION} {2}detections: s3\\.bucket-acl-public \\(0\\.85\\)`),
      new RegExp(`✓ Score +${DURATION} {2}risk 0\\.\\d\\d`),
      new RegExp(`✓ Decide +${DURATION} {2}AUTO_REMEDIATE \\(HIGH\\)`),
      new RegExp(`✓ Remediate +${DURATION} {2}applied: PutBucketAcl`),
      new RegExp(`✓ Verify +${DURATION} {2}converged`),
      /┌─ Subject: .*fixed and verified/,
      /public: +yes → no/,
      new RegExp(`Event → verified fix: ${DURATION}`),
    ])
      expect(text).toMatch(line);
    expect(text).toContain(result.eventId);
    expect(text).not.toContain('\u001b[');
  }, 30_000);

  it('colours the output on a terminal', async () => {
    const chunks: string[] = [];
    await runDemo(options({ format: 'text', stateDir: join(stateDir, 'tty') }), {
      out: { write: (text) => void chunks.push(text), isTTY: true },
    });
    expect(chunks.join('')).toContain('\u001b[32m✓');
  }, 30_000);
});

describe('aisaws demo: input checks', () => {
  it('names the unknown scenario and lists the known ones', async () => {
    await expect(runDemo(options({ scenario: 'nope' }), { out: captureOutput().out })).rejects.toThrow(
      /unknown scenario "nope"; known: s3-public-bucket, sg-open-world/,
    );
  });

  it('refuses --auto-approve with --reject, and fewer than one delivery', async () => {
    await expect(
      runDemo(options({ autoApprove: true, reject: true }), { out: captureOutput().out }),
    ).rejects.toThrow(/cannot be used together/);
    await expect(runDemo(options({ duplicates: 0 }), { out: captureOutput().out })).rejects.toThrow(
      /duplicates/,
    );
  });
});

afterAll(() => {
  // The measured event → verified-fix latencies, for the report.
  process.stdout.write(`demo latency (ms): ${JSON.stringify(latencies)}\n`);
});
