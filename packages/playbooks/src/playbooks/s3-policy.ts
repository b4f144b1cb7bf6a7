import { publicStatements } from '@aisaws/core/access';
import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  PutBucketPolicyCommand,
} from '@aws-sdk/client-s3';
import * as z from 'zod';
import { definePlaybookImplementation } from '../define.js';
import { readOrNull } from '../shared.js';
import type { PlaybookContext } from '../types.js';
import { type BucketTarget, BucketTargetSchema, bucketOf, s3 } from './s3-target.js';

/**
 * Which statements are public is decided by core's shared evaluator (`@aisaws/core/access`), the same function the
 * `s3.bucket-policy-public` detection applies to the policy in the event: what the detection flags is what apply
 * removes, judged again on the live policy read just before the write. The whole policy is judged, so an Allow that
 * an explicit Deny of the same policy closes (e.g. `Deny *` unless `aws:SourceVpce`) is not removed.
 */

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const asList = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

const PolicyDocumentSchema = z.looseObject({ Statement: z.unknown() });

function parsePolicy(text: string): Json & { Statement: unknown[] } {
  const document = PolicyDocumentSchema.parse(JSON.parse(text));
  return { ...document, Statement: asList(document.Statement) };
}

/** The statements of the policy the shared evaluator calls public (Denies weighed), by position. */
function publicIndexes(policy: Json & { Statement: unknown[] }): ReadonlySet<number> {
  return new Set(publicStatements(policy).map((statement) => statement.index));
}

const describeStatement = (statement: unknown): string =>
  isObject(statement) && typeof statement.Sid === 'string' && statement.Sid !== ''
    ? statement.Sid
    : JSON.stringify(statement);

/** The bucket policy text, or null when the bucket has none. */
async function readPolicy(target: BucketTarget, ctx: PlaybookContext): Promise<string | null> {
  const output = await readOrNull(
    () => s3(target, ctx).send(new GetBucketPolicyCommand(bucketOf(target))),
    ['NoSuchBucketPolicy'],
  );
  return output?.Policy ?? null;
}

const removePublicPolicyStatements = definePlaybookImplementation({
  id: 's3.remove-public-policy-statements',
  permissions: [
    's3:DeleteBucketPolicy',
    's3:GetBucketPolicy',
    's3:GetBucketPolicyStatus',
    's3:PutBucketPolicy',
  ],
  rollbackPermissions: ['s3:DeleteBucketPolicy', 's3:PutBucketPolicy'],
  target: BucketTargetSchema,
  state: z.object({ bucket: z.string(), policy: z.string().nullable() }),
  async snapshot(target, ctx) {
    return { bucket: target.bucket, policy: await readPolicy(target, ctx) };
  },
  async apply(target, _state, ctx) {
    const text = await readPolicy(target, ctx);
    if (text === null) return { status: 'already-compliant', changes: [] };
    const policy = parsePolicy(text);
    const open = publicIndexes(policy);
    const removed = policy.Statement.filter((_statement, index) => open.has(index));
    if (removed.length === 0) return { status: 'already-compliant', changes: [] };
    const kept = policy.Statement.filter((_statement, index) => !open.has(index));
    const names = removed.map(describeStatement).join(', ');
    if (kept.length === 0) {
      await s3(target, ctx).send(new DeleteBucketPolicyCommand(bucketOf(target)));
      return {
        status: 'applied',
        changes: [`DeleteBucketPolicy ${target.bucket}: its only statements were public (${names})`],
      };
    }
    await s3(target, ctx).send(
      new PutBucketPolicyCommand({
        ...bucketOf(target),
        Policy: JSON.stringify({ ...policy, Statement: kept }),
      }),
    );
    return {
      status: 'applied',
      changes: [
        `PutBucketPolicy ${target.bucket}: removed ${removed.length} public statement(s) (${names}), kept ${kept.length}`,
      ],
    };
  },
  async verify(target, ctx) {
    const status = await readOrNull(
      () => s3(target, ctx).send(new GetBucketPolicyStatusCommand(bucketOf(target))),
      ['NoSuchBucketPolicy'],
    );
    const isPublic = status?.PolicyStatus?.IsPublic === true;
    const text = await readPolicy(target, ctx);
    const policy = text === null ? undefined : parsePolicy(text);
    const open = policy === undefined ? new Set<number>() : publicIndexes(policy);
    const stillPublic = (policy?.Statement ?? [])
      .filter((_statement, index) => open.has(index))
      .map(describeStatement);
    const converged = !isPublic && stillPublic.length === 0;
    return {
      converged,
      // The policy text too: a rollback puts the whole policy back, so it must be able to tell whether it changed.
      observed: { isPublic, hasPolicy: text !== null, publicStatements: stillPublic, policy: text },
      details: converged
        ? `Bucket ${target.bucket}: the policy allows no one outside (IsPublic false, no public statement).`
        : `Bucket ${target.bucket}: the policy is still public (IsPublic ${isPublic}, public statements: ${stillPublic.join(', ') || 'none'}).`,
    };
  },
  async rollback(target, state, ctx) {
    if (state.policy === null) {
      await s3(target, ctx).send(new DeleteBucketPolicyCommand(bucketOf(target)));
      return { changes: [`DeleteBucketPolicy ${target.bucket}: the bucket had no policy`] };
    }
    await s3(target, ctx).send(new PutBucketPolicyCommand({ ...bucketOf(target), Policy: state.policy }));
    return { changes: [`PutBucketPolicy ${target.bucket}: restored the policy read before the fix`] };
  },
});

export { removePublicPolicyStatements };
