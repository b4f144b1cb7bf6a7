import { type Environment, type EnvironmentInput, parseEnvironment } from '../../src/config/environment.js';

/** A valid environment input; tests override what they exercise. */
function environmentInput(overrides: Partial<EnvironmentInput> = {}): EnvironmentInput {
  return {
    name: 'test',
    region: 'eu-west-1',
    accounts: { security: '111111111111', members: ['222222222222'] },
    alertEmails: ['secops@example.com'],
    policyFile: 'policy.json',
    externalId: 'aisaws-test-1',
    lambdas: {
      ingest: { version: '0.1.0' },
      scoring: { version: '0.1.0' },
      decision: { version: '0.1.0' },
      remediation: { version: '0.1.0' },
      verification: { version: '0.1.0' },
      alert: { version: '0.1.0' },
      approval: { version: '0.1.0' },
      reconcile: { version: '0.1.0' },
      findings: { version: '0.1.0' },
    },
    backend: {
      bucket: 'state-bucket',
      key: 'aisaws/test/security.tfstate',
      region: 'eu-west-1',
      lockTable: 'locks',
    },
    ...overrides,
  };
}

/** Parses an environment with an in-memory policy (no file read). */
function testEnvironment(overrides: Partial<EnvironmentInput> = {}, policy: unknown = {}): Environment {
  const input = environmentInput(overrides);
  return parseEnvironment(input, `/virtual/${String(input.name)}.json`, () => policy);
}

export { environmentInput, testEnvironment };
