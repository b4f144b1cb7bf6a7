import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, ScanResultSchema } from '../../src/scan/index.js';
import { ACCOUNT, jsonLines, publicAclRecord, record, scan, tempFolder } from './helpers.js';

type Folder = Awaited<ReturnType<typeof tempFolder>>;

describe('runScan', () => {
  let folder: Folder;
  beforeEach(async () => {
    folder = await tempFolder();
  });
  afterEach(async () => {
    await folder.remove();
  });

  describe('--format json', () => {
    it('writes one result per event that matches the DESIGN §4 contract', async () => {
      // Prepare
      const file = await folder.write(
        'events.jsonl',
        jsonLines([record({ eventID: 'benign' }), publicAclRecord('public')]),
      );
      // Act
      const run = await scan({ paths: [file], format: 'json' });
      // Assess
      expect(run.exitCode).toBe(EXIT_OK);
      const results = run.lines.map((line) => ScanResultSchema.parse(line));
      expect(results.map((r) => r.eventId)).toEqual(['benign', 'public']);
      const [benign, publicAcl] = results;
      expect(benign?.detections).toEqual([]);
      expect(benign?.decision.action).toBe('LOG_ONLY');
      // The ACL change also shows as the informational CIS 4.8 change monitor.
      expect(publicAcl?.detections).toEqual([
        expect.objectContaining({
          id: 's3.bucket-acl-public',
          title: expect.any(String),
          severity: expect.any(Number),
        }),
        expect.objectContaining({ id: 's3.bucket-access-changed', severity: 0.15 }),
      ]);
      expect(publicAcl?.decision.action).not.toBe('LOG_ONLY');
      expect(publicAcl?.risk.score).toBeGreaterThan(benign?.risk.score ?? 1);
      expect(publicAcl?.risk.explanation.length).toBeGreaterThan(0);
    });

    it('gives risk.level from the policy thresholds', async () => {
      const file = await folder.write('events.jsonl', jsonLines([publicAclRecord('p1')]));
      const policy = await folder.write(
        'policy.json',
        JSON.stringify({ thresholds: { medium: 0.001, high: 0.002 } }),
      );
      const run = await scan({ paths: [file], format: 'json', policy });
      expect((run.lines[0] as { risk: { level: string } }).risk.level).toBe('HIGH');
    });
  });

  describe('summary on stderr', () => {
    it('counts events, errors, detections by id and decisions by action, with time and rate', async () => {
      const file = await folder.write(
        'events.jsonl',
        `${jsonLines([record({ eventID: 'a' }), publicAclRecord('b'), publicAclRecord('c', 'other-bucket')])}bad\n`,
      );
      const run = await scan({ paths: [file], format: 'json' });
      expect(run.stderr).toMatch(/^scan: 3 events, 1 input errors, 1 files, \d+\.\d\d s, [\d,]+ events\/s$/m);
      expect(run.stderr).toMatch(/^detections: s3\.bucket-access-changed 2, s3\.bucket-acl-public 2$/m);
      expect(run.stderr).toMatch(/^decisions: LOG_ONLY 1, ALERT \d, AUTO_REMEDIATE \d, HUMAN_APPROVAL \d$/m);
      expect(run.stdout).not.toContain('scan:');
    });

    it('shows a progress bar only when stderr is a terminal', async () => {
      const file = await folder.write('events.jsonl', jsonLines([record({ eventID: 'a' })]));
      const onTerminal = await scan({ paths: [file], format: 'json' }, true);
      const inPipe = await scan({ paths: [file], format: 'json' }, false);
      expect(onTerminal.stderr).toContain('scan [');
      expect(inPipe.stderr).not.toContain('scan [');
    });
  });

  describe('self-identity (trap T7)', () => {
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/aisaws-prod-member-remediation`;
    const bySession = (eventID: string, arn: string) => ({
      ...publicAclRecord(eventID),
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${arn.split('/').pop()}/s`,
        accountId: ACCOUNT,
        sessionContext: { sessionIssuer: { type: 'Role', arn, accountId: ACCOUNT } },
      },
    });

    it('without configuration treats no call as AISAWS own, and says so', async () => {
      // Prepare
      const file = await folder.write('events.jsonl', jsonLines([bySession('ours', roleArn)]));
      // Act
      const run = await scan({ paths: [file], format: 'json' });
      // Assess
      expect((run.lines[0] as { decision: { action: string } }).decision.action).not.toBe('LOG_ONLY');
      expect(run.stderr).toContain(
        "aisaws scan: self-identity: none configured (policy selfIdentity.roleArns), so no call was treated as AISAWS's own",
      );
    });

    it('with the policy self-identity skips exactly those roles, not one merely named aisaws-x', async () => {
      // Prepare
      const file = await folder.write(
        'events.jsonl',
        jsonLines([
          bySession('ours', roleArn),
          bySession('look-alike', `arn:aws:iam::${ACCOUNT}:role/aisaws-x`),
        ]),
      );
      const policy = await folder.write(
        'policy.json',
        JSON.stringify({ selfIdentity: { roleArns: [roleArn] } }),
      );
      // Act
      const run = await scan({ paths: [file], format: 'json', policy });
      // Assess
      const [ours, lookAlike] = run.lines as { detections: unknown[]; decision: { action: string } }[];
      expect(ours?.detections).toEqual([]);
      expect(ours?.decision.action).toBe('LOG_ONLY');
      expect(lookAlike?.detections.length).toBeGreaterThan(0);
      expect(lookAlike?.decision.action).not.toBe('LOG_ONLY');
      expect(run.stderr).toContain('self-identity: calls by the 1 role ARN of policy selfIdentity.roleArns');
    });
  });

  describe('--policy', () => {
    it('rejects an invalid policy naming the file and the field, exit 2, no output', async () => {
      const file = await folder.write('events.jsonl', jsonLines([record()]));
      const policy = await folder.write(
        'policy.json',
        JSON.stringify({ thresholds: { high: 1.5 }, dryRun: 'yes' }),
      );
      const run = await scan({ paths: [file], format: 'json', policy });
      expect(run.exitCode).toBe(EXIT_USAGE);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('invalid policy');
      expect(run.stderr).toContain(`${policy}: thresholds.high`);
      expect(run.stderr).toContain(`${policy}: dryRun`);
    });

    it('rejects a policy file that is not JSON, or missing', async () => {
      const file = await folder.write('events.jsonl', jsonLines([record()]));
      const notJson = await folder.write('policy.yaml', 'thresholds:\n  high: 0.9\n');
      const badJson = await scan({ paths: [file], policy: notJson });
      const missing = await scan({ paths: [file], policy: `${folder.dir}/nope.json` });
      expect(badJson.exitCode).toBe(EXIT_USAGE);
      expect(badJson.stderr).toContain(`the policy file ${notJson} is not valid JSON`);
      expect(missing.exitCode).toBe(EXIT_USAGE);
      expect(missing.stderr).toContain('cannot read the policy file');
    });

    it('applies a valid policy: a detection set to log is only logged', async () => {
      const file = await folder.write('events.jsonl', jsonLines([publicAclRecord('p')]));
      const policy = await folder.write(
        'policy.json',
        JSON.stringify({ detections: { 's3.bucket-acl-public': { mode: 'log' } } }),
      );
      const withPolicy = await scan({ paths: [file], format: 'json', policy });
      const without = await scan({ paths: [file], format: 'json' });
      expect((withPolicy.lines[0] as { decision: { action: string } }).decision.action).toBe('LOG_ONLY');
      expect((without.lines[0] as { decision: { action: string } }).decision.action).not.toBe('LOG_ONLY');
    });
  });

  describe('exit codes', () => {
    it('exits 0 with findings and input errors when --fail-on is not given', async () => {
      const file = await folder.write('events.jsonl', `${jsonLines([publicAclRecord('p')])}oops\n`);
      expect((await scan({ paths: [file] })).exitCode).toBe(EXIT_OK);
    });

    it('--fail-on exits 1 when a decision reaches the level, 0 when none does', async () => {
      const risky = await folder.write('risky.jsonl', jsonLines([publicAclRecord('p')]));
      const calm = await folder.write('calm.jsonl', jsonLines([record({ eventID: 'quiet' })]));
      const failed = await scan({ paths: [risky], format: 'json', failOn: 'high' });
      const passed = await scan({ paths: [calm], format: 'json', failOn: 'HIGH' });
      expect(failed.exitCode).toBe(EXIT_FINDINGS);
      expect(failed.stderr).toContain('a decision at HIGH or above (--fail-on)');
      expect(passed.exitCode).toBe(EXIT_OK);
    });

    it('exits 2 with a clear message for a missing path, a bad format or a bad --fail-on', async () => {
      const file = await folder.write('events.jsonl', jsonLines([record()]));
      const missing = await scan({ paths: [`${folder.dir}/absent.json`] });
      const noPath = await scan({ paths: [] });
      const format = await scan({ paths: [file], format: 'xml' });
      const failOn = await scan({ paths: [file], failOn: 'critical' });
      expect(missing).toMatchObject({ exitCode: EXIT_USAGE, stdout: '' });
      expect(missing.stderr).toContain(`path not found: ${folder.dir}/absent.json`);
      expect(noPath.stderr).toContain('scan needs at least one PATH');
      expect(format.stderr).toContain('--format must be table, json, sarif or ocsf, not "xml"');
      expect(failOn.stderr).toContain('--fail-on must be low, medium or high, not "CRITICAL"');
      for (const run of [noPath, format, failOn]) expect(run.exitCode).toBe(EXIT_USAGE);
    });
  });
});
