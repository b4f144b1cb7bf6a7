import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { permissionsFor, rollbackPermissionsFor } from '@aisaws/playbooks';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { REPO_ROOT, WORKFLOWS_DIR } from '../../src/app.js';
import { STAGES } from '../../src/config/environment.js';
import { isReadAction } from '../../src/iam/stage-permissions.js';
import { placeholdersIn } from '../../src/workflows/definition.js';
import { testEnvironment } from '../support/environments.js';
import { interpolation } from '../support/interpolation.js';
import { resourcesOf, type SynthesizedStack, synthStacks } from '../support/synth.js';

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[] | string;
  Resource?: string[] | string;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const statementsOf = (policy: unknown): Statement[] => JSON.parse(String(policy)).Statement as Statement[];
const actionsOf = (statements: Statement[]): string[] =>
  [...new Set(statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])))].sort();

describe('IAM least privilege', () => {
  let stacks: Map<string, SynthesizedStack>;
  let security: SynthesizedStack;
  let member: SynthesizedStack;
  const environment = testEnvironment({
    name: 'iam',
    accounts: { security: '111111111111', members: ['222222222222'], organizationId: 'o-a1b2c3d4e5' },
  });

  beforeAll(() => {
    stacks = synthStacks([environment]);
    security = stacks.get('iam') as SynthesizedStack;
    member = stacks.get('iam-member-222222222222') as SynthesizedStack;
  });

  /** role name → its inline policy statements, for one stack. */
  const policiesByRole = (stack: SynthesizedStack): Map<string, Statement[]> => {
    const roles = stack.json.resource.aws_iam_role ?? {};
    const byRole = new Map<string, Statement[]>();
    for (const policy of resourcesOf(stack, 'aws_iam_role_policy')) {
      const roleId = /^\$\{aws_iam_role\.([\w-]+)\.id\}$/.exec(String(policy.role))?.[1] as string;
      const roleName = String(roles[roleId]?.name);
      byRole.set(roleName, [...(byRole.get(roleName) ?? []), ...statementsOf(policy.policy)]);
    }
    return byRole;
  };

  it('never grants a wildcard action, in any policy of any stack (roles, key, bucket, queue, bus)', () => {
    const policyTexts: string[] = [];
    for (const stack of stacks.values())
      for (const [type, byId] of Object.entries(stack.json.resource))
        for (const resource of Object.values(byId))
          for (const field of ['policy', 'assume_role_policy'])
            if (typeof resource[field] === 'string') policyTexts.push(`${type}: ${resource[field]}`);

    expect(policyTexts.length).toBeGreaterThan(20);
    for (const text of policyTexts) {
      const statements = statementsOf(text.slice(text.indexOf(': ') + 2));
      for (const action of statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])))
        expect(action).not.toContain('*');
    }
  });

  it('gives each of the seven Lambdas its own role', () => {
    const roles = resourcesOf(security, 'aws_iam_role').map((role) => role.name);

    for (const stage of STAGES) expect(roles).toContain(`aisaws-iam-${stage}`);
    expect(new Set(roles).size).toBe(roles.length);
  });

  it('scopes each Lambda to its own stage needs, with exact ARNs', () => {
    const byRole = policiesByRole(security);

    expect(actionsOf(byRole.get('aisaws-iam-ingest') ?? [])).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      's3:PutObject',
      'sqs:SendMessage',
    ]);
    const archive = (byRole.get('aisaws-iam-ingest') ?? []).find((s) => s.Sid === 'ArchiveRawAndQuarantine');
    expect(archive?.Resource).toEqual([
      'arn:aws:s3:::aisaws-iam-archive-111111111111/quarantine/*',
      'arn:aws:s3:::aisaws-iam-archive-111111111111/raw/*',
    ]);
    expect(actionsOf(byRole.get('aisaws-iam-alert') ?? [])).toEqual(
      expect.arrayContaining(['sns:Publish', 'secretsmanager:GetSecretValue', 'kms:Decrypt']),
    );
    const approval = byRole.get('aisaws-iam-approval') ?? [];
    // The two workflows that wait on a person's link: fix approvals and rollback offers.
    expect(approval.find((s) => s.Sid === 'AnswerApprovalTask')?.Resource).toEqual([
      'arn:aws:states:eu-west-1:111111111111:stateMachine:aisaws-iam-remediation',
      'arn:aws:states:eu-west-1:111111111111:stateMachine:aisaws-iam-rollback',
    ]);
  });

  it('uses `*` as a resource only for the playbooks (any resource an event names) and actions without resource-level permission', () => {
    const allowedStar = new Set([
      ...permissionsFor(),
      ...rollbackPermissionsFor(),
      'tag:GetResources',
      'logs:CreateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:DescribeLogGroups',
      'logs:DescribeResourcePolicies',
      'logs:GetLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:UpdateLogDelivery',
    ]);

    for (const statements of policiesByRole(security).values())
      for (const statement of statements.filter((s) => (s.Resource ?? []).includes('*')))
        for (const action of statement.Action) expect(allowedStar).toContain(action);
  });

  it('lets the remediation Lambda assume the member remediation role, and act in its own account except on AISAWS resources', () => {
    const statements = policiesByRole(security).get('aisaws-iam-remediation') ?? [];
    const allowed = statements.filter((s) => s.Effect === 'Allow');
    const deny = statements.find((s) => s.Effect === 'Deny');

    expect(statements.find((s) => s.Sid === 'AssumeMemberRole')?.Resource).toEqual([
      'arn:aws:iam::222222222222:role/aisaws-iam-member-remediation',
    ]);
    expect(actionsOf(allowed)).toEqual(expect.arrayContaining(permissionsFor()));
    expect(deny?.Resource).toEqual(
      expect.arrayContaining([
        'arn:aws:iam::111111111111:role/aisaws-*',
        'arn:aws:s3:::aisaws-*',
        interpolation('aws_kms_key.key.arn'),
        'arn:aws:lambda:*:111111111111:function:aisaws-*',
        'arn:aws:states:*:111111111111:stateMachine:aisaws-*',
        'arn:aws:sns:*:111111111111:aisaws-*',
        'arn:aws:dynamodb:*:111111111111:table/aisaws-*',
      ]),
    );
    expect(deny?.Action).toEqual(
      expect.arrayContaining(['iam:AttachRolePolicy', 'iam:PutRolePolicy', 'kms:ScheduleKeyDeletion']),
    );
  });

  it('gives the remediation Lambda every forward playbook action and, beyond them, only its own needs', () => {
    const allowed = (policiesByRole(security).get('aisaws-iam-remediation') ?? []).filter(
      (s) => s.Effect === 'Allow',
    );
    const ownNeeds = [
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sts:AssumeRole',
    ];

    expect(actionsOf(allowed)).toEqual([...new Set([...permissionsFor(), ...ownNeeds])].sort());
  });

  it('gives the member remediation role every forward playbook action and nothing else', () => {
    const statements = policiesByRole(member).get('aisaws-iam-member-remediation') ?? [];
    const deny = statements.find((s) => s.Effect === 'Deny');

    expect(permissionsFor().length).toBeGreaterThan(0);
    expect(actionsOf(statements.filter((s) => s.Effect === 'Allow'))).toEqual(permissionsFor());
    expect(deny?.Resource).toEqual(
      expect.arrayContaining(['arn:aws:iam::222222222222:role/aisaws-*', 'arn:aws:s3:::aisaws-*']),
    );
  });

  it('gives the member rollback role every rollback playbook action and nothing else', () => {
    const statements = policiesByRole(member).get('aisaws-iam-member-rollback') ?? [];

    expect(actionsOf(statements.filter((s) => s.Effect === 'Allow'))).toEqual(rollbackPermissionsFor());
    expect(statements.find((s) => s.Effect === 'Deny')?.Resource).toEqual(
      expect.arrayContaining(['arn:aws:iam::222222222222:role/aisaws-*']),
    );
  });

  it("gives the member verification role only the playbooks' read actions", () => {
    const actions = actionsOf(policiesByRole(member).get('aisaws-iam-member-verification') ?? []);
    const reads = [...new Set([...permissionsFor(), ...rollbackPermissionsFor()])]
      .filter(isReadAction)
      .sort();

    expect(actions).toEqual(reads);
    expect(actions.every(isReadAction)).toBe(true);
  });

  it("trusts only the security account's Lambda role, with the ExternalId and the organisation id", () => {
    const role = resourcesOf(member, 'aws_iam_role').find((r) => r.name === 'aisaws-iam-member-remediation');
    const [trust] = statementsOf(role?.assume_role_policy);

    expect(trust?.Principal).toEqual({ AWS: 'arn:aws:iam::111111111111:role/aisaws-iam-remediation' });
    expect(trust?.Condition).toEqual({
      StringEquals: { 'sts:ExternalId': environment.externalId, 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
    });
  });

  it('lets only the security account rollback role assume the member rollback role', () => {
    const role = resourcesOf(member, 'aws_iam_role').find((r) => r.name === 'aisaws-iam-member-rollback');
    const trust = statementsOf(role?.assume_role_policy);
    const assumers = [...policiesByRole(security)]
      .filter(([, statements]) =>
        statements.some(
          (s) =>
            s.Effect === 'Allow' &&
            (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).includes(
              'arn:aws:iam::222222222222:role/aisaws-iam-member-rollback',
            ),
        ),
      )
      .map(([name]) => name);

    expect(trust).toHaveLength(1);
    expect(trust[0]?.Principal).toEqual({ AWS: 'arn:aws:iam::111111111111:role/aisaws-iam-rollback' });
    expect(assumers).toEqual(['aisaws-iam-rollback']);
  });

  it.each([
    ['tag-reader', 'tag:GetResources', 'ReadResourceTags', 'decision'],
    ['event-reader', 'cloudtrail:LookupEvents', 'LookUpEventHistory', 'reconcile'],
  ])(
    'gives the member %s role only %s, assumable only by its one function role with the ExternalId',
    (kind, action, sid, caller) => {
      const roleName = `aisaws-iam-member-${kind}`;
      const role = resourcesOf(member, 'aws_iam_role').find((r) => r.name === roleName);
      const [trust, ...otherTrust] = statementsOf(role?.assume_role_policy);
      const statements = policiesByRole(member).get(roleName) ?? [];
      const assumers = [...policiesByRole(security)]
        .filter(([, roleStatements]) =>
          roleStatements.some(
            (s) =>
              s.Effect === 'Allow' &&
              (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).includes(
                `arn:aws:iam::222222222222:role/${roleName}`,
              ),
          ),
        )
        .map(([name]) => name);

      expect(statements).toEqual([{ Sid: sid, Effect: 'Allow', Action: [action], Resource: ['*'] }]);
      expect(otherTrust).toEqual([]);
      expect(trust?.Principal).toEqual({ AWS: `arn:aws:iam::111111111111:role/aisaws-iam-${caller}` });
      expect(trust?.Condition).toEqual({
        StringEquals: { 'sts:ExternalId': environment.externalId, 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
      });
      expect(assumers).toEqual([`aisaws-iam-${caller}`]);
    },
  );

  it('lets the Decision role assume only the member tag-reader roles, and tells it which and with what ExternalId', () => {
    const statements = policiesByRole(security).get('aisaws-iam-decision') ?? [];
    const fn = resourcesOf(security, 'aws_lambda_function').find(
      (f) => f.function_name === 'aisaws-iam-decision',
    );
    const variables = (fn?.environment as { variables?: Record<string, string> } | undefined)?.variables;

    expect(statements.find((s) => s.Action.includes('sts:AssumeRole'))).toEqual({
      Sid: 'AssumeMemberRole',
      Effect: 'Allow',
      Action: ['sts:AssumeRole'],
      Resource: ['arn:aws:iam::222222222222:role/aisaws-iam-member-tag-reader'],
    });
    expect(variables).toMatchObject({
      OWN_ACCOUNT_ID: '111111111111',
      TAG_READER_ROLE_NAME: 'aisaws-iam-member-tag-reader',
      MEMBER_ROLE_EXTERNAL_ID: environment.externalId,
    });
  });

  it('grants each state machine exactly the integrations its ASL file uses', () => {
    const byRole = policiesByRole(security);
    const triage = byRole.get('aisaws-iam-triage-workflow') ?? [];
    const remediation = byRole.get('aisaws-iam-remediation-workflow') ?? [];
    const lambdaTargets = (statements: Statement[]) =>
      statements.find((s) => s.Action.includes('lambda:InvokeFunction'))?.Resource as string[];

    // Alert: an ALERT decision is told to a person ("Alert Person"), then recorded ALERTED ("Record Alerted"), then
    // upserted as a Security Hub finding ("Publish Alert Finding").
    expect(lambdaTargets(triage)).toEqual(
      ['ingest', 'scoring', 'decision', 'alert', 'findings']
        .sort()
        .map((stage) => `arn:aws:lambda:eu-west-1:111111111111:function:aisaws-iam-${stage}:live`),
    );
    expect(actionsOf(triage)).toEqual(expect.arrayContaining(['states:StartExecution', 'sqs:SendMessage']));
    const triageUpdate = triage.find((s) => s.Action.includes('dynamodb:UpdateItem'));
    expect(triageUpdate?.Action).toEqual(['dynamodb:UpdateItem']);
    expect(triageUpdate?.Resource).toEqual([expect.stringMatching(/:table\/aisaws-iam-events$/)]);
    expect(actionsOf(remediation)).toEqual(
      expect.arrayContaining(['dynamodb:UpdateItem', 'lambda:InvokeFunction']),
    );
    // The remediation workflow starts one state machine: the rollback workflow (after VERIFIED), nothing else.
    expect(remediation.find((s) => s.Action.includes('states:StartExecution'))?.Resource).toEqual([
      'arn:aws:states:eu-west-1:111111111111:stateMachine:aisaws-iam-rollback',
    ]);
    // Every function placeholder of the remediation ASL is invocable, and only those.
    const used = placeholdersIn(readFileSync(`${WORKFLOWS_DIR}/remediation.asl.json`, 'utf8'))
      .filter((name) => name.endsWith('FunctionArn'))
      .map((name) => name.replace('FunctionArn', '').toLowerCase())
      .sort();
    expect(lambdaTargets(remediation)).toEqual(
      used.map((stage) => `arn:aws:lambda:eu-west-1:111111111111:function:aisaws-iam-${stage}:live`),
    );
  });
});

/**
 * The SDK commands each Lambda package sends (read from its source), as IAM actions. The Lambda packages cannot be
 * imported by the infra; reading their source keeps the two from drifting apart.
 */
const SERVICE_OF_MODULE: Readonly<Record<string, string>> = {
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-sqs': 'sqs',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-ssm': 'ssm',
  '@aws-sdk/client-sfn': 'states',
  '@aws-sdk/client-sts': 'sts',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/client-resource-groups-tagging-api': 'tag',
  '@aws-sdk/client-securityhub': 'securityhub',
  '@aws-sdk/client-lambda': 'lambda',
};
/** Commands whose IAM action is not named after them. */
const ACTION_OF_COMMAND: Readonly<Record<string, string>> = { 'lambda:Invoke': 'lambda:InvokeFunction' };
/** lib-dynamodb's document commands and the DynamoDB action each one sends. */
const DOCUMENT_COMMANDS: Readonly<Record<string, string>> = {
  GetCommand: 'dynamodb:GetItem',
  PutCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  QueryCommand: 'dynamodb:Query',
  ScanCommand: 'dynamodb:Scan',
  BatchGetCommand: 'dynamodb:BatchGetItem',
  BatchWriteCommand: 'dynamodb:BatchWriteItem',
};

/**
 * Shared modules that send SDK calls with the importing Lambda's own credentials: a Lambda source importing one of
 * these subpaths is charged with the calls in its file. (Not `@aisaws/playbooks` itself: the playbooks' actions are
 * granted from their declared `permissionsFor()`.)
 */
const SHARED_SOURCE_OF_IMPORT: Readonly<Record<string, string>> = {
  '@aisaws/playbooks/cross-account': 'packages/playbooks/src/cross-account.ts',
};

/**
 * Shared modules whose SDK calls are sent by a library rather than by a `new XCommand(` in our source: a Lambda
 * importing one is charged with these actions. Powertools Parameters' SecretsProvider sends GetSecretValue.
 */
const LIBRARY_CALLS_OF_IMPORT: Readonly<Record<string, readonly string[]>> = {
  '@aisaws/lambda-runtime/secrets': ['secretsmanager:GetSecretValue'],
};

/**
 * Packages that ship two functions (one zip, two entry points): which package each function is built from and which
 * of its files belong to the other function only. The rollback function (`rollback.handler`) shares the domain code
 * of the remediation package but not its entry, deps and env; the Remediation Lambda does not run the rollback entry.
 */
const FUNCTION_SOURCES: Readonly<Record<string, { readonly pkg: string; readonly excluded: RegExp }>> = {
  remediation: { pkg: 'remediation', excluded: /^rollback-/ },
  rollback: { pkg: 'remediation', excluded: /^(?:handler|deps|env)\.ts$/ },
};

/** The source files of a Lambda: its package's `src/` (less the other function's entry), plus the shared modules above that it imports. */
function sourcesOf(stage: string): string[] {
  const { pkg, excluded } = FUNCTION_SOURCES[stage] ?? { pkg: stage, excluded: /^$/ };
  const dir = `${REPO_ROOT}packages/lambda-${pkg}/src`;
  if (!existsSync(dir)) return [];
  const own = readdirSync(dir, { recursive: true })
    .map(String)
    .filter((name) => name.endsWith('.ts') && !excluded.test(name))
    .map((name) => `${dir}/${name}`);
  const shared = new Set<string>();
  for (const file of own)
    for (const [, module] of readFileSync(file, 'utf8').matchAll(/from\s*'(@aisaws\/[\w/-]+)'/g)) {
      const path = SHARED_SOURCE_OF_IMPORT[module ?? ''];
      if (path) shared.add(`${REPO_ROOT}${path}`);
    }
  return [...own, ...shared];
}

/** Shared functions that alone send an action of their shared module: charged only to a Lambda that calls them. */
const ACTION_ONLY_VIA: Readonly<Record<string, string>> = { 'sts:AssumeRoot': 'createRootSessions' };

function actionsSentBy(stage: string): string[] {
  const actions = new Set<string>();
  const files = sourcesOf(stage);
  const ownSource = files
    .filter((file) => file.includes('/packages/lambda-'))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    for (const [, module] of source.matchAll(/from\s*'(@aisaws\/[\w/-]+)'/g))
      for (const action of LIBRARY_CALLS_OF_IMPORT[module ?? ''] ?? []) actions.add(action);
    for (const [, names, module] of source.matchAll(
      /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/[\w-]+)'/g,
    ))
      for (const name of (names ?? '').split(',').map((n) => n.replace(/^\s*type\s+/, '').trim())) {
        if (!name.endsWith('Command') || !new RegExp(`new ${name}\\(`).test(source)) continue;
        if (module === '@aws-sdk/lib-dynamodb') actions.add(DOCUMENT_COMMANDS[name] ?? `unknown:${name}`);
        else if (module && SERVICE_OF_MODULE[module]) {
          const action = `${SERVICE_OF_MODULE[module]}:${name.replace(/Command$/, '')}`;
          actions.add(ACTION_OF_COMMAND[action] ?? action);
        }
      }
  }
  for (const [action, via] of Object.entries(ACTION_ONLY_VIA))
    if (!new RegExp(`\\b${via}\\(`).test(ownSource)) actions.delete(action);
  return [...actions].sort();
}

describe('IAM matches the SDK calls of each Lambda package', () => {
  let allowedByRole: Map<string, string[]>;

  beforeAll(() => {
    const stack = synthStacks([testEnvironment({ name: 'calls' })]).get('calls') as SynthesizedStack;
    const roles = stack.json.resource.aws_iam_role ?? {};
    allowedByRole = new Map();
    for (const policy of resourcesOf(stack, 'aws_iam_role_policy')) {
      const roleId = /^\$\{aws_iam_role\.([\w-]+)\.id\}$/.exec(String(policy.role))?.[1] as string;
      const allowed = statementsOf(policy.policy).filter((s) => s.Effect === 'Allow');
      allowedByRole.set(String(roles[roleId]?.name), actionsOf(allowed));
    }
  });

  const stagesWithCode = [...STAGES, 'rollback'].filter((stage) => actionsSentBy(stage).length > 0);

  it('finds SDK calls in the Lambda packages', () => {
    expect(stagesWithCode.length).toBeGreaterThan(3);
  });

  it('charges the calls of shared modules to the Lambdas importing them', () => {
    expect(actionsSentBy('remediation')).toContain('sts:AssumeRole');
    expect(actionsSentBy('verification')).toContain('sts:AssumeRole');
    expect(actionsSentBy('alert')).toContain('secretsmanager:GetSecretValue');
    expect(actionsSentBy('approval')).toContain('secretsmanager:GetSecretValue');
    expect(actionsSentBy('rollback')).toEqual(
      expect.arrayContaining(['secretsmanager:GetSecretValue', 'sts:AssumeRole', 'dynamodb:UpdateItem']),
    );
    expect(actionsSentBy('remediation')).not.toContain('secretsmanager:GetSecretValue');
    // The Remediation Lambda opens root sessions (createRootSessions); the rollback function does not.
    expect(actionsSentBy('remediation')).toContain('sts:AssumeRoot');
    expect(actionsSentBy('rollback')).not.toContain('sts:AssumeRoot');
    // Decide reads a member resource's tags through the member tag-reader role (the cross-account module).
    expect(actionsSentBy('decision')).toEqual(expect.arrayContaining(['sts:AssumeRole', 'tag:GetResources']));
    expect(actionsSentBy('decision')).not.toContain('sts:AssumeRoot');
    // Reconcile invokes the Findings Lambda (InvokeCommand is the action lambda:InvokeFunction).
    expect(actionsSentBy('reconcile')).toContain('lambda:InvokeFunction');
  });

  it('findings: sends BatchImportFindings and BatchUpdateFindings, granted on its own product and hub only', () => {
    expect(actionsSentBy('findings')).toEqual([
      'securityhub:BatchImportFindings',
      'securityhub:BatchUpdateFindings',
    ]);
    const stack = synthStacks([testEnvironment({ name: 'calls' })]).get('calls') as SynthesizedStack;
    const roles = stack.json.resource.aws_iam_role ?? {};
    const statements = resourcesOf(stack, 'aws_iam_role_policy')
      .filter((policy) => {
        const roleId = /^\$\{aws_iam_role\.([\w-]+)\.id\}$/.exec(String(policy.role))?.[1] as string;
        return roles[roleId]?.name === 'aisaws-calls-findings';
      })
      .flatMap((policy) => statementsOf(policy.policy))
      .filter((statement) => actionsOf([statement]).some((action) => action.startsWith('securityhub:')));
    expect(statements).toEqual([
      {
        Sid: 'ImportOwnFindings',
        Effect: 'Allow',
        Action: ['securityhub:BatchImportFindings'],
        Resource: ['arn:aws:securityhub:eu-west-1:111111111111:product/111111111111/default'],
        Condition: { StringEquals: { 'securityhub:TargetAccount': '111111111111' } },
      },
      expect.objectContaining({
        Sid: 'SetWorkflowStatusOfOwnFindings',
        Action: ['securityhub:BatchUpdateFindings'],
        Resource: ['arn:aws:securityhub:eu-west-1:111111111111:hub/default'],
        Condition: expect.objectContaining({
          StringEquals: { 'securityhub:ASFFSyntaxPath/Workflow.Status': ['NEW', 'NOTIFIED', 'RESOLVED'] },
          Null: expect.objectContaining({ 'securityhub:ASFFSyntaxPath/Note.Text': 'true' }),
        }),
      }),
      {
        Sid: 'ReopenRolledBackFindingsWithNote',
        Effect: 'Allow',
        Action: ['securityhub:BatchUpdateFindings'],
        Resource: ['arn:aws:securityhub:eu-west-1:111111111111:hub/default'],
        Condition: {
          StringEquals: { 'securityhub:ASFFSyntaxPath/Workflow.Status': 'NOTIFIED' },
          Null: {
            'securityhub:ASFFSyntaxPath/Note.Text': 'false',
            'securityhub:ASFFSyntaxPath/Severity.Label': 'true',
            'securityhub:ASFFSyntaxPath/VerificationState': 'true',
            'securityhub:ASFFSyntaxPath/Confidence': 'true',
            'securityhub:ASFFSyntaxPath/Criticality': 'true',
          },
        },
      },
    ]);
  });

  it.each(stagesWithCode)('%s: every action its code sends is granted', (stage) => {
    const sent = actionsSentBy(stage);

    expect(allowedByRole.get(`aisaws-calls-${stage}`)).toEqual(expect.arrayContaining(sent));
  });
});
