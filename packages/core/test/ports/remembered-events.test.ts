import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { RememberedEvents } from '../../src/ports/remembered-events.js';

/** The reference: a Map in insertion order, the oldest key forgotten when full (what the store did before). */
class ReferenceModel {
  private readonly map = new Map<string, number>();
  constructor(private readonly max: number) {}
  get(id: string): number | undefined {
    return this.map.get(id);
  }
  add(id: string, value: number): void {
    if (this.map.size >= this.max) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    this.map.set(id, value);
  }
  get size(): number {
    return this.map.size;
  }
}

const uuid = fc.uuid();
/** Ids that look like UUIDs but are not read as bits (uppercase, braces, one character off), and any string. */
const otherId = fc.oneof(
  uuid.map((id) => id.toUpperCase()),
  uuid.map((id) => `${id.slice(0, 8)}_${id.slice(9)}`),
  uuid.map((id) => `${id.slice(0, 35)}g`),
  uuid.map((id) => id.slice(1)),
  fc.string({ maxLength: 40 }),
);

/**
 * Runs `ids` through both as the baseline store does (look up; remember when new); the first answer that differs,
 * described, or undefined.
 */
function firstDifference(max: number, ids: readonly string[]): string | undefined {
  const remembered = new RememberedEvents(max);
  const reference = new ReferenceModel(max);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as string;
    const known = remembered.get(id);
    const expected = reference.get(id);
    if (known !== expected) return `step ${i}, ${JSON.stringify(id)}: ${known} instead of ${expected}`;
    if (known === undefined) {
      remembered.add(id, i);
      reference.add(id, i);
    }
    if (remembered.size !== reference.size)
      return `step ${i}: size ${remembered.size} instead of ${reference.size}`;
  }
  return undefined;
}

describe('RememberedEvents', () => {
  it('answers as a Map with FIFO eviction would, for UUIDs, look-alikes and other ids', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.oneof(uuid, otherId), { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 300 }),
        (max, pool, picks) => {
          // Ids repeat (drawn from a small pool), so remembered ones are looked up again, also after eviction.
          const ids = picks.map((pick) => pool[pick % pool.length] as string);
          expect(firstDifference(max, ids)).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays exact with thousands of UUIDs: probe clusters, table growth and deletion by backward shift', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 500, max: 3_000 }),
        fc.array(uuid, { minLength: 4_000, maxLength: 4_000 }),
        fc.array(fc.nat(), { minLength: 20_000, maxLength: 20_000 }),
        (max, pool, picks) => {
          const ids = picks.map((pick) => pool[pick % pool.length] as string);
          expect(firstDifference(max, ids)).toBeUndefined();
        },
      ),
      // No shrinking on failure: the first differing step is in the message already, and shrinking 20,000 picks is slow.
      { numRuns: 5, endOnFailure: true },
    );
  });

  it('tells a lowercase UUID from the same UUID in uppercase', () => {
    const remembered = new RememberedEvents(10);
    const id = '1e6d67c0-8b92-4ebf-ab10-55234f1bdaae';
    remembered.add(id, 1);
    expect(remembered.get(id)).toBe(1);
    expect(remembered.get(id.toUpperCase())).toBeUndefined();
    remembered.add(id.toUpperCase(), 2);
    expect(remembered.get(id.toUpperCase())).toBe(2);
    expect(remembered.get(id)).toBe(1);
  });
});
