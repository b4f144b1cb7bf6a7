import {
  type AttachedPolicy,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import * as z from 'zod';
import { definePlaybookImplementation } from '../define.js';
import { resourceRefSchema } from '../shared.js';
import type { PlaybookContext } from '../types.js';

/** IAM is global; the client still needs a region (it picks the partition's endpoint). */
const iam = (region: string, ctx: PlaybookContext) => ctx.clients(IAMClient, region);

/** Access key: details.accessKeyId (else an AKIA…/ASIA… id) of details.userName. */
const AccessKeyTargetSchema = resourceRefSchema(
  ['AWS::IAM::AccessKey', 'AWS::IAM::User'],
  z.object({ userName: z.string().min(1), accessKeyId: z.string().optional() }),
)
  .transform((ref) => ({
    userName: ref.details.userName,
    accessKeyId: ref.details.accessKeyId ?? (/^A[KS]IA[A-Z0-9]{12,}$/.test(ref.id) ? ref.id : ''),
    region: ref.region,
  }))
  .refine((target) => /^A[KS]IA[A-Z0-9]{12,}$/.test(target.accessKeyId), {
    message: 'needs the access key id: details.accessKeyId (AKIA…)',
    path: ['details', 'accessKeyId'],
  });
type AccessKeyTarget = z.infer<typeof AccessKeyTargetSchema>;

/** The key's status (Active / Inactive), or null when the user has no such key any more. */
async function readKeyStatus(target: AccessKeyTarget, ctx: PlaybookContext): Promise<string | null> {
  let marker: string | undefined;
  do {
    const output = await iam(target.region, ctx).send(
      new ListAccessKeysCommand({ UserName: target.userName, ...(marker ? { Marker: marker } : {}) }),
    );
    const key = output.AccessKeyMetadata?.find((entry) => entry.AccessKeyId === target.accessKeyId);
    if (key) return key.Status ?? null;
    marker = output.IsTruncated ? output.Marker : undefined;
  } while (marker);
  return null;
}

async function setKeyStatus(
  target: AccessKeyTarget,
  status: 'Active' | 'Inactive',
  ctx: PlaybookContext,
): Promise<string> {
  await iam(target.region, ctx).send(
    new UpdateAccessKeyCommand({
      UserName: target.userName,
      AccessKeyId: target.accessKeyId,
      Status: status,
    }),
  );
  return `UpdateAccessKey ${target.accessKeyId} of ${target.userName}: ${status}`;
}

const deactivateAccessKey = definePlaybookImplementation({
  id: 'iam.deactivate-access-key',
  permissions: ['iam:ListAccessKeys', 'iam:UpdateAccessKey'],
  rollbackPermissions: ['iam:ListAccessKeys', 'iam:UpdateAccessKey'],
  target: AccessKeyTargetSchema,
  state: z.object({ userName: z.string(), accessKeyId: z.string(), status: z.string().nullable() }),
  async snapshot(target, ctx) {
    return {
      userName: target.userName,
      accessKeyId: target.accessKeyId,
      status: await readKeyStatus(target, ctx),
    };
  },
  async apply(target, _state, ctx) {
    const status = await readKeyStatus(target, ctx);
    // Inactive already, or deleted since: the key cannot be used.
    if (status === null || status === 'Inactive') return { status: 'already-compliant', changes: [] };
    return { status: 'applied', changes: [await setKeyStatus(target, 'Inactive', ctx)] };
  },
  async verify(target, ctx) {
    const status = await readKeyStatus(target, ctx);
    const converged = status === null || status === 'Inactive';
    return {
      converged,
      observed: { userName: target.userName, accessKeyId: target.accessKeyId, status },
      details:
        status === null
          ? `Access key ${target.accessKeyId} no longer exists for ${target.userName}.`
          : `Access key ${target.accessKeyId} of ${target.userName} is ${status}.`,
    };
  },
  async rollback(target, state, ctx) {
    if (state.status !== 'Active') return { changes: [] };
    if ((await readKeyStatus(target, ctx)) !== 'Inactive') return { changes: [] };
    return { changes: [await setKeyStatus(target, 'Active', ctx)] };
  },
});

type PrincipalKind = 'user' | 'role' | 'group';

/**
 * Policy: details.policyArn (else an arn:…:policy/… id). Principal: details.principalType (user|role|group) with
 * details.principalName, or exactly one of details.userName / roleName / groupName.
 */
const AttachmentTargetSchema = resourceRefSchema(
  ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::User', 'AWS::IAM::Role', 'AWS::IAM::Group'],
  z.object({
    policyArn: z.string().optional(),
    principalType: z.enum(['user', 'role', 'group']).optional(),
    principalName: z.string().min(1).optional(),
    userName: z.string().min(1).optional(),
    roleName: z.string().min(1).optional(),
    groupName: z.string().min(1).optional(),
  }),
)
  .transform((ref) => {
    const { principalType, principalName, userName, roleName, groupName } = ref.details;
    const principals = (
      [
        ['user', userName ?? (principalType === 'user' ? principalName : undefined)],
        ['role', roleName ?? (principalType === 'role' ? principalName : undefined)],
        ['group', groupName ?? (principalType === 'group' ? principalName : undefined)],
      ] as const
    ).flatMap(([kind, name]) => (name === undefined ? [] : [{ kind, name }]));
    return {
      policyArn: ref.details.policyArn ?? (/^arn:aws[a-z-]*:iam::[\w-]*:policy\//.test(ref.id) ? ref.id : ''),
      principals,
      region: ref.region,
    };
  })
  .refine((target) => /^arn:aws[a-z-]*:iam::[\w-]*:policy\//.test(target.policyArn), {
    message: 'needs the managed policy ARN: details.policyArn',
    path: ['details', 'policyArn'],
  })
  .refine((target) => target.principals.length === 1, {
    message:
      'needs exactly one principal: details.principalType + principalName, or one of details.userName, roleName, groupName',
    path: ['details', 'userName'],
  })
  .transform((target) => ({
    policyArn: target.policyArn,
    kind: target.principals[0]?.kind ?? ('user' as PrincipalKind),
    name: target.principals[0]?.name ?? '',
    region: target.region,
  }));
type AttachmentTarget = z.infer<typeof AttachmentTargetSchema>;

async function listAttached(target: AttachmentTarget, ctx: PlaybookContext): Promise<AttachedPolicy[]> {
  const client = iam(target.region, ctx);
  const policies: AttachedPolicy[] = [];
  let marker: string | undefined;
  do {
    const page = { ...(marker ? { Marker: marker } : {}) };
    const output =
      target.kind === 'user'
        ? await client.send(new ListAttachedUserPoliciesCommand({ UserName: target.name, ...page }))
        : target.kind === 'role'
          ? await client.send(new ListAttachedRolePoliciesCommand({ RoleName: target.name, ...page }))
          : await client.send(new ListAttachedGroupPoliciesCommand({ GroupName: target.name, ...page }));
    policies.push(...(output.AttachedPolicies ?? []));
    marker = output.IsTruncated ? output.Marker : undefined;
  } while (marker);
  return policies;
}

const isAttached = async (target: AttachmentTarget, ctx: PlaybookContext): Promise<boolean> =>
  (await listAttached(target, ctx)).some((policy) => policy.PolicyArn === target.policyArn);

async function detach(target: AttachmentTarget, ctx: PlaybookContext): Promise<void> {
  const client = iam(target.region, ctx);
  const { policyArn: PolicyArn, name } = target;
  if (target.kind === 'user') await client.send(new DetachUserPolicyCommand({ UserName: name, PolicyArn }));
  else if (target.kind === 'role')
    await client.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn }));
  else await client.send(new DetachGroupPolicyCommand({ GroupName: name, PolicyArn }));
}

async function attach(target: AttachmentTarget, ctx: PlaybookContext): Promise<void> {
  const client = iam(target.region, ctx);
  const { policyArn: PolicyArn, name } = target;
  if (target.kind === 'user') await client.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn }));
  else if (target.kind === 'role')
    await client.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn }));
  else await client.send(new AttachGroupPolicyCommand({ GroupName: name, PolicyArn }));
}

const detachAdminPolicy = definePlaybookImplementation({
  id: 'iam.detach-admin-policy',
  permissions: [
    'iam:DetachGroupPolicy',
    'iam:DetachRolePolicy',
    'iam:DetachUserPolicy',
    'iam:ListAttachedGroupPolicies',
    'iam:ListAttachedRolePolicies',
    'iam:ListAttachedUserPolicies',
  ],
  rollbackPermissions: [
    'iam:AttachGroupPolicy',
    'iam:AttachRolePolicy',
    'iam:AttachUserPolicy',
    'iam:ListAttachedGroupPolicies',
    'iam:ListAttachedRolePolicies',
    'iam:ListAttachedUserPolicies',
  ],
  target: AttachmentTargetSchema,
  state: z.object({
    policyArn: z.string(),
    principal: z.object({ kind: z.enum(['user', 'role', 'group']), name: z.string() }),
    attached: z.boolean(),
  }),
  async snapshot(target, ctx) {
    return {
      policyArn: target.policyArn,
      principal: { kind: target.kind, name: target.name },
      attached: await isAttached(target, ctx),
    };
  },
  async apply(target, _state, ctx) {
    if (!(await isAttached(target, ctx))) return { status: 'already-compliant', changes: [] };
    await detach(target, ctx);
    return {
      status: 'applied',
      changes: [
        `Detach${capitalize(target.kind)}Policy ${target.policyArn} from ${target.kind} ${target.name}`,
      ],
    };
  },
  async verify(target, ctx) {
    const attached = await isAttached(target, ctx);
    return {
      converged: !attached,
      observed: {
        policyArn: target.policyArn,
        principal: { kind: target.kind, name: target.name },
        attached,
      },
      details: `${target.policyArn} is ${attached ? 'still' : 'no longer'} attached to ${target.kind} ${target.name}.`,
    };
  },
  async rollback(target, state, ctx) {
    if (!state.attached || (await isAttached(target, ctx))) return { changes: [] };
    await attach(target, ctx);
    return {
      changes: [
        `Attach${capitalize(target.kind)}Policy ${target.policyArn} to ${target.kind} ${target.name}`,
      ],
    };
  },
});

const capitalize = (kind: PrincipalKind): string => `${kind[0]?.toUpperCase() ?? ''}${kind.slice(1)}`;

export { deactivateAccessKey, detachAdminPolicy };
