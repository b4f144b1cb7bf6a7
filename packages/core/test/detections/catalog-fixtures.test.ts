import { describe, expect, it } from '@jest/globals';
import { DETECTIONS } from '../../src/detections/index.js';
import { ResourceRefSchema } from '../../src/schemas/stages.js';
import { detect, FIXTURE_INDEX, fixture } from './fixtures.js';

describe('every fixture in test/fixtures/cloudtrail/index.json', () => {
  it.each(FIXTURE_INDEX.map((entry) => [entry.fixture, entry] as const))(
    '%s triggers its detection',
    (_path, entry) => {
      // Prepare
      const record = fixture(entry.fixture);

      // Act
      const hit = detect(record).find((h) => h.id === entry.detection);

      // Assess
      expect(hit).toBeDefined();
      if (!hit) return;
      expect(hit.summary.length).toBeGreaterThan(10);
      if (hit.resource) expect(() => ResourceRefSchema.parse(hit.resource)).not.toThrow();
      if (entry.resourceId !== undefined) expect(hit.resource?.id).toBe(entry.resourceId);
      if (entry.actionable !== undefined) expect(hit.actionable).toBe(entry.actionable);
    },
  );
});

describe('fixture coverage', () => {
  it('has at least one positive fixture for every registered detection', () => {
    const covered = new Set(FIXTURE_INDEX.map((entry) => entry.detection));
    const uncovered = DETECTIONS.map((d) => d.id).filter((id) => !covered.has(id));
    expect(uncovered).toEqual([]);
  });

  it('names only registered detections in the index', () => {
    const ids = new Set(DETECTIONS.map((d) => d.id));
    expect(FIXTURE_INDEX.map((entry) => entry.detection).filter((id) => !ids.has(id))).toEqual([]);
  });
});
