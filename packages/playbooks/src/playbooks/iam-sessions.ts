import {
  DeleteRolePolicyCommand,
  GetRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import * as z from 'zod';
import { definePlaybookImplementation } from '../define.js';
import { firstDefined, readOrNull, resourceRefSchema } from '../shared.js';
import type { PlaybookContext } from '../types.js';

/**
 * iam.revoke-role-sessions: stolen temporary credentials of a role (GuardDuty InstanceCredentialExfiltration,
 * MaliciousIPCaller on a role) stop working. The role gets the inline policy `AISAWSRevokeOlderSessions`: one Deny
 * of every action, conditioned on `aws:TokenIssueTime` before the revocation time. That is the mechanism of the IAM
 * console's "Revoke active sessions"; sessions issued later (the instance's own, once it refreshes) are not affected.
 */

const POLICY_NAME = 'AISAWSRevokeOlderSessions';

const iam = (region: string, ctx: PlaybookContext) => ctx.clients(IAMClient, region);

/** Role: details.roleName, else the ResourceRef id (a role name, or a role ARN's last segment). */
const RoleTargetSchema = resourceRefSchema(
  ['AWS::IAM::Role'],
  z.object({ roleName: z.string().min(1).optional(), observedAt: z.string().optional() }),
)
  .transform((ref) => ({
    roleName: firstDefined(ref.details.roleName, ref.id.slice(ref.id.lastIndexOf('/') + 1)) ?? '',
    observedAt: ref.details.observedAt,
    region: ref.region,
  }))
  .refine((target) => /^[\w+=,.@-]{1,64}$/.test(target.roleName), {
    message: 'needs a role name (details.roleName): 1–64 characters of [A-Za-z0-9+=,.@_-]',
    path: ['details', 'roleName'],
  });
type RoleTarget = z.infer<typeof RoleTargetSchema>;

const DenyStatementSchema = z.looseObject({
  Effect: z.literal('Deny'),
  Action: z.union([z.literal('*'), z.array(z.literal('*')).length(1)]),
  Resource: z.union([z.literal('*'), z.array(z.literal('*')).length(1)]),
  Condition: z.object({ DateLessThan: z.object({ 'aws:TokenIssueTime': z.string() }) }),
});

/** The revocation document: deny-only, so this playbook can never grant anything. */
function revocationDocument(revokeBefore: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenySessionsIssuedBeforeRevocation',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { DateLessThan: { 'aws:TokenIssueTime': revokeBefore } },
      },
    ],
  });
}

/** The role's AISAWSRevokeOlderSessions document as text (GetRolePolicy returns it URL-encoded), or null. */
async function readPolicy(target: RoleTarget, ctx: PlaybookContext): Promise<string | null> {
  const output = await readOrNull(
    () =>
      iam(target.region, ctx).send(
        new GetRolePolicyCommand({ RoleName: target.roleName, PolicyName: POLICY_NAME }),
      ),
    ['NoSuchEntity', 'NoSuchEntityException'],
  );
  if (!output?.PolicyDocument) return null;
  return decodeURIComponent(output.PolicyDocument);
}

/** The latest aws:TokenIssueTime the document denies sessions before, or null when it denies none. */
function revokedBefore(document: string | null): string | null {
  if (document === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    return null;
  }
  const statements = (parsed as { Statement?: unknown }).Statement;
  const list = Array.isArray(statements) ? statements : [statements];
  let latest: string | null = null;
  for (const statement of list) {
    const deny = DenyStatementSchema.safeParse(statement);
    if (!deny.success) continue;
    const time = deny.data.Condition.DateLessThan['aws:TokenIssueTime'];
    if (Number.isNaN(Date.parse(time))) continue;
    if (latest === null || Date.parse(time) > Date.parse(latest)) latest = time;
  }
  return latest;
}

const revokeRoleSessions = definePlaybookImplementation({
  id: 'iam.revoke-role-sessions',
  permissions: ['iam:GetRolePolicy', 'iam:PutRolePolicy'],
  rollbackPermissions: ['iam:DeleteRolePolicy', 'iam:GetRolePolicy', 'iam:PutRolePolicy'],
  target: RoleTargetSchema,
  state: z.object({
    roleName: z.string(),
    policyName: z.literal(POLICY_NAME),
    /** The document before the fix (null: the role had no such policy). */
    previousDocument: z.string().nullable(),
    /** Sessions issued before this instant are denied; fixed at snapshot time so a retried apply writes the same. */
    revokeBefore: z.string(),
  }),
  async snapshot(target, ctx) {
    return {
      roleName: target.roleName,
      policyName: POLICY_NAME,
      previousDocument: await readPolicy(target, ctx),
      revokeBefore: ctx.now().toISOString(),
    };
  },
  async apply(target, state, ctx) {
    const current = revokedBefore(await readPolicy(target, ctx));
    if (current !== null && Date.parse(current) >= Date.parse(state.revokeBefore))
      return { status: 'already-compliant', changes: [] };
    await iam(target.region, ctx).send(
      new PutRolePolicyCommand({
        RoleName: target.roleName,
        PolicyName: POLICY_NAME,
        PolicyDocument: revocationDocument(state.revokeBefore),
      }),
    );
    return {
      status: 'applied',
      changes: [
        `PutRolePolicy ${POLICY_NAME} on role ${target.roleName}: deny every action to sessions issued before ${state.revokeBefore}`,
      ],
    };
  },
  async verify(target, ctx) {
    const before = revokedBefore(await readPolicy(target, ctx));
    const covers =
      before !== null &&
      (target.observedAt === undefined || Date.parse(before) >= Date.parse(target.observedAt));
    return {
      converged: covers,
      observed: { roleName: target.roleName, policyName: POLICY_NAME, revokedBefore: before },
      details:
        before === null
          ? `Role ${target.roleName} has no ${POLICY_NAME} deny: older sessions still work.`
          : covers
            ? `Role ${target.roleName} denies every session issued before ${before}.`
            : `Role ${target.roleName} denies sessions issued before ${before}, earlier than the finding (${target.observedAt}).`,
    };
  },
  async rollback(target, state, ctx) {
    const client = iam(target.region, ctx);
    const current = await readPolicy(target, ctx);
    if (current === state.previousDocument) return { changes: [] };
    if (state.previousDocument === null) {
      await client.send(new DeleteRolePolicyCommand({ RoleName: target.roleName, PolicyName: POLICY_NAME }));
      return { changes: [`DeleteRolePolicy ${POLICY_NAME} from role ${target.roleName}`] };
    }
    await client.send(
      new PutRolePolicyCommand({
        RoleName: target.roleName,
        PolicyName: POLICY_NAME,
        PolicyDocument: state.previousDocument,
      }),
    );
    return {
      changes: [`PutRolePolicy ${POLICY_NAME} on role ${target.roleName}: the document read before the fix`],
    };
  },
});

export { POLICY_NAME as REVOKE_SESSIONS_POLICY_NAME, revocationDocument, revokeRoleSessions };
