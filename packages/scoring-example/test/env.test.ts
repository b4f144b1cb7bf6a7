import { describe, expect, it } from '@jest/globals';
import { ConfigurationError, parseExampleScoringEnv } from '../src/index.js';

describe('parseExampleScoringEnv', () => {
  it('defaults the baseline window to 5 minutes', () => {
    expect(parseExampleScoringEnv({})).toEqual({ BASELINE_WINDOW_MINUTES: 5 });
  });

  it('names BASELINE_WINDOW_MINUTES when it is not a positive whole number', () => {
    const act = () => parseExampleScoringEnv({ BASELINE_WINDOW_MINUTES: 'soon' });
    expect(act).toThrow(ConfigurationError);
    expect(act).toThrow(/BASELINE_WINDOW_MINUTES/);
  });
});
