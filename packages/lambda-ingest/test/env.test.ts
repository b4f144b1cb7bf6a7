import { describe, expect, it } from '@jest/globals';
import { ConfigurationError, parseIngestEnv } from '../src/index.js';

const VALID = { ARCHIVE_BUCKET: 'archive', EVENTS_TABLE: 'events', IDEMPOTENCY_TABLE: 'idempotency' };

describe('parseIngestEnv', () => {
  it('parses a complete environment with defaults', () => {
    expect(parseIngestEnv(VALID)).toEqual({
      ...VALID,
      TTL_DAYS: 90,
      IDEMPOTENCY_TTL_SECONDS: 3600,
      SELF_ROLE_ARNS: [],
    });
  });

  it.each([
    ['ARCHIVE_BUCKET', { ...VALID, ARCHIVE_BUCKET: undefined }],
    ['EVENTS_TABLE', { ...VALID, EVENTS_TABLE: '  ' }],
    ['IDEMPOTENCY_TABLE', { ARCHIVE_BUCKET: 'a', EVENTS_TABLE: 'e' }],
    ['TTL_DAYS', { ...VALID, TTL_DAYS: 'ninety' }],
    ['TTL_DAYS', { ...VALID, TTL_DAYS: '-1' }],
    ['QUARANTINE_QUEUE_URL', { ...VALID, QUARANTINE_QUEUE_URL: 'quarantine' }],
    ['SELF_ROLE_ARNS', { ...VALID, SELF_ROLE_ARNS: 'arn:aws:iam::111122223333:role/aisaws-*' }],
  ])('names %s when it is missing or bad', (name, env) => {
    // Act
    const act = () => parseIngestEnv(env);
    // Assess
    expect(act).toThrow(ConfigurationError);
    expect(act).toThrow(new RegExp(`\\b${name}\\b`));
  });

  it('reads the self-identity as exact role ARNs, comma-separated', () => {
    const arns = [
      'arn:aws:iam::111122223333:role/aisaws-dev-ingest',
      'arn:aws:iam::444455556666:role/aisaws-dev-member-remediation',
    ];
    expect(parseIngestEnv({ ...VALID, SELF_ROLE_ARNS: ` ${arns.join(' , ')} ` }).SELF_ROLE_ARNS).toEqual(
      arns,
    );
  });
});
