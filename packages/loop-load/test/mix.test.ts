import { CloudTrailEventBridgeEventSchema } from '@aisaws/core/schemas';
import { SimulatedAccount } from '@aisaws/simulated-account';
import { describe, expect, it } from '@jest/globals';
import { generateMix, MixOptionsError } from '../src/mix.js';

describe('Load mix', () => {
  it('has the asked shares, one resource per change event, redeliveries after their original', () => {
    // Act
    const { inputs, counts } = generateMix(SimulatedAccount.create(), { events: 200, seed: 3 });

    // Assess
    expect(counts).toEqual({ events: 170, duplicates: 20, malformed: 10 });
    expect(inputs).toHaveLength(200);
    const changes = inputs.filter((input) => input.kind === 'event');
    const ownResource = changes.filter((input) => input.scenario.id !== 'root-login-no-mfa');
    expect(new Set(ownResource.map((input) => input.target.id)).size).toBe(ownResource.length);
    expect(new Set(changes.map((input) => input.eventId)).size).toBe(changes.length);
    inputs.forEach((input, position) => {
      if (input.kind !== 'duplicate') return;
      expect(inputs.indexOf(input.original)).toBeLessThan(position);
      expect(input.event).toEqual(input.original.event);
    });
  });

  it('makes malformed inputs that the EventBridge schema refuses, each different', () => {
    // Act
    const { inputs } = generateMix(SimulatedAccount.create(), { events: 100, seed: 9 });

    // Assess
    const malformed = inputs.filter((input) => input.kind === 'malformed');
    expect(malformed).toHaveLength(5);
    for (const input of malformed)
      expect(CloudTrailEventBridgeEventSchema.safeParse(input.event).success).toBe(false);
    expect(new Set(malformed.map((input) => JSON.stringify(input.event))).size).toBe(malformed.length);
    for (const input of inputs.filter((candidate) => candidate.kind === 'event'))
      expect(CloudTrailEventBridgeEventSchema.safeParse(input.event).success).toBe(true);
  });

  it('is the same for the same seed', () => {
    // Act
    const first = generateMix(SimulatedAccount.create(), { events: 60, seed: 4 });
    const second = generateMix(SimulatedAccount.create(), { events: 60, seed: 4 });

    // Assess
    const shape = (mix: typeof first) =>
      mix.inputs.map((input) => (input.kind === 'event' ? input.scenario.id : input.kind));
    expect(shape(second)).toEqual(shape(first));
  });

  it('refuses sizes it cannot build', () => {
    // Act & Assess
    expect(() => generateMix(SimulatedAccount.create(), { events: 0 })).toThrow(MixOptionsError);
    expect(() =>
      generateMix(SimulatedAccount.create(), { events: 10, duplicateShare: 0.6, malformedShare: 0.5 }),
    ).toThrow('add up to less than 1');
  });
});
