import { describe, expect, it } from '@jest/globals';
import { parseAlertEnv } from '../src/env.js';

describe('parseAlertEnv', () => {
  it('throws ConfigurationError naming every bad variable: a topic that is not an ARN, a base URL that is not a URL', () => {
    const parse = () =>
      parseAlertEnv({
        ALERT_TOPIC_ARN: 'aisaws-alerts',
        APPROVAL_BASE_URL: 'not a url',
        APPROVAL_SIGNING_KEY_SECRET: 'aisaws/dev/approval-key',
        IDEMPOTENCY_TABLE_NAME: 'aisaws-dev-idempotency',
      });
    expect(parse).toThrow(expect.objectContaining({ name: 'ConfigurationError' }));
    expect(parse).toThrow(
      'invalid environment for the Alert Lambda: ALERT_TOPIC_ARN: must be an SNS topic ARN; APPROVAL_BASE_URL: must be the Approval function URL',
    );
  });
});
