import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { catalog } from '../../src/detections/index.js';
import { CloudTrailRecordSchema } from '../../src/schemas/index.js';

/**
 * The real third-party detonation logs live outside the repository (../shared/datasets, or $AISAWS_DATASETS) and
 * are read in place. When they are not there this test says so and checks nothing else: it cannot pass by accident
 * on data it did not read, and it does not fail on machines without the datasets.
 */
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const datasets = resolve(process.env.AISAWS_DATASETS ?? join(repoRoot, '..', 'shared', 'datasets'));
const stratusDir = join(datasets, 'cloudtrail', 'stratus-red-team');

// Without the datasets (a machine without ../shared, AISAWS_DATASETS unset) the test is skipped, and counted so.
const withStratus = existsSync(stratusDir) ? it : it.skip;

describe('Stratus Red Team detonation logs (third-party, read in place)', () => {
  withStratus('detects every one of the 35 techniques with at least one hit', () => {
    const files = readdirSync(stratusDir).filter((f) => f.startsWith('aws.') && f.endsWith('.json'));
    const missed = files.filter((file) => {
      const records = JSON.parse(readFileSync(join(stratusDir, file), 'utf8')) as unknown[];
      return !records.some((raw) => catalog.detect(CloudTrailRecordSchema.parse(raw)).length > 0);
    });
    expect(files).toHaveLength(35);
    expect(missed).toEqual([]);
  });
});
