import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import type { ResourceRef } from '../schemas/stages.js';

/**
 * Small, total readers over the loosely-typed parts of a record (`requestParameters`, `responseElements`). They
 * never throw: a missing or oddly-shaped field reads as undefined / empty.
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

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

const request = (record: CloudTrailRecord): Json => (isObject(record.requestParameters) ? record.requestParameters : {});
const response = (record: CloudTrailRecord): Json => (isObject(record.responseElements) ? record.responseElements : {});

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

export { accountOf, at, isObject, list, policyDocument, regionOf, request, resourceRef, response, str };
export type { Json };
