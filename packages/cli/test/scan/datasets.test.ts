import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isInformational } from '@aisaws/core/detections';
import { describe, expect, it } from '@jest/globals';
import { runScan, ScanLineSchema, ScanResultSchema } from '../../src/scan/index.js';
import { MemoryStream, scan } from './helpers.js';

/** The third-party CloudTrail data beside the repository (shared/datasets), read in place, never copied. */
const DATASETS = join(
  resolve(
    process.env.AISAWS_DATASETS ??
      join(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/datasets'),
  ),
  'cloudtrail',
);

// The folder sits beside the repository on the team's machines; a clone without it has nothing to scan: the tests are
// skipped, and counted so.
(existsSync(DATASETS) ? describe : describe.skip)('scan on the real third-party datasets', () => {
  it('scans the whole folder without crashing; every line follows the contract', async () => {
    // Act
    const run = await scan({ paths: [DATASETS], format: 'json' });
    // Assess
    expect(run.exitCode).toBe(0);
    for (const line of run.lines) expect(ScanLineSchema.safeParse(line).success).toBe(true);
    // Licences, READMEs, YAML and the OTRF CSV are skipped with one counted note, not read as events; so are the
    // label, provenance and index files beside the logs (JSON, but not CloudTrail).
    expect(run.stderr).toMatch(/^aisaws scan: skipped 12 files \(not JSON\): /m);
    expect(run.stderr).toMatch(/^aisaws scan: skipped 10 files \(JSON, but not CloudTrail.*--strict/m);
    expect(run.stderr).toMatch(/^scan: \d+ events, \d+ input errors, \d+ files \(22 skipped\)/m);
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

  it.each(['json', 'ocsf'])(
    'writes the same %s with worker threads as with one thread, every file a task or cut into parts',
    async (format) => {
      // Prepare: pool sizes small enough that every file is read by a worker and the large ones in parts.
      const run = async (workers: number) => {
        const stdout = new MemoryStream();
        const stderr = new MemoryStream();
        const exitCode = await runScan(
          { paths: [DATASETS], format, workers, progress: false },
          { stdout, stderr, cwd: process.cwd() },
          {
            now: () => new Date('2026-11-25T00:00:00Z'),
            pool: { minBytes: 1, splitMinBytes: 256 * 1024, partBytes: 128 * 1024 },
          },
        );
        // The summary's elapsed time and rate are the only things allowed to differ.
        return {
          exitCode,
          out: stdout.text(),
          err: stderr.text().replace(/[\d.]+ s, [\d,]+ events\/s/, 'T'),
        };
      };
      // Act
      const single = await run(1);
      const oneWorker = await run(2);
      const twoWorkers = await run(3);
      // Assess
      expect(single.out.length).toBeGreaterThan(1_000_000);
      expect(oneWorker).toEqual(single);
      expect(twoWorkers).toEqual(single);
    },
    120_000,
  );

  it('meets issue 10 on all Panther CloudTrail rule tests: recall ≥ 0.80, ≤ 5 % of negatives actioned', async () => {
    // Prepare: Panther's labelled rule tests, one label line per record, same order.
    const folder = join(DATASETS, 'panther-analysis-fixtures');
    const labels = readFileSync(join(folder, 'panther-rule-tests.labels.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { expected_result: boolean; needs_mocks: boolean });
    // Act
    const run = await scan({ paths: [join(folder, 'panther-rule-tests.cloudtrail.jsonl')], format: 'json' });
    // Assess: one line per test; a positive is detected when any detection is listed (invalid input is a miss).
    expect(run.lines).toHaveLength(labels.length);
    const results = run.lines.map((line) => ScanResultSchema.safeParse(line));
    const positives = labels.flatMap((label, i) => (label.expected_result && !label.needs_mocks ? [i] : []));
    const negatives = labels.flatMap((label, i) => (label.expected_result ? [] : [i]));
    const detected = positives.filter((i) => {
      const result = results[i];
      return result?.success === true && result.data.detections.length > 0;
    });
    const actioned = negatives.filter((i) => {
      const result = results[i];
      return (
        result?.success === true && ['AUTO_REMEDIATE', 'HUMAN_APPROVAL'].includes(result.data.decision.action)
      );
    });
    expect(positives).toHaveLength(193);
    expect(detected.length / positives.length).toBeGreaterThanOrEqual(0.8);
    expect(actioned.length / negatives.length).toBeLessThanOrEqual(0.05);
    // Informational detections alone never tell anyone nor change anything.
    for (const result of results)
      if (
        result.success &&
        result.data.detections.length > 0 &&
        result.data.detections.every(isInformational)
      )
        expect(result.data.decision.action).toBe('LOG_ONLY');
  }, 120_000);
});
