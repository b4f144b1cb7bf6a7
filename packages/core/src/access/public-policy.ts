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
 *
 * Deny statements of the same policy are weighed against the Allows (`publicStatements`, see `closesAllow`): an
 * Allow that would be public is not, when one explicit Deny provably refuses it to every caller the Deny's condition
 * does not narrow to. The common pattern is `Allow *` beside `Deny *` unless `aws:SourceVpce` / `aws:PrincipalOrgID`
 * / `aws:SourceIp`. Only a Deny that is sure to close counts; anything else leaves the Allow public.
 * `isPublicStatement` judges one statement alone (a Lambda permission, which can only be an Allow).
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

/** Negated operators that, on a narrowing key with concrete values, make a Deny refuse everyone but those values. */
const NARROWING_NEGATIONS: ReadonlyMap<string, string> = new Map([
  ['stringnotequals', 'stringequals'],
  ['stringnotequalsignorecase', 'stringequalsignorecase'],
  ['stringnotlike', 'stringlike'],
  ['arnnotequals', 'arnequals'],
  ['arnnotlike', 'arnlike'],
  ['notipaddress', 'ipaddress'],
]);

/**
 * True when one Deny clause means "deny unless the caller is one of these concrete values": a plain negated operator
 * (no `IfExists`, no `ForAnyValue:`/`ForAllValues:`) on a narrowing key, every value a string naming a concrete
 * caller, account, organisation or network (the same value rules as a narrowing Allow, `aws:SourceIp` ≤ /8 …).
 * A request without the key matches a negated operator, so it is denied too.
 */
function narrowingNegation(operator: string, key: string, value: unknown): boolean {
  const positive = NARROWING_NEGATIONS.get(operator.toLowerCase());
  if (positive === undefined) return false;
  const values = Array.isArray(value) ? value : [value];
  if (!values.every((v) => typeof v === 'string')) return false;
  return narrowingClause(positive, key, values);
}

/**
 * The strings of an Action/Resource element, or undefined when it is absent or holds anything but strings (then
 * nothing can be proved about it).
 */
function patternsOf(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0 || !values.every((v) => typeof v === 'string')) return undefined;
  return values as string[];
}

/**
 * True when every string the wildcard pattern `inner` matches is also matched by `outer` (`*` any run, `?` one
 * character). Proved only for simple shapes: `outer` is `*`, equal to `inner`, a literal matching a literal
 * `inner`, or `prefix*` whose prefix the literal start of `inner` begins with; anything else is "not proved".
 */
function patternCovers(outer: string, inner: string, ignoreCase: boolean): boolean {
  const o = ignoreCase ? outer.toLowerCase() : outer;
  const i = ignoreCase ? inner.toLowerCase() : inner;
  if (o === '*' || o === i) return true;
  const wild = /[*?]/;
  if (!wild.test(i)) {
    if (!wild.test(o)) return false;
    const regex = new RegExp(
      `^${o
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      's',
    );
    return regex.test(i);
  }
  const prefix = o.slice(0, -1);
  if (!o.endsWith('*') || wild.test(prefix)) return false;
  const literalStart = i.slice(0, i.search(wild));
  return literalStart.startsWith(prefix);
}

/** Every pattern of `inner` is covered by some pattern of `outer`. */
const allCovered = (outer: string[], inner: string[], ignoreCase: boolean): boolean =>
  inner.every((i) => outer.some((o) => patternCovers(o, i, ignoreCase)));

/**
 * True when the Deny statement provably refuses the Allow statement to every caller its condition does not narrow
 * to a concrete caller, account, organisation or network:
 * - `Effect: Deny` to `Principal: "*"` or `{AWS: "*"}` (not `NotPrincipal`, not a named principal);
 * - `Action` (not `NotAction`) covering each action of the Allow; an Allow with `NotAction` needs `Action: "*"`;
 * - `Resource` (not `NotResource`) covering each resource of the Allow; an Allow with `NotResource` needs `"*"`,
 *   an Allow without a resource needs a Deny without one or with `"*"`;
 * - no condition (denies everyone), or only clauses that are narrowing negations (see `narrowingNegation`): the
 *   clauses are ANDed, so a request escapes the Deny only as a caller one of them names.
 */
function closesAllow(deny: Json, allow: Json): boolean {
  if (String(deny.Effect ?? '').toLowerCase() !== 'deny') return false;
  if (deny.NotPrincipal !== undefined || !awsPrincipals(deny).includes('*')) return false;
  if (deny.NotAction !== undefined || deny.NotResource !== undefined) return false;
  const denyActions = patternsOf(deny.Action);
  if (!denyActions) return false;
  if (allow.NotAction !== undefined) {
    if (!denyActions.includes('*')) return false;
  } else {
    const allowActions = patternsOf(allow.Action);
    if (!allowActions || !allCovered(denyActions, allowActions, true)) return false;
  }
  const denyResources = patternsOf(deny.Resource);
  if (allow.NotResource !== undefined) {
    if (!denyResources?.includes('*')) return false;
  } else if (allow.Resource === undefined) {
    if (deny.Resource !== undefined && !denyResources?.includes('*')) return false;
  } else {
    const allowResources = patternsOf(allow.Resource);
    if (!allowResources || !denyResources || !allCovered(denyResources, allowResources, false)) return false;
  }
  const condition = deny.Condition;
  if (condition === undefined) return true;
  if (!isObject(condition)) return false;
  const clauses = Object.entries(condition).flatMap(([operator, keys]) =>
    isObject(keys) ? Object.entries(keys).map(([key, value]) => ({ operator, key, value })) : [undefined],
  );
  return (
    clauses.length > 0 &&
    clauses.every(
      (clause) => clause !== undefined && narrowingNegation(clause.operator, clause.key, clause.value),
    )
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
 * carries all three), Denies weighed (an Allow a Deny of the policy closes is not public, see `closesAllow`); [] for
 * anything that is not a policy. Detection and playbooks both judge a whole policy with this.
 */
function publicStatements(policy: unknown): PublicStatement[] {
  const document = policyDocument(policy);
  if (!document) return [];
  const out: PublicStatement[] = [];
  const denies = statementsOf(document).filter((statement) => !isAllow(statement));
  list(document.Statement).forEach((statement, index) => {
    if (!isObject(statement) || !isPublicStatement(statement)) return;
    if (denies.some((deny) => closesAllow(deny, statement))) return;
    const sid = sidOf(statement);
    out.push({ index, actions: strings(statement.Action), ...(sid ? { sid } : {}) });
  });
  return out;
}

export type { PublicStatement };
export {
  awsPrincipals,
  closesAllow,
  hasNarrowingCondition,
  isAllow,
  isPublicStatement,
  NARROWING_KEYS,
  publicStatements,
  sidOf,
  statementsOf,
};
