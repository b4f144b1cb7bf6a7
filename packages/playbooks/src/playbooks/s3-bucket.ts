import {
  DeletePublicAccessBlockCommand,
  GetBucketAclCommand,
  GetBucketOwnershipControlsCommand,
  GetPublicAccessBlockCommand,
  type Grant,
  PutBucketAclCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import * as z from 'zod';
import { definePlaybookImplementation } from '../define.js';
import { readOrNull } from '../shared.js';
import type { PlaybookContext } from '../types.js';
import { type BucketTarget, BucketTargetSchema, bucketOf, s3 } from './s3-target.js';

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
    () => s3(target, ctx).send(new GetPublicAccessBlockCommand(bucketOf(target))),
    ['NoSuchPublicAccessBlockConfiguration'],
  );
  return output === null ? null : toPublicAccessBlock(output.PublicAccessBlockConfiguration);
}

async function readAcl(target: BucketTarget, ctx: PlaybookContext): Promise<BucketAcl> {
  const output = await s3(target, ctx).send(new GetBucketAclCommand(bucketOf(target)));
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
    () => s3(target, ctx).send(new GetBucketOwnershipControlsCommand(bucketOf(target))),
    ['OwnershipControlsNotFoundError'],
  );
  return output?.OwnershipControls?.Rules?.[0]?.ObjectOwnership ?? null;
}

type AclGrant = BucketAcl['Grants'][number];

/** A grant to everyone (AllUsers) or to any AWS account (AuthenticatedUsers): the only grants the fix removes. */
const isPublicGrant = (grant: AclGrant): boolean =>
  grant.Grantee.URI !== undefined && PUBLIC_GRANTEES.has(grant.Grantee.URI);

/** "READ to AllUsers" for each public grant. */
const publicGrants = (acl: BucketAcl): string[] =>
  acl.Grants.filter(isPublicGrant).map(
    (grant) =>
      `${grant.Permission} to ${grant.Grantee.URI === ALL_USERS ? 'AllUsers' : 'AuthenticatedUsers'}`,
  );

/** The same grant: same permission to the same grantee (canonical user id, group URI or e-mail). */
const sameGrant = (a: AclGrant, b: AclGrant): boolean =>
  a.Permission === b.Permission &&
  a.Grantee.Type === b.Grantee.Type &&
  a.Grantee.ID === b.Grantee.ID &&
  a.Grantee.URI === b.Grantee.URI &&
  a.Grantee.EmailAddress === b.Grantee.EmailAddress;

/** Writes an ACL as a full AccessControlPolicy (owner and every grant given), never a canned ACL. */
async function putAcl(
  target: BucketTarget,
  owner: BucketAcl['Owner'],
  grants: readonly AclGrant[],
  ctx: PlaybookContext,
): Promise<void> {
  await s3(target, ctx).send(
    new PutBucketAclCommand({
      ...bucketOf(target),
      AccessControlPolicy: { Owner: owner, Grants: [...grants] },
    }),
  );
}

async function blockAllPublicAccess(target: BucketTarget, ctx: PlaybookContext): Promise<string> {
  await s3(target, ctx).send(
    new PutPublicAccessBlockCommand({
      ...bucketOf(target),
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
    await s3(target, ctx).send(new DeletePublicAccessBlockCommand(bucketOf(target)));
    return `DeletePublicAccessBlock ${target.bucket}: the bucket had no Block Public Access configuration`;
  }
  await s3(target, ctx).send(
    new PutPublicAccessBlockCommand({ ...bucketOf(target), PublicAccessBlockConfiguration: { ...prior } }),
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
  rollbackPermissions: ['s3:GetBucketAcl', 's3:PutBucketAcl', 's3:PutBucketPublicAccessBlock'],
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
    // Acts on the state now, not the snapshot's: an approval may have waited hours. Only the public grants go;
    // the owner's, LogDelivery's (server access logging) and other accounts' grants stay as they are.
    const changes: string[] = [];
    const acl = await readAcl(target, ctx);
    const removed = acl.Grants.filter(isPublicGrant);
    // With BucketOwnerEnforced ACLs are disabled: they grant nothing and PutBucketAcl is refused.
    if (removed.length > 0 && (await readObjectOwnership(target, ctx)) !== 'BucketOwnerEnforced') {
      const kept = acl.Grants.filter((grant) => !isPublicGrant(grant));
      await putAcl(target, acl.Owner, kept, ctx);
      changes.push(
        `PutBucketAcl ${target.bucket}: removed ${publicGrants(acl).join(', ')}; kept ${kept.length} other grant(s)`,
      );
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
      // Puts back exactly the public grants the snapshot had and the live ACL lacks; every other live grant
      // (including ones added after the fix) stays.
      const live = await readAcl(target, ctx);
      const missing = state.acl.Grants.filter(
        (grant) => isPublicGrant(grant) && !live.Grants.some((current) => sameGrant(current, grant)),
      );
      if (missing.length > 0) {
        await putAcl(target, live.Owner, [...live.Grants, ...missing], ctx);
        changes.push(
          `PutBucketAcl ${target.bucket}: restored ${publicGrants({ ...live, Grants: missing }).join(', ')}`,
        );
      }
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
