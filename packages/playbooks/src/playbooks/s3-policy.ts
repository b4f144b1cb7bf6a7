import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  PutBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { z } from 'zod';
import { definePlaybookImplementation } from '../define.js';
import { firstDefined, NonEmptyStringSchema, readOrNull, resourceRefSchema } from '../shared.js';
import type { PlaybookContext } from '../types.js';

/**
 * Condition keys that narrow a wildcard principal to a known network, organisation, account or source: a statement
 * with one of them is not "anyone" (the same keys AWS's policy-status evaluation treats as fixed values).
 */
const NARROWING_KEYS: ReadonlySet<string> = new Set(
  [
    'aws:SourceVpce',
    'aws:SourceVpc',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:SourceAccount',
    'aws:SourceArn',
    'aws:SourceOwner',
    'aws:userid',
    'aws:username',
  ].map((key) => key.toLowerCase()),
);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const asList = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

const isWildcardPrincipal = (principal: unknown): boolean =>
  principal === '*' || (isObject(principal) && asList(principal.AWS).includes('*'));

/** An IPv4 range of /8 or narrower (or any IPv6 range of /32 or narrower) names specific addresses. */
function isNarrowCidr(cidr: unknown): boolean {
  if (typeof cidr !== 'string') return false;
  const [, bits] = cidr.split('/');
  if (bits === undefined) return true;
  return Number(bits) >= (cidr.includes(':') ? 32 : 8);
}

function hasNarrowingCondition(condition: unknown): boolean {
  if (!isObject(condition)) return false;
  return Object.values(condition).some((block) => {
    if (!isObject(block)) return false;
    return Object.entries(block).some(([key, value]) => {
      const lower = key.toLowerCase();
      if (NARROWING_KEYS.has(lower)) return true;
      return lower === 'aws:sourceip' && asList(value).length > 0 && asList(value).every(isNarrowCidr);
    });
  });
}

/** A statement that allows anyone: Effect Allow, Principal "*" (or AWS "*"), no narrowing condition. */
const isPublicStatement = (statement: unknown): boolean =>
  isObject(statement) &&
  statement.Effect === 'Allow' &&
  isWildcardPrincipal(statement.Principal) &&
  !hasNarrowingCondition(statement.Condition);

const PolicyDocumentSchema = z.looseObject({ Statement: z.unknown() });

function parsePolicy(text: string): Json & { Statement: unknown[] } {
  const document = PolicyDocumentSchema.parse(JSON.parse(text));
  return { ...document, Statement: asList(document.Statement) };
}

const describeStatement = (statement: unknown): string =>
  isObject(statement) && typeof statement.Sid === 'string' && statement.Sid !== ''
    ? statement.Sid
    : JSON.stringify(statement);

const BucketTargetSchema = resourceRefSchema(
  ['AWS::S3::Bucket'],
  z.object({ bucket: NonEmptyStringSchema.optional(), bucketName: NonEmptyStringSchema.optional() }),
).transform((ref) => ({
  bucket: firstDefined(ref.details.bucket, ref.details.bucketName) ?? ref.id,
  region: ref.region,
}));
type BucketTarget = z.infer<typeof BucketTargetSchema>;

const s3 = (target: BucketTarget, ctx: PlaybookContext) => ctx.clients(S3Client, target.region);

/** The bucket policy text, or null when the bucket has none. */
async function readPolicy(target: BucketTarget, ctx: PlaybookContext): Promise<string | null> {
  const output = await readOrNull(
    () => s3(target, ctx).send(new GetBucketPolicyCommand({ Bucket: target.bucket })),
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
    const removed = policy.Statement.filter(isPublicStatement);
    if (removed.length === 0) return { status: 'already-compliant', changes: [] };
    const kept = policy.Statement.filter((statement) => !isPublicStatement(statement));
    const names = removed.map(describeStatement).join(', ');
    if (kept.length === 0) {
      await s3(target, ctx).send(new DeleteBucketPolicyCommand({ Bucket: target.bucket }));
      return {
        status: 'applied',
        changes: [`DeleteBucketPolicy ${target.bucket}: its only statements were public (${names})`],
      };
    }
    await s3(target, ctx).send(
      new PutBucketPolicyCommand({
        Bucket: target.bucket,
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
      () => s3(target, ctx).send(new GetBucketPolicyStatusCommand({ Bucket: target.bucket })),
      ['NoSuchBucketPolicy'],
    );
    const isPublic = status?.PolicyStatus?.IsPublic === true;
    const text = await readPolicy(target, ctx);
    const publicStatements =
      text === null ? [] : parsePolicy(text).Statement.filter(isPublicStatement).map(describeStatement);
    const converged = !isPublic && publicStatements.length === 0;
    return {
      converged,
      // The policy text too: a rollback puts the whole policy back, so it must be able to tell whether it changed.
      observed: { isPublic, hasPolicy: text !== null, publicStatements, policy: text },
      details: converged
        ? `Bucket ${target.bucket}: the policy allows no one outside (IsPublic false, no public statement).`
        : `Bucket ${target.bucket}: the policy is still public (IsPublic ${isPublic}, public statements: ${publicStatements.join(', ') || 'none'}).`,
    };
  },
  async rollback(target, state, ctx) {
    if (state.policy === null) {
      await s3(target, ctx).send(new DeleteBucketPolicyCommand({ Bucket: target.bucket }));
      return { changes: [`DeleteBucketPolicy ${target.bucket}: the bucket had no policy`] };
    }
    await s3(target, ctx).send(new PutBucketPolicyCommand({ Bucket: target.bucket, Policy: state.policy }));
    return { changes: [`PutBucketPolicy ${target.bucket}: restored the policy read before the fix`] };
  },
});

export { isPublicStatement, removePublicPolicyStatements };
