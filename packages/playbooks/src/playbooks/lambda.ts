import { awsPrincipals, hasNarrowingCondition, isPublicStatement } from '@aisaws/core/access';
import {
  AddPermissionCommand,
  type AddPermissionCommandInput,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  LambdaClient,
  RemovePermissionCommand,
  UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { definePlaybookImplementation } from '../define.js';
import { firstDefined, readOrNull, resourceRefSchema } from '../shared.js';
import type { PlaybookContext } from '../types.js';

const FunctionDetailsSchema = z.object({
  functionName: z.string().min(1).optional(),
  qualifier: z.string().min(1).optional(),
  statementId: z.string().min(1).optional(),
  sid: z.string().min(1).optional(),
});

/** Function: details.functionName, else the id (a name or ARN); optional details.qualifier (alias or version). */
const FunctionTargetSchema = resourceRefSchema(
  ['AWS::Lambda::Function', 'AWS::Lambda::Url', 'AWS::Lambda::Permission'],
  FunctionDetailsSchema,
).transform((ref) => ({
  functionName: ref.details.functionName ?? ref.id,
  qualifier: ref.details.qualifier,
  statementId: firstDefined(ref.details.statementId, ref.details.sid),
  account: ref.account,
  region: ref.region,
}));
type FunctionTarget = z.infer<typeof FunctionTargetSchema>;

const lambda = (target: FunctionTarget, ctx: PlaybookContext) => ctx.clients(LambdaClient, target.region);
const qualified = (target: FunctionTarget) => ({
  FunctionName: target.functionName,
  ...(target.qualifier ? { Qualifier: target.qualifier } : {}),
});
const label = (target: FunctionTarget) =>
  `${target.functionName}${target.qualifier ? `:${target.qualifier}` : ''}`;

/** The function URL's auth type, or null when the function has no URL. */
async function readUrlAuthType(target: FunctionTarget, ctx: PlaybookContext): Promise<string | null> {
  const output = await readOrNull(
    () => lambda(target, ctx).send(new GetFunctionUrlConfigCommand(qualified(target))),
    ['ResourceNotFoundException'],
  );
  return output === null ? null : (output.AuthType ?? null);
}

const requireUrlAuth = definePlaybookImplementation({
  id: 'lambda.require-url-auth',
  permissions: ['lambda:GetFunctionUrlConfig', 'lambda:UpdateFunctionUrlConfig'],
  rollbackPermissions: ['lambda:UpdateFunctionUrlConfig'],
  target: FunctionTargetSchema,
  state: z.object({ functionName: z.string(), authType: z.enum(['NONE', 'AWS_IAM']).nullable() }),
  async snapshot(target, ctx) {
    const authType = await readUrlAuthType(target, ctx);
    return {
      functionName: target.functionName,
      authType: authType === 'NONE' || authType === 'AWS_IAM' ? authType : null,
    };
  },
  async apply(target, _state, ctx) {
    const authType = await readUrlAuthType(target, ctx);
    // No URL (deleted since) or already IAM: nothing is public through a URL.
    if (authType === null || authType === 'AWS_IAM') return { status: 'already-compliant', changes: [] };
    await lambda(target, ctx).send(
      new UpdateFunctionUrlConfigCommand({ ...qualified(target), AuthType: 'AWS_IAM' }),
    );
    return {
      status: 'applied',
      changes: [`UpdateFunctionUrlConfig ${label(target)}: AuthType ${authType} → AWS_IAM`],
    };
  },
  async verify(target, ctx) {
    const authType = await readUrlAuthType(target, ctx);
    const converged = authType === null || authType === 'AWS_IAM';
    return {
      converged,
      observed: { functionName: target.functionName, authType },
      details:
        authType === null
          ? `Function ${label(target)} has no function URL.`
          : `Function ${label(target)} URL auth type is ${authType}.`,
    };
  },
  async rollback(target, state, ctx) {
    if (state.authType !== 'NONE') return { changes: [] };
    await lambda(target, ctx).send(
      new UpdateFunctionUrlConfigCommand({ ...qualified(target), AuthType: 'NONE' }),
    );
    return { changes: [`UpdateFunctionUrlConfig ${label(target)}: AuthType NONE, as before the fix`] };
  },
});

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const StatementSchema = z.looseObject({
  Sid: z.string(),
  Effect: z.string(),
  Principal: z.union([z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())]))]),
  Action: z.union([z.string(), z.array(z.string())]),
  Condition: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});
type Statement = z.infer<typeof StatementSchema>;

/** The function's resource policy statements, or [] when it has no policy. */
async function readStatements(target: FunctionTarget, ctx: PlaybookContext): Promise<unknown[]> {
  const output = await readOrNull(
    () => lambda(target, ctx).send(new GetPolicyCommand(qualified(target))),
    ['ResourceNotFoundException'],
  );
  if (!output?.Policy) return [];
  const policy: unknown = JSON.parse(output.Policy);
  return isObject(policy) && Array.isArray(policy.Statement) ? policy.Statement : [];
}

function findStatement(statements: readonly unknown[], sid: string): Statement | null {
  const found = statements.find((statement) => isObject(statement) && statement.Sid === sid);
  return found === undefined ? null : StatementSchema.parse(found);
}

/** The 12-digit account of an account id or an ARN principal. */
const accountIn = (principal: string): string | undefined =>
  /^\d{12}$/.test(principal) ? principal : /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(principal)?.[1];

/**
 * Whether the live statement still exposes the function the way the detection flagged it: open to anyone (core's
 * shared public-policy evaluator, the one the detection uses) or granted to another account without a narrowing
 * condition. Re-checked just before the removal: a statement narrowed since the event is left alone.
 */
function stillExposed(statement: Statement, functionAccount: string): boolean {
  if (isPublicStatement(statement)) return true;
  if (statement.Effect !== 'Allow' || hasNarrowingCondition(statement)) return false;
  return awsPrincipals(statement).some((principal) => {
    const account = accountIn(principal);
    return account !== undefined && account !== functionAccount;
  });
}

/** A condition value, looked up case-insensitively across operators (Lambda writes `AWS:SourceArn`). */
function conditionValue(statement: Statement, key: string): string | undefined {
  for (const block of Object.values(statement.Condition ?? {})) {
    for (const [name, value] of Object.entries(block)) {
      if (name.toLowerCase() !== key.toLowerCase()) continue;
      const first = Array.isArray(value) ? value[0] : value;
      if (typeof first === 'string' || typeof first === 'boolean') return String(first);
    }
  }
  return undefined;
}

/** The AddPermission input that recreates a statement Lambda wrote (principal, action and the conditions it maps). */
function addPermissionInput(target: FunctionTarget, statement: Statement): AddPermissionCommandInput {
  const principal = statement.Principal;
  const principalValue =
    typeof principal === 'string'
      ? principal
      : [principal.AWS, principal.Service].flat().find((value) => value !== undefined);
  const action = Array.isArray(statement.Action) ? statement.Action[0] : statement.Action;
  const sourceArn = conditionValue(statement, 'AWS:SourceArn');
  const sourceAccount = conditionValue(statement, 'AWS:SourceAccount');
  const urlAuthType = conditionValue(statement, 'lambda:FunctionUrlAuthType');
  const orgId = conditionValue(statement, 'aws:PrincipalOrgID');
  const token = conditionValue(statement, 'lambda:EventSourceToken');
  const viaUrl = conditionValue(statement, 'lambda:InvokedViaFunctionUrl');
  return {
    ...qualified(target),
    StatementId: statement.Sid,
    Action: action,
    Principal: principalValue,
    ...(sourceArn ? { SourceArn: sourceArn } : {}),
    ...(sourceAccount ? { SourceAccount: sourceAccount } : {}),
    ...(urlAuthType === 'NONE' || urlAuthType === 'AWS_IAM' ? { FunctionUrlAuthType: urlAuthType } : {}),
    ...(orgId ? { PrincipalOrgID: orgId } : {}),
    ...(token ? { EventSourceToken: token } : {}),
    ...(viaUrl === 'true' ? { InvokedViaFunctionUrl: true } : {}),
  };
}

const removePublicPermission = definePlaybookImplementation({
  id: 'lambda.remove-public-permission',
  permissions: ['lambda:GetPolicy', 'lambda:RemovePermission'],
  rollbackPermissions: ['lambda:AddPermission', 'lambda:GetPolicy'],
  target: FunctionTargetSchema.refine((target) => target.statementId !== undefined, {
    message: 'needs the statement to remove: details.statementId',
    path: ['details', 'statementId'],
  }).transform((target) => ({ ...target, statementId: target.statementId ?? '' })),
  state: z.object({ functionName: z.string(), statement: StatementSchema.nullable() }),
  async snapshot(target, ctx) {
    return {
      functionName: target.functionName,
      statement: findStatement(await readStatements(target, ctx), target.statementId),
    };
  },
  async apply(target, _state, ctx) {
    // Re-read just before the removal: gone, or no longer public / foreign → nothing to remove.
    const live = findStatement(await readStatements(target, ctx), target.statementId);
    if (live === null || !stillExposed(live, target.account))
      return { status: 'already-compliant', changes: [] };
    await lambda(target, ctx).send(
      new RemovePermissionCommand({ ...qualified(target), StatementId: target.statementId }),
    );
    return {
      status: 'applied',
      changes: [`RemovePermission ${label(target)}: statement ${target.statementId}`],
    };
  },
  async verify(target, ctx) {
    const statement = findStatement(await readStatements(target, ctx), target.statementId);
    const exposed = statement !== null && stillExposed(statement, target.account);
    return {
      converged: !exposed,
      observed: {
        functionName: target.functionName,
        statementId: target.statementId,
        statementPresent: statement !== null,
        exposed,
      },
      details:
        statement === null
          ? `Function ${label(target)} policy no longer has statement ${target.statementId}.`
          : exposed
            ? `Function ${label(target)} policy still has statement ${target.statementId}, open to anyone or another account.`
            : `Function ${label(target)} policy has statement ${target.statementId}, no longer public (narrowed by a condition or principal).`,
    };
  },
  async rollback(target, state, ctx) {
    if (state.statement === null) return { changes: [] };
    if (findStatement(await readStatements(target, ctx), target.statementId) !== null) return { changes: [] };
    await lambda(target, ctx).send(new AddPermissionCommand(addPermissionInput(target, state.statement)));
    return { changes: [`AddPermission ${label(target)}: statement ${state.statement.Sid} added back`] };
  },
});

export { removePublicPermission, requireUrlAuth };
