import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { ScanLineSchema } from '../../src/scan/index.js';
import { scan } from './helpers.js';

/** The third-party CloudTrail data beside the repository (shared/datasets), read in place, never copied. */
const DATASETS = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../../shared/datasets/cloudtrail',
);

describe('scan on the real third-party datasets', () => {
  // The folder sits beside the repository on the team's machines and in CI; a clone without it has nothing to scan.
  if (!existsSync(DATASETS)) {
    it('has no datasets folder beside this clone', () => {
      expect(existsSync(DATASETS)).toBe(false);
    });
    return;
  }

  it('scans the whole folder without crashing; every line follows the contract', async () => {
    // Act
    const run = await scan({ paths: [DATASETS], format: 'json' });
    // Assess
    expect(run.exitCode).toBe(0);
    for (const line of run.lines) expect(ScanLineSchema.safeParse(line).success).toBe(true);
    // Licences, READMEs, YAML and the OTRF CSV are skipped with a note, not read as events.
    expect(run.stderr).toMatch(/skipped .*AWS_S3_HoneyBucketLogs\.csv: not JSON/);
    expect(run.stderr).toMatch(/skipped .*stratus-red-team\/LICENSE: not JSON/);
    // OTRF records have no eventTime (Logstash kept @timestamp): they are scored, not rejected.
    const otrf = run.lines.filter((line) =>
      String((line.source as { file?: string } | undefined)?.file).includes('ec2_proxy_s3_exfiltration_'),
    );
    expect(otrf).toHaveLength(103);
    expect(otrf.every((line) => typeof line.eventId === 'string' && !('error' in line))).toBe(true);
    // Stratus detonations are all attacks: several are detected.
    const stratusHits = run.lines.filter(
      (line) =>
        String((line.source as { file?: string } | undefined)?.file).includes('stratus-red-team') &&
        Array.isArray(line.detections) &&
        line.detections.length > 0,
    );
    expect(stratusHits.length).toBeGreaterThan(5);
  }, 120_000);
});
