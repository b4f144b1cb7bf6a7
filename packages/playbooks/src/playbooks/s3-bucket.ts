import {
  DeletePublicAccessBlockCommand,
  GetBucketAclCommand,
  GetBucketOwnershipControlsCommand,
  GetPublicAccessBlockCommand,
  type Grant,
  PutBucketAclCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { z } from 'zod';
import { definePlaybookImplementation } from '../define.js';
import { firstDefined, NonEmptyStringSchema, readOrNull, resourceRefSchema } from '../shared.js';
import type { PlaybookContext } from '../types.js';

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const PUBLIC_GRANTEES: ReadonlySet<string> = new Set([ALL_USERS, AUTHENTICATED_USERS]);

const PublicAccessBlockSchema = z.object({
  BlockPublicAcls: z.boolean(),
  IgnorePublicAcls: z.boolean(),
  BlockPublicPolicy: z.boolean(),
  RestrictPublicBuckets: z.boolean(),
});
type PublicAccessBlock = z.infer<typeof PublicAccessBlockSchema>;

const ALL_BLOCKED: PublicAccessBlock = Object.freeze({
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
});

const GranteeSchema = z.object({
  Type: z.enum(['CanonicalUser', 'AmazonCustomerByEmail', 'Group']),
  ID: z.string().optional(),
  URI: z.string().optional(),
  DisplayName: z.string().optional(),
  EmailAddress: z.string().optional(),
});
const GrantSchema = z.object({
  Grantee: GranteeSchema,
  Permission: z.enum(['FULL_CONTROL', 'READ', 'READ_ACP', 'WRITE', 'WRITE_ACP']),
});
const BucketAclSchema = z.object({
  Owner: z.object({ ID: z.string(), DisplayName: z.string().optional() }),
  Grants: z.array(GrantSchema),
});
type BucketAcl = z.infer<typeof BucketAclSchema>;

/** A bucket target: the bucket name is `details.bucket`/`details.bucketName`, else the ResourceRef id. */
const BucketTargetSchema = resourceRefSchema(
  ['AWS::S3::Bucket'],
  z.object({ bucket: NonEmptyStringSchema.optional(), bucketName: NonEmptyStringSchema.optional() }),
).transform((ref) => ({
  bucket: firstDefined(ref.details.bucket, ref.details.bucketName) ?? ref.id,
  region: ref.region,
}));
type BucketTarget = z.infer<typeof BucketTargetSchema>;

const s3 = (target: BucketTarget, ctx: PlaybookContext) => ctx.clients(S3Client, target.region);

const isAllBlocked = (config: PublicAccessBlock | null): boolean =>
  config !== null && Object.values(PublicAccessBlockSchema.parse(config)).every((flag) => flag);

/** The four flags as S3 and S3 Control return them (an absent flag is off). */
function toPublicAccessBlock(
  config: Partial<Record<keyof PublicAccessBlock, boolean>> = {},
): PublicAccessBlock {
  return {
    BlockPublicAcls: config.BlockPublicAcls === true,
    IgnorePublicAcls: config.IgnorePublicAcls === true,
    BlockPublicPolicy: config.BlockPublicPolicy === true,
    RestrictPublicBuckets: config.RestrictPublicBuckets === true,
  };
}

/** The bucket's Block Public Access configuration, or null when it has none. */
async function readPublicAccessBlock(
  target: BucketTarget,
  ctx: PlaybookContext,
): Promise<PublicAccessBlock | null> {
  const output = await readOrNull(
    () => s3(target, ctx).send(new GetPublicAccessBlockCommand({ Bucket: target.bucket })),
    ['NoSuchPublicAccessBlockConfiguration'],
  );
  return output === null ? null : toPublicAccessBlock(output.PublicAccessBlockConfiguration);
}

async function readAcl(target: BucketTarget, ctx: PlaybookContext): Promise<BucketAcl> {
  const output = await s3(target, ctx).send(new GetBucketAclCommand({ Bucket: target.bucket }));
  return BucketAclSchema.parse({
    Owner: {
      ID: output.Owner?.ID ?? '',
      ...(output.Owner?.DisplayName ? { DisplayName: output.Owner.DisplayName } : {}),
    },
    Grants: (output.Grants ?? []).map((grant: Grant) => ({
      Grantee: Object.fromEntries(
        Object.entries(grant.Grantee ?? {}).filter(([, value]) => value !== undefined),
      ),
      Permission: grant.Permission,
    })),
  });
}

/** Object ownership of the bucket, or null when no ownership controls are set. */
async function readObjectOwnership(target: BucketTarget, ctx: PlaybookContext): Promise<string | null> {
  const output = await readOrNull(
    () => s3(target, ctx).send(new GetBucketOwnershipControlsCommand({ Bucket: target.bucket })),
    ['OwnershipControlsNotFoundError'],
  );
  return output?.OwnershipControls?.Rules?.[0]?.ObjectOwnership ?? null;
}

/** "READ to AllUsers" for each grant to everyone or to any AWS account. */
const publicGrants = (acl: BucketAcl): string[] =>
  acl.Grants.filter((grant) => grant.Grantee.URI !== undefined && PUBLIC_GRANTEES.has(grant.Grantee.URI)).map(
    (grant) =>
      `${grant.Permission} to ${grant.Grantee.URI === ALL_USERS ? 'AllUsers' : 'AuthenticatedUsers'}`,
  );

async function blockAllPublicAccess(target: BucketTarget, ctx: PlaybookContext): Promise<string> {
  await s3(target, ctx).send(
    new PutPublicAccessBlockCommand({
      Bucket: target.bucket,
      PublicAccessBlockConfiguration: { ...ALL_BLOCKED },
    }),
  );
  return `PutPublicAccessBlock ${target.bucket}: all four settings true`;
}

/** Puts back a Block Public Access configuration read earlier, or deletes it when there was none. */
async function restorePublicAccessBlock(
  target: BucketTarget,
  prior: PublicAccessBlock | null,
  ctx: PlaybookContext,
): Promise<string> {
  if (prior === null) {
    await s3(target, ctx).send(new DeletePublicAccessBlockCommand({ Bucket: target.bucket }));
    return `DeletePublicAccessBlock ${target.bucket}: the bucket had no Block Public Access configuration`;
  }
  await s3(target, ctx).send(
    new PutPublicAccessBlockCommand({ Bucket: target.bucket, PublicAccessBlockConfiguration: { ...prior } }),
  );
  return `PutPublicAccessBlock ${target.bucket}: restored ${JSON.stringify(prior)}`;
}

const MakeBucketPrivateStateSchema = z.object({
  bucket: z.string(),
  acl: BucketAclSchema,
  publicAccessBlock: PublicAccessBlockSchema.nullable(),
  objectOwnership: z.string().nullable(),
});

const makeBucketPrivate = definePlaybookImplementation({
  id: 's3.make-bucket-private',
  permissions: [
    's3:GetBucketAcl',
    's3:GetBucketOwnershipControls',
    's3:GetBucketPublicAccessBlock',
    's3:PutBucketAcl',
    's3:PutBucketPublicAccessBlock',
  ],
  rollbackPermissions: ['s3:PutBucketAcl', 's3:PutBucketPublicAccessBlock'],
  target: BucketTargetSchema,
  state: MakeBucketPrivateStateSchema,
  async snapshot(target, ctx) {
    return {
      bucket: target.bucket,
      acl: await readAcl(target, ctx),
      publicAccessBlock: await readPublicAccessBlock(target, ctx),
      objectOwnership: await readObjectOwnership(target, ctx),
    };
  },
  async apply(target, _state, ctx) {
    // Acts on the state now, not the snapshot's: an approval may have waited hours.
    const changes: string[] = [];
    const grants = publicGrants(await readAcl(target, ctx));
    // With BucketOwnerEnforced ACLs are disabled: they grant nothing and PutBucketAcl is refused.
    if (grants.length > 0 && (await readObjectOwnership(target, ctx)) !== 'BucketOwnerEnforced') {
      await s3(target, ctx).send(new PutBucketAclCommand({ Bucket: target.bucket, ACL: 'private' }));
      changes.push(`PutBucketAcl ${target.bucket}: ACL private (removed ${grants.join(', ')})`);
    }
    if (!isAllBlocked(await readPublicAccessBlock(target, ctx)))
      changes.push(await blockAllPublicAccess(target, ctx));
    return { status: changes.length > 0 ? 'applied' : 'already-compliant', changes };
  },
  async verify(target, ctx) {
    const publicAccessBlock = await readPublicAccessBlock(target, ctx);
    const acl = await readAcl(target, ctx);
    const grants = publicGrants(acl);
    const blocked = isAllBlocked(publicAccessBlock);
    const converged = blocked && grants.length === 0;
    const problems = [
      ...(blocked ? [] : ['Block Public Access is not fully on']),
      ...(grants.length === 0 ? [] : [`the ACL still grants ${grants.join(', ')}`]),
    ];
    return {
      converged,
      // The whole ACL, not only its public grants: a rollback puts the whole ACL back, so it must be able to tell
      // whether anything in it changed after the fix.
      observed: { publicAccessBlock, publicGrants: grants, grants: acl.Grants },
      details: converged
        ? `Bucket ${target.bucket} is private: all four Block Public Access settings on, no public ACL grant.`
        : `Bucket ${target.bucket} is not private yet: ${problems.join('; ')}.`,
    };
  },
  async rollback(target, state, ctx) {
    // Block Public Access first: S3 refuses a public ACL while BlockPublicAcls is on, so restoring the ACL
    // before the block would fail with AccessDenied.
    const changes: string[] = [await restorePublicAccessBlock(target, state.publicAccessBlock, ctx)];
    if (state.objectOwnership !== 'BucketOwnerEnforced') {
      await s3(target, ctx).send(
        new PutBucketAclCommand({
          Bucket: target.bucket,
          AccessControlPolicy: { Owner: state.acl.Owner, Grants: state.acl.Grants },
        }),
      );
      changes.push(`PutBucketAcl ${target.bucket}: restored ${state.acl.Grants.length} grant(s)`);
    }
    return { changes };
  },
});

const RestoreBucketBlockStateSchema = z.object({
  bucket: z.string(),
  publicAccessBlock: PublicAccessBlockSchema.nullable(),
});

const restoreBucketPublicAccessBlock = definePlaybookImplementation({
  id: 's3.restore-bucket-public-access-block',
  permissions: ['s3:GetBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock'],
  rollbackPermissions: ['s3:PutBucketPublicAccessBlock'],
  target: BucketTargetSchema,
  state: RestoreBucketBlockStateSchema,
  async snapshot(target, ctx) {
    return { bucket: target.bucket, publicAccessBlock: await readPublicAccessBlock(target, ctx) };
  },
  async apply(target, _state, ctx) {
    if (isAllBlocked(await readPublicAccessBlock(target, ctx)))
      return { status: 'already-compliant', changes: [] };
    return { status: 'applied', changes: [await blockAllPublicAccess(target, ctx)] };
  },
  async verify(target, ctx) {
    const publicAccessBlock = await readPublicAccessBlock(target, ctx);
    const converged = isAllBlocked(publicAccessBlock);
    return {
      converged,
      observed: { publicAccessBlock },
      details: converged
        ? `Bucket ${target.bucket}: all four Block Public Access settings are on.`
        : `Bucket ${target.bucket}: Block Public Access is ${publicAccessBlock === null ? 'absent' : `partial ${JSON.stringify(publicAccessBlock)}`}.`,
    };
  },
  async rollback(target, state, ctx) {
    return { changes: [await restorePublicAccessBlock(target, state.publicAccessBlock, ctx)] };
  },
});

export type { PublicAccessBlock };
export {
  ALL_BLOCKED,
  isAllBlocked,
  makeBucketPrivate,
  PublicAccessBlockSchema,
  restoreBucketPublicAccessBlock,
  toPublicAccessBlock,
};
