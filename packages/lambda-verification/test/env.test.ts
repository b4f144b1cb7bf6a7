import { describe, expect, it } from '@jest/globals';
import { parseVerificationEnv } from '../src/env.js';

const MEMBER_ROLE = {
  OWN_ACCOUNT_ID: '111122223333',
  MEMBER_ROLE_NAME: 'aisaws-member-verification',
  MEMBER_ROLE_EXTERNAL_ID: 'ext-id-123',
};

describe('parseVerificationEnv', () => {
  it('defaults the deadline to 300 s and reads a set one as a number', () => {
    expect(parseVerificationEnv(MEMBER_ROLE).VERIFICATION_DEADLINE_SECONDS).toBe(300);
    expect(
      parseVerificationEnv({ ...MEMBER_ROLE, VERIFICATION_DEADLINE_SECONDS: '120' })
        .VERIFICATION_DEADLINE_SECONDS,
    ).toBe(120);
  });

  it('throws ConfigurationError naming a deadline that is not a positive whole number', () => {
    expect(() => parseVerificationEnv({ ...MEMBER_ROLE, VERIFICATION_DEADLINE_SECONDS: '-5' })).toThrow(
      expect.objectContaining({
        name: 'ConfigurationError',
        message:
          'invalid environment for the Verification Lambda: VERIFICATION_DEADLINE_SECONDS: must be > 0',
      }),
    );
  });
});
