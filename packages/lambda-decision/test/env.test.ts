import { describe, expect, it } from '@jest/globals';
import { ConfigurationError, parseDecisionEnv } from '../src/index.js';

const VALID = {
  EVENTS_TABLE: 'events',
  STATE_TABLE: 'state',
  IDEMPOTENCY_TABLE: 'idempotency',
  OWN_ACCOUNT_ID: '111111111111',
  TAG_READER_ROLE_NAME: 'aisaws-dev-member-tag-reader',
  MEMBER_ROLE_EXTERNAL_ID: 'aisaws-dev-external',
};

describe('parseDecisionEnv', () => {
  it('parses a complete environment', () => {
    expect(parseDecisionEnv(VALID)).toEqual({ ...VALID, IDEMPOTENCY_TTL_SECONDS: 3600 });
  });

  it.each([
    ['EVENTS_TABLE', { ...VALID, EVENTS_TABLE: undefined }],
    ['STATE_TABLE', { ...VALID, STATE_TABLE: ' ' }],
    ['IDEMPOTENCY_TABLE', { ...VALID, IDEMPOTENCY_TABLE: undefined }],
    ['OWN_ACCOUNT_ID', { ...VALID, OWN_ACCOUNT_ID: '1111' }],
    ['TAG_READER_ROLE_NAME', { ...VALID, TAG_READER_ROLE_NAME: undefined }],
    ['MEMBER_ROLE_EXTERNAL_ID', { ...VALID, MEMBER_ROLE_EXTERNAL_ID: undefined }],
    ['POLICY_JSON', { ...VALID, POLICY_JSON: '' }],
  ])('names %s when it is missing or bad', (name, env) => {
    const act = () => parseDecisionEnv(env);
    expect(act).toThrow(ConfigurationError);
    expect(act).toThrow(new RegExp(`\\b${name}\\b`));
  });
});
