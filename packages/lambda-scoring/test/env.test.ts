import { describe, expect, it } from '@jest/globals';
import { ConfigurationError, parseScoringEnv } from '../src/index.js';

const VALID = { EVENTS_TABLE: 'events', BASELINE_TABLE: 'baseline', IDEMPOTENCY_TABLE: 'idempotency' };

describe('parseScoringEnv', () => {
  it('parses a complete environment with defaults', () => {
    expect(parseScoringEnv({ ...VALID, BASELINE_WINDOW_MINUTES: '15' })).toEqual({
      ...VALID,
      BASELINE_WINDOW_MINUTES: 15,
      BASELINE_TTL_DAYS: 90,
      IDEMPOTENCY_TTL_SECONDS: 3600,
    });
  });

  it.each([
    ['EVENTS_TABLE', { ...VALID, EVENTS_TABLE: undefined }],
    ['BASELINE_TABLE', { ...VALID, BASELINE_TABLE: '' }],
    ['IDEMPOTENCY_TABLE', { EVENTS_TABLE: 'e', BASELINE_TABLE: 'b' }],
    ['BASELINE_WINDOW_MINUTES', { ...VALID, BASELINE_WINDOW_MINUTES: '0' }],
    ['BASELINE_TTL_DAYS', { ...VALID, BASELINE_TTL_DAYS: 'a year' }],
  ])('names %s when it is missing or bad', (name, env) => {
    const act = () => parseScoringEnv(env);
    expect(act).toThrow(ConfigurationError);
    expect(act).toThrow(new RegExp(`\\b${name}\\b`));
  });
});
