import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import type { DetectOptions } from '../../src/detections/index.js';
import { catalog, isInformational } from '../../src/detections/index.js';
import type { CloudTrailRecord } from '../../src/schemas/cloudtrail.js';
import { CloudTrailRecordSchema } from '../../src/schemas/index.js';
import type { DetectionHit } from '../../src/schemas/stages.js';

/**
 * Hand-written CloudTrail records in the shape real trails deliver (field names, nesting, `{items: [...]}` lists,
 * arrays such as `x-amz-acl`), with our own values. `index.json` says which detection each one must trigger.
 */
const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/cloudtrail/', import.meta.url));

const FixtureIndexEntrySchema = z.strictObject({
  fixture: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+\.json$/),
  detection: z.string(),
  resourceId: z.string().optional(),
  actionable: z.boolean().optional(),
});
type FixtureIndexEntry = z.infer<typeof FixtureIndexEntrySchema>;

const FIXTURE_INDEX: readonly FixtureIndexEntry[] = z
  .array(FixtureIndexEntrySchema)
  .parse(JSON.parse(readFileSync(join(FIXTURES_DIR, 'index.json'), 'utf8')));

type Json = Record<string, unknown>;

/** The raw JSON of a fixture (a fresh copy each time, safe to mutate). */
function rawFixture(path: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, path), 'utf8')) as Json;
}

/** A fixture parsed as a CloudTrail record, optionally changed first (to build the negative next to the positive). */
function fixture(path: string, change?: (raw: Json) => void): CloudTrailRecord {
  const raw = rawFixture(path);
  change?.(raw);
  return CloudTrailRecordSchema.parse(raw);
}

/** Reads a nested object of a raw record for editing (throws if the path is not an object). */
function objectAt(raw: Json, ...path: string[]): Json {
  let current: unknown = raw;
  for (const key of path) {
    current = (current as Json)[key];
    if (typeof current !== 'object' || current === null)
      throw new Error(`fixture has no object at ${path.join('.')}`);
  }
  return current as Json;
}

const detect = (record: CloudTrailRecord, options?: DetectOptions): DetectionHit[] =>
  catalog.detect(record, options);
/**
 * Ids of the hits that carry a signal. Informational hits (change monitors, discovery: see
 * INFORMATIONAL_SEVERITY) are left out, so that "ignores X" tests say no signal fired; allDetectedIds keeps them.
 */
const detectedIds = (record: CloudTrailRecord, options?: DetectOptions): string[] =>
  detect(record, options)
    .filter((hit) => !isInformational(hit))
    .map((hit) => hit.id);
const allDetectedIds = (record: CloudTrailRecord, options?: DetectOptions): string[] =>
  detect(record, options).map((hit) => hit.id);

/** The hit of one detection id, or throws with the ids that did fire. */
function hitOf(record: CloudTrailRecord, id: string, options?: DetectOptions): DetectionHit {
  const hits = detect(record, options);
  const hit = hits.find((h) => h.id === id);
  if (!hit) throw new Error(`expected ${id}, got [${hits.map((h) => h.id).join(', ')}]`);
  return hit;
}

export type { FixtureIndexEntry, Json };
export {
  allDetectedIds,
  detect,
  detectedIds,
  FIXTURE_INDEX,
  FIXTURES_DIR,
  fixture,
  hitOf,
  objectAt,
  rawFixture,
};
