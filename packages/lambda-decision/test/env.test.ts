import { DEFAULT_POLICY, PolicyError } from '@aisaws/core/policy';
import { describe, expect, it } from '@jest/globals';
import { ConfigurationError, loadPolicy, parseDecisionEnv } from '../src/index.js';

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

describe('loadPolicy', () => {
  it('uses the bundled DEFAULT_POLICY when POLICY_JSON is not set', () => {
    expect(loadPolicy({})).toBe(DEFAULT_POLICY);
  });

  it('parses an inline policy', () => {
    expect(loadPolicy({ POLICY_JSON: '{"dryRun": true, "thresholds": {"high": 0.8}}' })).toMatchObject({
      dryRun: true,
      thresholds: { medium: 0.4, high: 0.8 },
    });
  });

  it('names POLICY_JSON when it is not JSON', () => {
    expect(() => loadPolicy({ POLICY_JSON: '{dryRun: true' })).toThrow(/^POLICY_JSON: not valid JSON/);
  });

  it('names the bad field of the policy', () => {
    // Act
    const act = () => loadPolicy({ POLICY_JSON: '{"thresholds": {"high": 2}, "dryrun": true}' });
    // Assess
    expect(act).toThrow(PolicyError);
    expect(act).toThrow(/POLICY_JSON: thresholds\.high/);
    expect(act).toThrow(/POLICY_JSON: dryrun: unknown field/);
  });
});
