import { describe, expect, it } from '@jest/globals';
import { parseApprovalEnv } from '../src/env.js';

describe('parseApprovalEnv', () => {
  it('throws ConfigurationError naming a blank state table and a missing key parameter', () => {
    expect(() => parseApprovalEnv({ STATE_TABLE_NAME: '  ' })).toThrow(
      expect.objectContaining({
        name: 'ConfigurationError',
        message:
          'invalid environment for the Approval Lambda: STATE_TABLE_NAME: must not be empty; APPROVAL_SIGNING_KEY_SECRET: must be set',
      }),
    );
  });
});
