import * as z from 'zod';

/** The error name an SDK v3 call rejected with (`NoSuchBucketPolicy`, `ResourceNotFoundException` …). */
function awsErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, Code } = error as { name?: unknown; Code?: unknown };
  if (typeof Code === 'string') return Code;
  return typeof name === 'string' ? name : undefined;
}

/** Runs an SDK read; returns `null` when it fails with one of `absentErrors` (the thing does not exist). */
async function readOrNull<T>(read: () => Promise<T>, absentErrors: readonly string[]): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    const name = awsErrorName(error);
    if (name !== undefined && absentErrors.includes(name)) return null;
    throw error;
  }
}

const NonEmptyStringSchema = z.string().min(1);

/**
 * A ResourceRef restricted to the given CloudFormation types, with a details schema. Details are lenient (other
 * keys the matcher wrote are ignored); the keys a playbook needs are checked by `details`.
 */
function resourceRefSchema<Details extends z.ZodType>(
  types: readonly [string, ...string[]],
  details: Details,
) {
  return z.object({
    type: z.enum(types),
    id: NonEmptyStringSchema,
    arn: z.string().optional(),
    account: z.string(),
    region: NonEmptyStringSchema,
    details,
  });
}

/** The first defined value among alternatives (matchers may spell a key differently). */
function firstDefined<T>(...values: readonly (T | undefined)[]): T | undefined {
  return values.find((value) => value !== undefined);
}

/** Unique, order kept. */
const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

export { awsErrorName, firstDefined, NonEmptyStringSchema, readOrNull, resourceRefSchema, unique };

/** A plain JSON copy (drops undefined fields and SDK metadata classes): what a snapshot may hold. */
const toJson = (value: unknown): unknown =>
  value === undefined ? undefined : JSON.parse(JSON.stringify(value));

export { toJson };
