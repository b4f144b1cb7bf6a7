import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { cloudTrailTimeMs, eventTimeMs } from '../../src/events/index.js';
import type { CloudTrailRecord } from '../../src/schemas/index.js';

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/** `YYYY-MM-DDThh:mm:ss[.fff]Z` with each field anywhere in its digits (valid or not: month 13, day 31, hour 24). */
const cloudTrailForm = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 99 }),
    day: fc.integer({ min: 0, max: 99 }),
    hour: fc.integer({ min: 0, max: 99 }),
    minute: fc.integer({ min: 0, max: 99 }),
    second: fc.integer({ min: 0, max: 99 }),
    millis: fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }),
  })
  .map(
    (t) =>
      `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}T${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}` +
      `${t.millis === undefined ? '' : `.${pad(t.millis, 3)}`}Z`,
  );

/** The same in plausible ranges (every case the arithmetic answers). */
const plausible = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    millis: fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }),
  })
  .map(
    (t) =>
      `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}T${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}` +
      `${t.millis === undefined ? '' : `.${pad(t.millis, 3)}`}Z`,
  );

describe('cloudTrailTimeMs (event time without Date.parse)', () => {
  it("answers exactly Date.parse's value for CloudTrail's form, and leaves everything else to Date.parse", () => {
    fc.assert(
      fc.property(fc.oneof(cloudTrailForm, plausible, fc.string({ maxLength: 30 })), (text) => {
        const fast = cloudTrailTimeMs(text);
        if (fast !== undefined) expect(fast).toBe(Date.parse(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('answers every plausible CloudTrail time itself', () => {
    fc.assert(
      fc.property(plausible, (text) => {
        expect(cloudTrailTimeMs(text)).toBe(Date.parse(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves other spellings, ends of months and out-of-range fields to Date.parse (same eventTimeMs)', () => {
    for (const text of [
      '2026-11-24T09:00:00Z',
      '2026-02-29T00:00:00Z',
      '2024-02-29T23:59:59Z',
      '2026-01-31T12:00:00.5Z',
      '2026-12-05T24:00:00Z',
      '2026-12-05T23:59:60Z',
      '2022-09-15 13:45:24.000',
      '2022-09-15T13:45:24+02:00',
      '2026-13-01T00:00:00Z',
      'not-a-date',
    ]) {
      const parsed = Date.parse(text);
      const record = { eventTime: text } as unknown as CloudTrailRecord;
      expect(eventTimeMs(record)).toBe(Number.isNaN(parsed) ? undefined : parsed);
    }
    expect(cloudTrailTimeMs('2026-01-31T12:00:00Z')).toBeUndefined();
    expect(cloudTrailTimeMs('2026-11-24T09:00:00Z')).toBe(Date.UTC(2026, 10, 24, 9));
  });
});
