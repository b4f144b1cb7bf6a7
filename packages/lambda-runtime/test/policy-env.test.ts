import { DEFAULT_POLICY, PolicyError } from '@aisaws/core/policy';
import { describe, expect, it } from '@jest/globals';
import { ConfigurationError, loadPolicy, PolicyEnvSchema } from '../src/index.js';

describe('PolicyEnvSchema', () => {
  it('refuses a POLICY_JSON that is blank', () => {
    expect(PolicyEnvSchema.safeParse({ POLICY_JSON: '  ' }).success).toBe(false);
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
    expect(() => loadPolicy({ POLICY_JSON: '{dryRun: true' })).toThrow(ConfigurationError);
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
