import { isObject, type Json, list, policyDocument, strings } from '../detections/read.js';
import { isWorldCidr, parseCidr } from './cidr.js';

/**
 * The one public-policy evaluator of AISAWS: which Allow statements of a resource policy (S3 bucket, Lambda
 * permission, SNS, SQS, Secrets Manager, ECR, KMS, Glacier, OpenSearch) let anyone in. The detections judge the
 * policy an event carries with it; the playbooks judge the live policy with it before they remove anything, so a
 * statement the detection calls public is exactly one the fix removes.
 *
 * A statement is public when it allows (`Effect: Allow`) to `Principal: "*"`, `{AWS: "*"}` (or a list holding
 * `"*"`), or to everyone but someone (`NotPrincipal`), and no condition narrows it. A condition narrows only when
 * it names, with a positive operator and concrete values, who or where the caller is (the keys S3's "meaning of
 * public" and IAM Access Analyzer treat as fixed): `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOwner`,
 * `aws:SourceVpce`, `aws:SourceVpc`, `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:SourceIp` (a range that
 * is not the world, see cidr.ts) … It does not narrow when:
 * - the operator is negated (`StringNotEquals`, `ArnNotLike`, `NotIpAddress` …): it excludes some callers and lets
 *   every other one in;
 * - the operator ends in `IfExists`, or is `ForAllValues:…`: a request without the key passes;
 * - the operator is `Null` or `Bool`, or the key is not one of those above (`aws:SecureTransport`, `aws:UserAgent` …);
 * - a value is `*`, or holds a wildcard where the account, organisation or network is named (`arn:aws:s3:::*`,
 *   `arn:aws:sns:*:*:topic`, `o-*`); a wildcard after a concrete account (`arn:aws:sns:us-east-1:111122223333:*`)
 *   still narrows to that account;
 * - one of several values is not concrete (any value matching is enough for the request).
 * Deny statements are not weighed against the Allows (a Deny elsewhere can still close what is flagged here).
 */

/** Condition keys that name who or where the caller is. Lower case (keys are case-insensitive). */
const NARROWING_KEYS: ReadonlySet<string> = new Set([
  'aws:sourcearn',
  'aws:sourceaccount',
  'aws:sourceowner',
  'aws:sourcevpce',
  'aws:sourcevpc',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
  'aws:sourceip',
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:userid',
  'kms:calleraccount',
  's3:dataaccesspointaccount',
  's3:dataaccesspointarn',
  'lambda:eventsourcetoken',
  'sts:externalid',
]);

/** Positive operators that, on a narrowing key with concrete values, limit the caller. */
const NARROWING_OPERATORS: ReadonlySet<string> = new Set([
  'stringequals',
  'stringequalsignorecase',
  'stringlike',
  'arnequals',
  'arnlike',
  'ipaddress',
]);

/** Keys whose value is an ARN: a wildcard after a concrete 12-digit account still narrows to that account. */
const ARN_KEYS: ReadonlySet<string> = new Set(['aws:sourcearn', 'aws:principalarn', 's3:dataaccesspointarn']);
/** Keys whose value is an organisation path `o-…/r-…/ou-…/`: a wildcard after the organisation id still narrows. */
const ORG_PATH_KEYS: ReadonlySet<string> = new Set(['aws:principalorgpaths', 'aws:sourceorgpaths']);

const hasWildcard = (value: string): boolean => value.includes('*') || value.includes('?');

/** One condition value that names a concrete caller, account, organisation or network. */
function isConcreteValue(key: string, value: string): boolean {
  if (value.trim() === '') return false;
  if (key === 'aws:sourceip') return parseCidr(value) !== undefined && !isWorldCidr(value);
  if (!hasWildcard(value)) return true;
  if (ARN_KEYS.has(key)) {
    const account = value.split(':')[4] ?? '';
    return value.startsWith('arn:') && /^\d{12}$/.test(account);
  }
  if (ORG_PATH_KEYS.has(key)) return /^o-[a-z0-9]+\//.test(value);
  return false;
}

/** True when one condition clause (operator, key, values) limits the caller to one of `keys`. */
function narrowingClause(
  operator: string,
  key: string,
  value: unknown,
  keys: ReadonlySet<string> = NARROWING_KEYS,
): boolean {
  let op = operator.toLowerCase();
  if (op.startsWith('forallvalues:')) return false;
  if (op.startsWith('foranyvalue:')) op = op.slice('foranyvalue:'.length);
  if (!NARROWING_OPERATORS.has(op)) return false; // negated, …IfExists, Null, Bool, Numeric, Date …
  const k = key.toLowerCase();
  if (!keys.has(k)) return false;
  if ((op === 'ipaddress') !== (k === 'aws:sourceip')) return false;
  const values = strings(value);
  return values.length > 0 && values.every((v) => isConcreteValue(k, v));
}

/**
 * True when a condition of the statement limits the Allow to a concrete caller, account, organisation or network.
 * `keys` (lower case) narrows the keys that count, e.g. to the organisation and account keys for a trust policy,
 * where `sts:ExternalId` or a source network does not make `*` safe; the operator and value rules stay the same.
 */
function hasNarrowingCondition(statement: Json, keys: ReadonlySet<string> = NARROWING_KEYS): boolean {
  const condition = statement.Condition;
  if (!isObject(condition)) return false;
  return Object.entries(condition).some(
    ([operator, clauses]) =>
      isObject(clauses) &&
      Object.entries(clauses).some(([key, value]) => narrowingClause(operator, key, value, keys)),
  );
}

const isAllow = (statement: Json): boolean => String(statement.Effect ?? '').toLowerCase() === 'allow';

/** The AWS principals of a statement (`Principal: "*"` reads as `['*']`); service principals are not included. */
function awsPrincipals(statement: Json): string[] {
  const principal = statement.Principal;
  if (principal === '*') return ['*'];
  if (!isObject(principal)) return [];
  return strings(principal.AWS);
}

/** Allows to everyone: `*`, `{AWS: "*"}`, or `NotPrincipal` (everyone except the ones named). */
const allowsEveryone = (statement: Json): boolean =>
  statement.NotPrincipal !== undefined || awsPrincipals(statement).includes('*');

/** True when the statement lets anyone in (see the module comment). Not an object → false. */
function isPublicStatement(statement: unknown): boolean {
  return (
    isObject(statement) &&
    isAllow(statement) &&
    allowsEveryone(statement) &&
    !hasNarrowingCondition(statement)
  );
}

/** A public statement of a policy: its index in `Statement`, its Sid and its actions. */
interface PublicStatement {
  readonly index: number;
  readonly sid?: string;
  readonly actions: string[];
}

const statementsOf = (document: Json): Json[] => list(document.Statement).filter(isObject);

const sidOf = (statement: Json): string | undefined =>
  typeof statement.Sid === 'string' && statement.Sid !== '' ? statement.Sid : undefined;

/**
 * The public statements of a policy given as an object, a JSON string or a URL-encoded JSON string (CloudTrail
 * carries all three); [] for anything that is not a policy.
 */
function publicStatements(policy: unknown): PublicStatement[] {
  const document = policyDocument(policy);
  if (!document) return [];
  const out: PublicStatement[] = [];
  list(document.Statement).forEach((statement, index) => {
    if (!isObject(statement) || !isPublicStatement(statement)) return;
    const sid = sidOf(statement);
    out.push({ index, actions: strings(statement.Action), ...(sid ? { sid } : {}) });
  });
  return out;
}

export type { PublicStatement };
export {
  awsPrincipals,
  hasNarrowingCondition,
  isAllow,
  isPublicStatement,
  NARROWING_KEYS,
  publicStatements,
  sidOf,
  statementsOf,
};
