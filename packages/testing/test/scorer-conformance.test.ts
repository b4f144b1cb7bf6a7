import { catalog } from '@aisaws/core/detections';
import { DetectionHitSchema } from '@aisaws/core/schemas';
import { defaultScorer } from '@aisaws/core/scoring';
import { describe, expect, it } from '@jest/globals';
import { describeScorerConformance, eventForDetection, syntheticHitFor } from '../src/conformance/index.js';

// The suite run against core's default scorer (the reference implementation).
describeScorerConformance('core defaultScorer', () => defaultScorer);

describe('conformance sample events', () => {
  it('builds one event per catalog detection whose only detection is that one', () => {
    catalog.all.forEach((definition, index) => {
      // Act
      const event = eventForDetection(definition, index);
      // Assess
      expect(event.detections.map((hit) => hit.id)).toEqual([definition.id]);
      expect(DetectionHitSchema.safeParse(event.detections[0]).success).toBe(true);
    });
  });

  it('synthesises a hit with the definition severity and playbook', () => {
    // Prepare
    const definition = catalog.all[0];
    if (!definition) throw new Error('empty catalog');
    // Act
    const hit = syntheticHitFor(definition);
    // Assess
    expect(hit).toMatchObject({
      id: definition.id,
      severity: definition.severity,
      playbook: definition.playbook,
    });
  });
});
