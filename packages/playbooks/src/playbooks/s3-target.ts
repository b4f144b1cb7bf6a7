import { S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import { firstDefined, NonEmptyStringSchema, resourceRefSchema } from '../shared.js';
import type { PlaybookContext } from '../types.js';

/**
 * A bucket target, shared by the S3 playbooks: the bucket name is `details.bucket` / `details.bucketName`, else the
 * ResourceRef id; `owner` is the account of the resource (the ResourceRef's account, the account the event came
 * from). Every bucket call passes it as `ExpectedBucketOwner`, so a bucket that changed hands (deleted and its name
 * claimed by another account) is refused by S3 with 403 instead of being read or written.
 */
const BucketTargetSchema = resourceRefSchema(
  ['AWS::S3::Bucket'],
  z.object({ bucket: NonEmptyStringSchema.optional(), bucketName: NonEmptyStringSchema.optional() }),
)
  .extend({ account: z.string().regex(/^\d{12}$/, 'the bucket owner: a 12-digit account id') })
  .transform((ref) => ({
    bucket: firstDefined(ref.details.bucket, ref.details.bucketName) ?? ref.id,
    owner: ref.account,
    region: ref.region,
  }));
type BucketTarget = z.infer<typeof BucketTargetSchema>;

const s3 = (target: BucketTarget, ctx: PlaybookContext) => ctx.clients(S3Client, target.region);

/** `{Bucket, ExpectedBucketOwner}`: the start of every bucket command's input. */
const bucketOf = (target: BucketTarget) => ({ Bucket: target.bucket, ExpectedBucketOwner: target.owner });

export type { BucketTarget };
export { BucketTargetSchema, bucketOf, s3 };
