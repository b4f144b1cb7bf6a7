import { beforeAll, describe, expect, it } from '@jest/globals';
import { ENVIRONMENTS_DIR } from '../../src/app.js';
import { type Environment, loadEnvironments } from '../../src/config/environment.js';
import { resourcesOf, type SynthesizedStack, synthStacks } from '../support/synth.js';

/**
 * Self-identity (trap T7, issue 15): AISAWS recognises its own calls only by the exact ARNs of the roles it deployed.
 * Read back from the synthesized Terraform: the Lambdas that detect are told exactly the roles the stacks create
 * (the security account's function roles, each member account's remediation, rollback, verification, tag-reader and
 * event-reader roles), with no wildcard and nothing else.
 */
describe('self-identity in the synthesized stacks of every environment', () => {
  let environments: Environment[];
  let stacks: Map<string, SynthesizedStack>;

  beforeAll(() => {
    environments = loadEnvironments(ENVIRONMENTS_DIR);
    stacks = synthStacks(environments);
  });

  const variablesOf = (stack: SynthesizedStack, functionName: string): Record<string, string> => {
    const fn = resourcesOf(stack, 'aws_lambda_function').find((f) => f.function_name === functionName);
    if (!fn) throw new Error(`no function ${functionName}`);
    return (fn.environment as { variables: Record<string, string> }).variables;
  };

  /** The ARNs of the roles the stacks create whose sessions call AWS APIs for AISAWS (not the service roles). */
  const deployedCallerRoles = (environment: Environment): string[] => {
    const security = stacks.get(environment.name) as SynthesizedStack;
    const functionRoles = new Set(resourcesOf(security, 'aws_lambda_function').map((fn) => String(fn.role)));
    const roles = security.json.resource.aws_iam_role ?? {};
    const securityArns = Object.entries(roles)
      .filter(
        ([id, role]) =>
          functionRoles.has(`\${aws_iam_role.${id}.arn}`) ||
          role.name === `aisaws-${environment.name}-rollback`,
      )
      .map(([, role]) => `arn:aws:iam::${environment.accounts.security}:role/${String(role.name)}`);
    const memberArns = environment.accounts.members.flatMap((member) => {
      const stack = stacks.get(`${environment.name}-member-${member}`) as SynthesizedStack;
      // Roles AISAWS's functions assume (trusted by the security account), not the EventBridge forwarder's role.
      return resourcesOf(stack, 'aws_iam_role')
        .filter((role) => !String(role.assume_role_policy).includes('.amazonaws.com'))
        .map((role) => `arn:aws:iam::${member}:role/${String(role.name)}`);
    });
    return [...securityArns, ...memberArns].sort();
  };

  it.each(['dev', 'prod'])(
    '%s: Ingest is told exactly the deployed roles, every one an exact ARN',
    (name) => {
      const environment = environments.find((e) => e.name === name) as Environment;
      const stack = stacks.get(name) as SynthesizedStack;

      const told = variablesOf(stack, `aisaws-${name}-ingest`).SELF_ROLE_ARNS?.split(',') ?? [];

      expect(told).toEqual(deployedCallerRoles(environment));
      expect(told.length).toBeGreaterThanOrEqual(8 + 5 * environment.accounts.members.length);
      for (const member of environment.accounts.members)
        for (const kind of ['tag-reader', 'event-reader'])
          expect(told).toContain(`arn:aws:iam::${member}:role/aisaws-${name}-member-${kind}`);
      for (const arn of told) expect(arn).toMatch(/^arn:aws:iam::\d{12}:role\/aisaws-[a-z0-9-]+$/);
      expect(told.join(',')).not.toContain('*');
    },
  );

  it('dev: the backtest judges with the same self-identity (its policy carries the deployed roles)', () => {
    const environment = environments.find((e) => e.name === 'dev') as Environment;
    const stack = stacks.get('dev') as SynthesizedStack;

    const policy = JSON.parse(variablesOf(stack, 'aisaws-dev-backtest').POLICY_JSON as string);

    expect(policy.selfIdentity.roleArns).toEqual(deployedCallerRoles(environment));
    expect(policy.selfIdentity.roleArns).toContain('arn:aws:iam::111111111111:role/aisaws-dev-backtest');
  });
});
