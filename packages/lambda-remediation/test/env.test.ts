import { describe, expect, it } from '@jest/globals';
import { parseRemediationEnv } from '../src/env.js';

const VALID = {
  EVENTS_TABLE_NAME: 'aisaws-dev-events',
  IDEMPOTENCY_TABLE_NAME: 'aisaws-dev-idempotency',
  OWN_ACCOUNT_ID: '111122223333',
  MEMBER_ROLE_NAME: 'aisaws-member-remediation',
  MEMBER_ROLE_EXTERNAL_ID: 'ext-id-123',
};

describe('parseRemediationEnv', () => {
  it('keeps the variable names infra sets', () => {
    expect(parseRemediationEnv(VALID)).toEqual(VALID);
  });

  it('throws ConfigurationError naming each missing or bad variable', () => {
    const parse = () =>
      parseRemediationEnv({ ...VALID, EVENTS_TABLE_NAME: undefined, OWN_ACCOUNT_ID: '1234' });
    expect(parse).toThrow(expect.objectContaining({ name: 'ConfigurationError' }));
    expect(parse).toThrow(
      'invalid environment for the Remediation Lambda: EVENTS_TABLE_NAME: must be set; OWN_ACCOUNT_ID: must be the 12-digit id',
    );
  });
});
