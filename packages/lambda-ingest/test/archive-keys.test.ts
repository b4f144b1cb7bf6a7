import { describe, expect, it } from '@jest/globals';
import { quarantineKey, rawArchiveKey } from '../src/index.js';

const RECEIVED = new Date('2026-11-25T08:00:00.000Z');

describe('rawArchiveKey', () => {
  it('dates the key by eventTime (UTC)', () => {
    expect(
      rawArchiveKey({
        account: '111122223333',
        region: 'eu-west-1',
        eventId: 'e-1',
        eventTime: '2026-01-31T23:30:00-02:00',
        envelopeTime: '2026-03-01T00:00:00Z',
        receivedAt: RECEIVED,
      }),
    ).toBe('raw/111122223333/eu-west-1/2026/02/01/e-1.json');
  });

  it('falls back to the envelope time, then to the receive time, when eventTime is absent or unreadable', () => {
    const base = { account: 'a', region: 'r', eventId: 'e', receivedAt: RECEIVED };
    expect(rawArchiveKey({ ...base, eventTime: 'yesterday', envelopeTime: '2026-03-01T00:00:00Z' })).toBe(
      'raw/a/r/2026/03/01/e.json',
    );
    expect(rawArchiveKey(base)).toBe('raw/a/r/2026/11/25/e.json');
  });

  it('keeps an eventID that is not a UUID inside its own key segment', () => {
    const key = rawArchiveKey({ account: 'a', region: 'r', eventId: '../x/y', receivedAt: RECEIVED });
    expect(key).toBe('raw/a/r/2026/11/25/.._x_y.json');
  });
});

describe('quarantineKey', () => {
  it('is the sha256 of the input under the receive date, stable for the same input', () => {
    // Act
    const first = quarantineKey({ a: 1 }, RECEIVED);
    const again = quarantineKey({ a: 1 }, RECEIVED);
    const other = quarantineKey({ a: 2 }, RECEIVED);
    // Assess
    expect(first).toMatch(/^quarantine\/2026\/11\/25\/[0-9a-f]{64}\.json$/);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });
});
