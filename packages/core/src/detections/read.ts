import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import type { ResourceRef } from '../schemas/stages.js';

/**
 * Small, total readers over the loosely-typed parts of a record (`requestParameters`, `responseElements`). They
 * never throw: a missing or oddly-shaped field reads as undefined / empty.
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Walks a dotted path through objects. */
function at(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const part of path.split('.')) {
    if (!isObject(current)) return undefined;
    current = current[part];
  }
  return current;
}

function str(value: unknown, path?: string): string | undefined {
  const v = path === undefined ? value : at(value, path);
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** An array at path; CloudTrail often wraps lists as `{items: [...]}`, which is unwrapped. A scalar becomes [x]. */
function list(value: unknown, path?: string): unknown[] {
  const v = path === undefined ? value : at(value, path);
  if (Array.isArray(v)) return v;
  if (isObject(v) && Array.isArray(v.items)) return v.items;
  if (v === undefined || v === null) return [];
  return [v];
}

const request = (record: CloudTrailRecord): Json =>
  isObject(record.requestParameters) ? record.requestParameters : {};
const response = (record: CloudTrailRecord): Json =>
  isObject(record.responseElements) ? record.responseElements : {};

/** Parses a policy that may arrive as an object or as a (possibly URL-encoded) JSON string. */
function policyDocument(value: unknown): Json | undefined {
  if (isObject(value)) return value;
  if (typeof value !== 'string' || value.length === 0) return undefined;
  for (const text of [value, safeDecode(value)]) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (isObject(parsed)) return parsed;
    } catch {
      // try the next spelling
    }
  }
  return undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Reads a field under any of several spellings (CloudTrail mixes `groupId`, `GroupId`, …). */
function pick(value: unknown, ...names: string[]): unknown {
  if (!isObject(value)) return undefined;
  for (const name of names) if (value[name] !== undefined) return value[name];
  return undefined;
}

/** true / "true" / "True" → true; false / "false" → false; anything else → undefined. */
function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

/** A number, or a numeric string, else undefined. */
function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

/** Strings of a value that may be a string, a list of strings or `{items: [...]}`. */
function strings(value: unknown): string[] {
  const out: string[] = [];
  for (const item of list(value)) if (typeof item === 'string') out.push(item);
  return out;
}

/** The 12-digit account of an account id or an ARN (`arn:aws:iam::123456789012:root`), else undefined. */
function accountIdIn(value: string): string | undefined {
  if (/^\d{12}$/.test(value)) return value;
  const match = /^arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:(\d{12}):/.exec(value);
  return match?.[1];
}

/** The caller's own IAM user name, when the caller is an IAM user. */
function callerUserName(record: CloudTrailRecord): string | undefined {
  const identity = record.userIdentity;
  if (identity?.type !== 'IAMUser') return undefined;
  return identity.userName ?? identity.arn?.split('/').pop();
}

const accountOf = (record: CloudTrailRecord): string =>
  record.recipientAccountId ?? record.userIdentity?.accountId ?? 'unknown';
const regionOf = (record: CloudTrailRecord): string => record.awsRegion ?? 'unknown';

/** A ResourceRef in the record's account and region. */
function resourceRef(
  record: CloudTrailRecord,
  type: string,
  id: string,
  details: Json = {},
  arn?: string,
): ResourceRef {
  const ref: ResourceRef = { type, id, account: accountOf(record), region: regionOf(record), details };
  if (arn) ref.arn = arn;
  return ref;
}

export type { Json };
export {
  accountIdIn,
  accountOf,
  at,
  bool,
  callerUserName,
  isObject,
  list,
  num,
  pick,
  policyDocument,
  regionOf,
  request,
  resourceRef,
  response,
  str,
  strings,
};
