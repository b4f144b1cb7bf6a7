import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CloudTrailRecordSchema } from '../../src/schemas/index.js';

/** The rule eventTime follows, as a regex and a calendar check: the reference the schema's fast reader must match. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?$/;
function reference(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as number[];
  const date = new Date(Date.UTC(year as number, (month as number) - 1, day));
  return (
    date.getUTCMonth() === (month as number) - 1 &&
    date.getUTCDate() === day &&
    (hour as number) < 24 &&
    (minute as number) < 60 &&
    (second as number) < 61
  );
}

const accepts = (eventTime: string): boolean =>
  CloudTrailRecordSchema.safeParse({ eventSource: 's', eventName: 'n', eventID: 'i', eventTime }).success;

/** Strings shaped like date-times, with every part sometimes out of range or malformed. */
const pieces = {
  year: fc.constantFrom('2026', '0000', '0004', '1900', '2000', '2100', '99', '20x6'),
  month: fc.constantFrom('01', '02', '09', '12', '00', '13', '1'),
  day: fc.constantFrom('01', '28', '29', '30', '31', '00', '32', '3'),
  separator: fc.constantFrom('T', ' ', 't', '_'),
  time: fc.constantFrom('00:00:00', '23:59:60', '24:00:00', '12:60:00', '12:00:61', '1:00:00', '12:00'),
  fraction: fc.constantFrom('', '.0', '.123456789', '.1234567890', '.', '.x'),
  zone: fc.constantFrom('', 'Z', '+01:00', '-0530', '+1', '+01:0', 'z', 'Z ', '\n'),
};
const dateTime = fc
  .record(pieces)
  .map((p) => `${p.year}-${p.month}-${p.day}${p.separator}${p.time}${p.fraction}${p.zone}`);

describe('eventTime', () => {
  it('is accepted exactly when it is a date-time of a real day and time', () => {
    fc.assert(
      fc.property(fc.oneof(dateTime, fc.string()), (value) => {
        expect({ value, accepted: accepts(value) }).toEqual({ value, accepted: reference(value) });
      }),
      { numRuns: 5000 },
    );
  });

  it('takes leap days as the calendar does', () => {
    expect(accepts('2024-02-29T00:00:00Z')).toBe(true);
    expect(accepts('2026-02-29T00:00:00Z')).toBe(false);
    expect(accepts('2100-02-29T00:00:00Z')).toBe(false);
    expect(accepts('2000-02-29T00:00:00Z')).toBe(true);
    expect(accepts('2026-04-31T00:00:00Z')).toBe(false);
    expect(accepts('2022-09-15 13:45:24.000')).toBe(true);
  });
});
