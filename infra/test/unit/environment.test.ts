import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ENVIRONMENTS_DIR, REPO_ROOT } from '../../src/app.js';
import {
  ArtifactResolutionError,
  resolveArtifacts,
  workspacePackageDirs,
} from '../../src/config/artifacts.js';
import { EnvironmentConfigError, loadEnvironments, parseEnvironment } from '../../src/config/environment.js';
import { environmentInput, testEnvironment } from '../support/environments.js';

const messageOf = (act: () => unknown): string => {
  try {
    act();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
};

describe('Environment files', () => {
  it('validates every file of infra/environments, dev and prod included', () => {
    const environments = loadEnvironments(ENVIRONMENTS_DIR);

    expect(environments.map((e) => e.name)).toEqual(expect.arrayContaining(['dev', 'prod']));
    for (const environment of environments) expect(environment.policy.thresholds.high).toBeGreaterThan(0);
  });

  it('names the field at fault', () => {
    const input = environmentInput({ region: 'Ireland', alertEmails: ['not-an-email'] });

    const message = messageOf(() => parseEnvironment(input, '/envs/test.json', () => ({})));

    expect(message).toContain('/envs/test.json: region: must be an AWS region');
    expect(message).toContain('alertEmails.0: must be an e-mail address');
  });

  it('refuses an unknown field instead of ignoring a typo', () => {
    const input = { ...environmentInput(), logRetentionDay: 30 };

    expect(messageOf(() => parseEnvironment(input, '/envs/test.json', () => ({})))).toContain(
      'logRetentionDay: unknown field',
    );
  });

  it('defaults the rollback window to 7 days and refuses one the rollback execution cannot outlive', () => {
    const defaulted = parseEnvironment(environmentInput(), '/envs/test.json', () => ({}));
    const tooLong = { ...environmentInput(), rollbackWindowHours: 505 };

    expect(defaulted.rollbackWindowHours).toBe(168);
    expect(messageOf(() => parseEnvironment(tooLong, '/envs/test.json', () => ({})))).toContain(
      'rollbackWindowHours:',
    );
  });

  it('names the Lambda whose artifact version is not a semver', () => {
    const input = environmentInput();
    const lambdas = { ...(input.lambdas as Record<string, unknown>), decision: { version: 'latest' } };

    expect(messageOf(() => parseEnvironment({ ...input, lambdas }, '/envs/test.json', () => ({})))).toContain(
      'lambdas.decision.version: must be a semantic version',
    );
  });

  it('lets only the scoring Lambda come from another package', () => {
    const input = environmentInput();
    const lambdas = {
      ...(input.lambdas as Record<string, unknown>),
      ingest: { version: '0.1.0', package: '@evil/ingest' },
    };

    expect(messageOf(() => parseEnvironment({ ...input, lambdas }, '/envs/test.json', () => ({})))).toContain(
      'lambdas.ingest.package: only the scoring Lambda can come from another package',
    );
  });

  it('validates the policy file with core parsePolicy and names the policy field', () => {
    const message = messageOf(() => testEnvironment({}, { thresholds: { medium: 0.8, high: 0.5 } }));

    expect(message).toContain('policyFile:');
    expect(message).toContain('thresholds.high');
  });

  it('requires the name to match the file name', () => {
    expect(
      messageOf(() => parseEnvironment(environmentInput({ name: 'dev' }), '/envs/prod.json', () => ({}))),
    ).toContain('name: must match the file name (prod)');
  });

  it('reports a file that is not JSON with its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aisaws-envs-'));
    writeFileSync(join(dir, 'broken.json'), '{ "name": ');

    expect(() => loadEnvironments(dir)).toThrow(EnvironmentConfigError);
    expect(messageOf(() => loadEnvironments(dir))).toContain(
      `${join(dir, 'broken.json')}: (root): not valid JSON`,
    );
  });

  it('refuses a machine-dependent packageDir', () => {
    const input = environmentInput();
    const lambdas = {
      ...(input.lambdas as Record<string, unknown>),
      scoring: { version: '1.0.0', package: '@acme/scorer', packageDir: '/home/me/scorer' },
    };

    expect(messageOf(() => parseEnvironment({ ...input, lambdas }, '/envs/test.json', () => ({})))).toContain(
      'lambdas.scoring.packageDir: must be a path relative to the repository root',
    );
  });
});

describe('Artifacts', () => {
  const packageDirs = workspacePackageDirs(REPO_ROOT);

  it('maps each stage to dist/<package-without-scope>-<version>.zip of its workspace package', () => {
    const artifacts = resolveArtifacts(testEnvironment(), packageDirs);

    expect(artifacts.ingest.path).toBe('packages/lambda-ingest/dist/lambda-ingest-0.1.0.zip');
    expect(artifacts.scoring.packageName).toBe('@aisaws/lambda-scoring');
  });

  it('names the environment and field when a scoring package is not in the workspace', () => {
    const input = environmentInput();
    const lambdas = {
      ...(input.lambdas as Record<string, unknown>),
      scoring: { version: '1.0.0', package: '@acme/scorer' },
    };
    const environment = parseEnvironment({ ...input, lambdas }, '/envs/test.json', () => ({}));

    expect(() => resolveArtifacts(environment, packageDirs)).toThrow(ArtifactResolutionError);
    expect(messageOf(() => resolveArtifacts(environment, packageDirs))).toContain(
      'environment test: lambdas.scoring.package: @acme/scorer is not a workspace package',
    );
  });
});
