import {
  DeleteGroupPolicyCommand,
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  GetGroupPolicyCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import * as z from 'zod';
import { definePlaybookImplementation } from '../define.js';
import { readOrNull, resourceRefSchema } from '../shared.js';
import type { PlaybookContext } from '../types.js';

const KIND_BY_TYPE = {
  'AWS::IAM::User': 'user',
  'AWS::IAM::Role': 'role',
  'AWS::IAM::Group': 'group',
} as const;
type PrincipalKind = (typeof KIND_BY_TYPE)[keyof typeof KIND_BY_TYPE];

/** The user, role or group (the id) and the inline policy's name (details.policyName). */
const InlinePolicyTargetSchema = resourceRefSchema(
  ['AWS::IAM::User', 'AWS::IAM::Role', 'AWS::IAM::Group'],
  z.object({ policyName: z.string().min(1) }),
).transform((ref) => ({
  kind: KIND_BY_TYPE[ref.type as keyof typeof KIND_BY_TYPE] as PrincipalKind,
  principal: ref.id,
  policyName: ref.details.policyName,
  region: ref.region,
}));
type InlinePolicyTarget = z.infer<typeof InlinePolicyTargetSchema>;

const iam = (target: InlinePolicyTarget, ctx: PlaybookContext) => ctx.clients(IAMClient, target.region);
const where = (target: InlinePolicyTarget) =>
  `inline policy ${target.policyName} of IAM ${target.kind} ${target.principal}`;

/** The inline policy's document as JSON text (IAM returns it URL-encoded), or null when it does not exist. */
async function readInlineDocument(target: InlinePolicyTarget, ctx: PlaybookContext): Promise<string | null> {
  const client = iam(target, ctx);
  const { principal: name, policyName: PolicyName } = target;
  const output = await readOrNull(async () => {
    switch (target.kind) {
      case 'user':
        return client.send(new GetUserPolicyCommand({ UserName: name, PolicyName }));
      case 'role':
        return client.send(new GetRolePolicyCommand({ RoleName: name, PolicyName }));
      case 'group':
        return client.send(new GetGroupPolicyCommand({ GroupName: name, PolicyName }));
    }
  }, ['NoSuchEntity', 'NoSuchEntityException']);
  if (!output?.PolicyDocument) return null;
  return decodeURIComponent(output.PolicyDocument);
}

/** A snapshot's document no longer matching the live one: someone changed the policy since; nothing is deleted. */
class InlinePolicyChangedError extends Error {
  constructor(target: InlinePolicyTarget) {
    super(`${where(target)} changed since the snapshot: not deleted (decide again on the new document)`);
    this.name = 'InlinePolicyChangedError';
  }
}

/**
 * PutUserPolicy / PutRolePolicy / PutGroupPolicy with a document granting all actions: the fix deletes that inline
 * policy, after saving its document in the snapshot (rollback puts it back). It deletes only the document the
 * snapshot saved: if the policy was rewritten in between (during the approval wait), it refuses and says so.
 */
const deleteInlineAdminPolicy = definePlaybookImplementation({
  id: 'iam.delete-inline-admin-policy',
  permissions: [
    'iam:GetUserPolicy',
    'iam:GetRolePolicy',
    'iam:GetGroupPolicy',
    'iam:DeleteUserPolicy',
    'iam:DeleteRolePolicy',
    'iam:DeleteGroupPolicy',
  ],
  rollbackPermissions: ['iam:PutUserPolicy', 'iam:PutRolePolicy', 'iam:PutGroupPolicy'],
  target: InlinePolicyTargetSchema,
  state: z.object({
    kind: z.enum(['user', 'role', 'group']),
    principal: z.string(),
    policyName: z.string(),
    document: z.string().nullable(),
  }),
  async snapshot(target, ctx) {
    return {
      kind: target.kind,
      principal: target.principal,
      policyName: target.policyName,
      document: await readInlineDocument(target, ctx),
    };
  },
  async apply(target, state, ctx) {
    const live = await readInlineDocument(target, ctx);
    if (live === null) return { status: 'already-compliant', changes: [] };
    if (state.document !== null && live !== state.document) throw new InlinePolicyChangedError(target);
    const client = iam(target, ctx);
    const { principal: name, policyName: PolicyName } = target;
    switch (target.kind) {
      case 'user':
        await client.send(new DeleteUserPolicyCommand({ UserName: name, PolicyName }));
        break;
      case 'role':
        await client.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName }));
        break;
      case 'group':
        await client.send(new DeleteGroupPolicyCommand({ GroupName: name, PolicyName }));
        break;
    }
    return { status: 'applied', changes: [`Delete${capitalised(target.kind)}Policy ${where(target)}`] };
  },
  async verify(target, ctx) {
    const document = await readInlineDocument(target, ctx);
    return {
      converged: document === null,
      observed: { kind: target.kind, principal: target.principal, policyName: target.policyName, document },
      details: document === null ? `${where(target)} no longer exists.` : `${where(target)} still exists.`,
    };
  },
  async rollback(target, state, ctx) {
    if (state.document === null) return { changes: [] };
    const client = iam(target, ctx);
    const { principal: name, policyName: PolicyName } = target;
    const PolicyDocument = state.document;
    switch (target.kind) {
      case 'user':
        await client.send(new PutUserPolicyCommand({ UserName: name, PolicyName, PolicyDocument }));
        break;
      case 'role':
        await client.send(new PutRolePolicyCommand({ RoleName: name, PolicyName, PolicyDocument }));
        break;
      case 'group':
        await client.send(new PutGroupPolicyCommand({ GroupName: name, PolicyName, PolicyDocument }));
        break;
    }
    return { changes: [`Put${capitalised(target.kind)}Policy ${where(target)}: the saved document`] };
  },
});

function capitalised(kind: PrincipalKind): string {
  return `${kind.charAt(0).toUpperCase()}${kind.slice(1)}`;
}

export { deleteInlineAdminPolicy, InlinePolicyChangedError };
