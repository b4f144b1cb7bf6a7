import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../../src/app.js';
import { STAGES, type Stage } from '../../src/config/environment.js';
import { namesFor } from '../../src/config/naming.js';
import { lambdaEnvironment, rollbackEnvironment } from '../../src/stacks/lambda-environment.js';

/**
 * The variables each Lambda package's src/env.ts declares as required (no `z.optional(` / `z._default(` /
 * `z.prefault(` of zod/mini, nor classic zod's `.optional()` / `.default(` / `.prefault(`), read from
 * the source text: the infra may not import a Lambda package, and the two must still agree.
 */
function requiredVariables(
  stage: Stage,
  file = `${REPO_ROOT}packages/lambda-${stage}/src/env.ts`,
): string[] | null {
  if (!existsSync(file)) return null;
  const source = readFileSync(file, 'utf8');
  const declarations = [
    ...source.matchAll(/^\s+([A-Z][A-Z0-9_]+):\s*([\s\S]*?)(?=^\s+[A-Z][A-Z0-9_]+:|^\s*\}\))/gm),
  ];
  return declarations
    .filter(
      ([, , definition]) =>
        !/\.optional\(\)|\.default\(|\.prefault\(|\bz\.optional\(|\bz\._default\(|\bz\.prefault\(/.test(
          definition ?? '',
        ),
    )
    .map(([, name]) => name as string);
}

describe('Lambda environment variables', () => {
  const names = namesFor({
    name: 'dev',
    region: 'eu-west-1',
    accounts: { security: '111111111111', members: [] },
  });
  const variablesOf = (stage: Stage) =>
    lambdaEnvironment(stage, {
      environmentName: 'dev',
      names,
      approvalUrl: 'https://example.lambda-url.eu-west-1.on.aws/',
      policyJson: '{}',
      externalId: 'x',
      selfRoleArns: names.selfRoleArns([], { backtest: false }),
    });

  const written = STAGES.filter((stage) => requiredVariables(stage) !== null);

  it('checks at least one Lambda package that declares its environment', () => {
    expect(written.length).toBeGreaterThan(0);
  });

  it.each(written)('sets every variable %s requires', (stage) => {
    const required = requiredVariables(stage) ?? [];

    expect(required.length).toBeGreaterThan(0);
    expect(Object.keys(variablesOf(stage))).toEqual(expect.arrayContaining(required));
  });

  it('gives every Lambda its Powertools service name and the environment name', () => {
    for (const stage of STAGES)
      expect(variablesOf(stage)).toEqual(
        expect.objectContaining({ POWERTOOLS_SERVICE_NAME: `aisaws-${stage}`, AISAWS_ENVIRONMENT: 'dev' }),
      );
  });

  it('sets every variable the rollback function requires, with the member rollback role', () => {
    const required =
      requiredVariables('remediation', `${REPO_ROOT}packages/lambda-remediation/src/rollback-env.ts`) ?? [];
    const variables = rollbackEnvironment({ environmentName: 'dev', names, externalId: 'x' });

    expect(required).toEqual(expect.arrayContaining(['APPROVAL_SIGNING_KEY_SECRET', 'MEMBER_ROLE_NAME']));
    expect(Object.keys(variables)).toEqual(expect.arrayContaining(required));
    expect(variables).toMatchObject({
      POWERTOOLS_SERVICE_NAME: 'aisaws-rollback',
      MEMBER_ROLE_NAME: names.memberRoleName('rollback'),
      APPROVAL_SIGNING_KEY_SECRET: names.signingKeySecretName,
    });
  });
});
