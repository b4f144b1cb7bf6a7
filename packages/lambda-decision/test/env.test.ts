import { describe, expect, it } from '@jest/globals';
import { ConfigurationError, parseDecisionEnv } from '../src/index.js';

const VALID = { EVENTS_TABLE: 'events', STATE_TABLE: 'state', IDEMPOTENCY_TABLE: 'idempotency' };

describe('parseDecisionEnv', () => {
  it('parses a complete environment', () => {
    expect(parseDecisionEnv(VALID)).toEqual({ ...VALID, IDEMPOTENCY_TTL_SECONDS: 3600 });
  });

  it.each([
    ['EVENTS_TABLE', { ...VALID, EVENTS_TABLE: undefined }],
    ['STATE_TABLE', { ...VALID, STATE_TABLE: ' ' }],
    ['IDEMPOTENCY_TABLE', { EVENTS_TABLE: 'e', STATE_TABLE: 's' }],
    ['POLICY_JSON', { ...VALID, POLICY_JSON: '' }],
  ])('names %s when it is missing or bad', (name, env) => {
    const act = () => parseDecisionEnv(env);
    expect(act).toThrow(ConfigurationError);
    expect(act).toThrow(new RegExp(`\\b${name}\\b`));
  });
});
