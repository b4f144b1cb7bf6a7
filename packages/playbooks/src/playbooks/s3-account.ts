import {
  DeletePublicAccessBlockCommand,
  GetPublicAccessBlockCommand,
  PutPublicAccessBlockCommand,
  S3ControlClient,
} from '@aws-sdk/client-s3-control';
import * as z from 'zod';
import { definePlaybookImplementation } from '../define.js';
import { firstDefined, readOrNull, resourceRefSchema } from '../shared.js';
import type { PlaybookContext } from '../types.js';
import {
  ALL_BLOCKED,
  isAllBlocked,
  type PublicAccessBlock,
  PublicAccessBlockSchema,
  toPublicAccessBlock,
} from './s3-bucket.js';

const AccountIdSchema = z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id');

/** The account id is `details.accountId`, else the ResourceRef id when it is an account id, else its account. */
const AccountTargetSchema = resourceRefSchema(
  ['AWS::::Account', 'AWS::S3::AccountPublicAccessBlock'],
  z.object({ accountId: z.string().optional() }),
)
  .transform((ref) => ({
    accountId:
      firstDefined(ref.details.accountId, /^\d{12}$/.test(ref.id) ? ref.id : undefined) ?? ref.account,
    region: ref.region,
  }))
  .pipe(z.object({ accountId: AccountIdSchema, region: z.string() }));
type AccountTarget = z.infer<typeof AccountTargetSchema>;

const s3control = (target: AccountTarget, ctx: PlaybookContext) =>
  ctx.clients(S3ControlClient, target.region);

async function readAccountPublicAccessBlock(
  target: AccountTarget,
  ctx: PlaybookContext,
): Promise<PublicAccessBlock | null> {
  const output = await readOrNull(
    () => s3control(target, ctx).send(new GetPublicAccessBlockCommand({ AccountId: target.accountId })),
    ['NoSuchPublicAccessBlockConfiguration'],
  );
  return output === null ? null : toPublicAccessBlock(output.PublicAccessBlockConfiguration);
}

const restoreAccountPublicAccessBlock = definePlaybookImplementation({
  id: 's3.restore-account-public-access-block',
  permissions: ['s3:GetAccountPublicAccessBlock', 's3:PutAccountPublicAccessBlock'],
  rollbackPermissions: ['s3:PutAccountPublicAccessBlock'],
  target: AccountTargetSchema,
  state: z.object({ accountId: z.string(), publicAccessBlock: PublicAccessBlockSchema.nullable() }),
  async snapshot(target, ctx) {
    return {
      accountId: target.accountId,
      publicAccessBlock: await readAccountPublicAccessBlock(target, ctx),
    };
  },
  async apply(target, _state, ctx) {
    if (isAllBlocked(await readAccountPublicAccessBlock(target, ctx)))
      return { status: 'already-compliant', changes: [] };
    await s3control(target, ctx).send(
      new PutPublicAccessBlockCommand({
        AccountId: target.accountId,
        PublicAccessBlockConfiguration: { ...ALL_BLOCKED },
      }),
    );
    return {
      status: 'applied',
      changes: [`PutPublicAccessBlock account ${target.accountId}: all four settings true`],
    };
  },
  async verify(target, ctx) {
    const publicAccessBlock = await readAccountPublicAccessBlock(target, ctx);
    const converged = isAllBlocked(publicAccessBlock);
    return {
      converged,
      observed: { publicAccessBlock },
      details: converged
        ? `Account ${target.accountId}: all four S3 Block Public Access settings are on.`
        : `Account ${target.accountId}: S3 Block Public Access is ${publicAccessBlock === null ? 'absent' : `partial ${JSON.stringify(publicAccessBlock)}`}.`,
    };
  },
  async rollback(target, state, ctx) {
    if (state.publicAccessBlock === null) {
      await s3control(target, ctx).send(new DeletePublicAccessBlockCommand({ AccountId: target.accountId }));
      return {
        changes: [`DeletePublicAccessBlock account ${target.accountId}: the account had no configuration`],
      };
    }
    await s3control(target, ctx).send(
      new PutPublicAccessBlockCommand({
        AccountId: target.accountId,
        PublicAccessBlockConfiguration: { ...state.publicAccessBlock },
      }),
    );
    return {
      changes: [
        `PutPublicAccessBlock account ${target.accountId}: restored ${JSON.stringify(state.publicAccessBlock)}`,
      ],
    };
  },
});

export { restoreAccountPublicAccessBlock };
