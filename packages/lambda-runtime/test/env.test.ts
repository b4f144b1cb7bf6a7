import { describe, expect, it } from '@jest/globals';
import * as z from 'zod/mini';
import {
  ConfigurationError,
  IdempotencyEnvSchema,
  PositiveIntEnvSchema,
  parseEnv,
  RequiredEnvSchema,
} from '../src/index.js';

const ExampleEnvSchema = z.object({
  TABLE: RequiredEnvSchema,
  WINDOW_MINUTES: z._default(PositiveIntEnvSchema, 5),
  ...IdempotencyEnvSchema.shape,
});

describe('parseEnv', () => {
  it('returns the parsed values, trimmed, coerced and defaulted', () => {
    // Act
    const env = parseEnv(
      ExampleEnvSchema,
      { TABLE: ' events ', IDEMPOTENCY_TABLE: 'idem', WINDOW_MINUTES: '15' },
      'Test Lambda',
    );
    // Assess
    expect(env).toEqual({
      TABLE: 'events',
      IDEMPOTENCY_TABLE: 'idem',
      WINDOW_MINUTES: 15,
      IDEMPOTENCY_TTL_SECONDS: 3600,
    });
  });

  it('throws ConfigurationError naming the Lambda and every bad variable with its problem', () => {
    // Prepare
    const env = { TABLE: '  ', WINDOW_MINUTES: '2.5', IDEMPOTENCY_TTL_SECONDS: 'an hour' };
    // Act
    const error = (() => {
      try {
        parseEnv(ExampleEnvSchema, env, 'Test Lambda');
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).name).toBe('ConfigurationError');
    const message = (error as Error).message;
    expect(message).toMatch(/^invalid environment for the Test Lambda: /);
    expect(message).toContain('TABLE: must not be empty');
    expect(message).toContain('WINDOW_MINUTES: must be a whole number');
    expect(message).toContain('IDEMPOTENCY_TABLE: must be set');
    expect(message).toContain('IDEMPOTENCY_TTL_SECONDS: must be a number');
  });

  it.each([
    ['0', 'must be > 0'],
    ['-3', 'must be > 0'],
    ['ten', 'must be a number'],
  ])('rejects %s as a positive whole number (%s)', (value, problem) => {
    expect(() =>
      parseEnv(
        ExampleEnvSchema,
        { TABLE: 't', IDEMPOTENCY_TABLE: 'i', WINDOW_MINUTES: value },
        'Test Lambda',
      ),
    ).toThrow(`WINDOW_MINUTES: ${problem}`);
  });
});
