import { DeleteAccessKeyCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import * as z from 'zod';
import { definePlaybookImplementation } from '../define.js';
import { resourceRefSchema } from '../shared.js';
import type { ClientFactory, PlaybookContext } from '../types.js';

/** The AWS managed task policy a root session is limited to: delete root credentials, nothing else. */
const DELETE_ROOT_CREDENTIALS_TASK_POLICY = 'arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials';
/** The actions this playbook sends in the root session (allowed by the task policy, not by an AISAWS role). */
const ROOT_SESSION_ACTIONS = ['iam:DeleteAccessKey', 'iam:ListAccessKeys'] as const;

/** The member account's root (id = account) and the key it created (details.accessKeyId). */
const RootKeyTargetSchema = resourceRefSchema(
  ['AWS::IAM::Root'],
  z.object({ accessKeyId: z.string().regex(/^AKIA[A-Z0-9]{12,}$/, 'needs the root access key id (AKIA…)') }),
).transform((ref) => ({ account: ref.account, accessKeyId: ref.details.accessKeyId, region: ref.region }));
type RootKeyTarget = z.infer<typeof RootKeyTargetSchema>;

/** No root session capability here (not the management or delegated-administrator account): a person acts. */
class RootSessionUnavailableError extends Error {
  constructor(target: RootKeyTarget) {
    super(
      `no root session for account ${target.account}: AISAWS does not run in the organization's management or delegated-administrator account (centralized root access); delete root access key ${target.accessKeyId} in the console`,
    );
    this.name = 'RootSessionUnavailableError';
  }
}

async function rootIam(target: RootKeyTarget, ctx: PlaybookContext): Promise<IAMClient> {
  if (!ctx.rootSession) throw new RootSessionUnavailableError(target);
  const clients: ClientFactory = await ctx.rootSession(target.account, DELETE_ROOT_CREDENTIALS_TASK_POLICY);
  return clients(IAMClient, target.region);
}

/** The root user's access keys (ListAccessKeys without UserName, in a root session: the root's own). */
async function readRootKeys(target: RootKeyTarget, ctx: PlaybookContext) {
  const output = await (await rootIam(target, ctx)).send(new ListAccessKeysCommand({}));
  return (output.AccessKeyMetadata ?? []).map((key) => ({
    accessKeyId: key.AccessKeyId ?? '',
    status: key.Status ?? 'Unknown',
    createDate: key.CreateDate?.toISOString() ?? null,
  }));
}

/**
 * CreateAccessKey by root: long-lived keys with full control of the account. In a member account with Organizations
 * centralized root access, the fix opens a root session limited to the IAMDeleteRootUserCredentials task policy and
 * deletes that key. Irreversible (a key's secret cannot come back), so always approved first; without the capability
 * the decision is ALERT with the console steps (core policy `centralizedRootAccess`).
 */
const deleteRootAccessKey = definePlaybookImplementation({
  id: 'iam.delete-root-access-key',
  // The AISAWS account's role opens the root session; the IAM calls in it are allowed by the task policy.
  permissions: ['sts:AssumeRoot'],
  rollbackPermissions: [],
  target: RootKeyTargetSchema,
  state: z.object({
    account: z.string(),
    accessKeyId: z.string(),
    keys: z.array(
      z.object({ accessKeyId: z.string(), status: z.string(), createDate: z.string().nullable() }),
    ),
  }),
  async snapshot(target, ctx) {
    return {
      account: target.account,
      accessKeyId: target.accessKeyId,
      keys: await readRootKeys(target, ctx),
    };
  },
  async apply(target, _state, ctx) {
    const keys = await readRootKeys(target, ctx);
    if (!keys.some((key) => key.accessKeyId === target.accessKeyId))
      return { status: 'already-compliant', changes: [] };
    await (await rootIam(target, ctx)).send(new DeleteAccessKeyCommand({ AccessKeyId: target.accessKeyId }));
    return {
      status: 'applied',
      changes: [`DeleteAccessKey ${target.accessKeyId} of the root user of ${target.account} (root session)`],
    };
  },
  async verify(target, ctx) {
    const keys = await readRootKeys(target, ctx);
    const present = keys.some((key) => key.accessKeyId === target.accessKeyId);
    return {
      converged: !present,
      observed: { account: target.account, rootAccessKeys: keys },
      details: present
        ? `Root access key ${target.accessKeyId} of ${target.account} still exists.`
        : `Root access key ${target.accessKeyId} of ${target.account} no longer exists.`,
    };
  },
});

export {
  DELETE_ROOT_CREDENTIALS_TASK_POLICY,
  deleteRootAccessKey,
  ROOT_SESSION_ACTIONS,
  RootSessionUnavailableError,
};
