import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { ScanLineSchema } from '../../src/scan/index.js';

const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ROOT = resolve(PACKAGE, '../..');
const SAMPLES = join(PACKAGE, 'samples');

/** Runs the real command, as `pnpm aisaws` does: tsx on src/bin.ts. */
function aisaws(args: readonly string[]) {
  const run = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(PACKAGE, 'src/bin.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('aisaws scan (end to end)', () => {
  it('scans the shipped samples: every line follows the contract, each sample scenario is detected', () => {
    // Act
    const run = aisaws(['scan', '--format', 'json', SAMPLES]);
    // Assess
    expect(run.status).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => ScanLineSchema.parse(JSON.parse(line)));
    expect(lines).toHaveLength(11);
    const detected = lines.flatMap((line) => ('detections' in line ? line.detections.map((d) => d.id) : []));
    expect(detected).toEqual(
      expect.arrayContaining([
        's3.bucket-acl-public',
        'ec2.security-group-open-to-world',
        'cloudtrail.logging-stopped',
        'iam.admin-policy-attached',
        'iam.access-key-for-other-user',
      ]),
    );
    expect(detected.some((id) => id.startsWith('identity.root'))).toBe(true);
    // The failed PutBucketAcl is scored but never acted on; the malformed line is reported with its line.
    const failed = lines.find(
      (line) => 'eventId' in line && line.eventId === '7d3e9f1a-2b4c-4d5e-8f60-718293a4b5c6',
    );
    expect(failed && 'decision' in failed ? failed.decision.action : undefined).toBe('LOG_ONLY');
    expect(lines.filter((line) => 'error' in line)).toEqual([
      expect.objectContaining({ file: join(SAMPLES, 'eventbridge-events.jsonl'), line: 3 }),
    ]);
    expect(run.stderr).toMatch(/scan: 10 events, 1 input errors, 3 files/);
  }, 60_000);

  it('exits 2 with a usage message when no path is given or a path is missing', () => {
    const none = aisaws(['scan']);
    const missing = aisaws(['scan', join(SAMPLES, 'no-such-file.json')]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("missing required argument 'paths'");
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('path not found');
  }, 60_000);

  it('reads a large file through worker threads (the first started before the modules load) as one thread does', async () => {
    // Prepare: 9 MB of JSON Lines, enough for the pool (8 MiB), from one record with its id and caller varied.
    const folder = await mkdtemp(join(tmpdir(), 'aisaws-e2e-'));
    try {
      const path = join(folder, 'large.jsonl');
      const lines: string[] = [];
      for (let n = 0, bytes = 0; bytes < 9_000_000; n++) {
        const line = JSON.stringify({
          eventVersion: '1.09',
          eventID: `e2e-${n}`,
          eventTime: '2026-11-24T09:00:00Z',
          eventSource: n % 50 === 0 ? 's3.amazonaws.com' : 'ec2.amazonaws.com',
          eventName: n % 50 === 0 ? 'PutBucketAcl' : 'DescribeInstances',
          awsRegion: 'us-east-1',
          sourceIPAddress: `198.51.100.${n % 200}`,
          userIdentity: {
            type: 'IAMUser',
            arn: `arn:aws:iam::111122223333:user/u${n % 9}`,
            accountId: '111122223333',
          },
          requestParameters:
            n % 50 === 0 ? { bucketName: 'b', 'x-amz-acl': ['public-read'] } : { filterSet: {} },
          recipientAccountId: '111122223333',
          padding: 'x'.repeat(200),
        });
        lines.push(line);
        bytes += line.length + 1;
      }
      await writeFile(path, `${lines.join('\n')}\n`);
      // Act
      const pooled = aisaws(['scan', '--format', 'json', '--workers', '2', path]);
      const single = aisaws(['scan', '--format', 'json', '--workers', '1', path]);
      // Assess
      expect(pooled.status).toBe(0);
      expect(pooled.stdout).toBe(single.stdout);
      expect(pooled.stdout.split('\n')).toHaveLength(lines.length + 1);
      expect(pooled.stdout).toContain('s3.bucket-acl-public');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }, 120_000);
});
