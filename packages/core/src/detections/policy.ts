import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import type { MatchContext } from './define.js';
import { accountIdIn, accountOf, isObject, type Json, list, policyDocument, strings } from './read.js';

/**
 * A small evaluator for resource and trust policies (S3, Lambda, IAM trust, SNS, SQS, Secrets, ECR, KMS): which
 * Allow statements are open to anyone, and which name an account that is not ours. It reads what the event carries;
 * it does not evaluate Deny statements against Allows (a Deny elsewhere can still close what is flagged here).
 */

/** An Allow statement that grants access to anyone (`*`) with no condition that narrows who can use it. */
interface PublicStatement {
  readonly index: number;
  readonly sid?: string;
  readonly actions: string[];
}

/** An Allow statement naming accounts outside ours. */
interface ForeignStatement {
  readonly index: number;
  readonly sid?: string;
  readonly accounts: string[];
  readonly actions: string[];
}

/**
 * Condition keys that restrict an Allow to a known network, organization, account or caller. A statement that
 * carries one of them (with an equality/like operator) is not public. `aws:SourceIp` counts only when no range is /0.
 */
const NARROWING_KEYS = new Set([
  'aws:sourcevpce',
  'aws:sourcevpc',
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:sourceaccount',
  'aws:sourcearn',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
  'aws:sourceip',
  'aws:userid',
  'aws:username',
  'aws:calledvia',
  'sts:externalid',
  's3:dataaccesspointaccount',
  's3:dataaccesspointarn',
  'kms:calleraccount',
  'kms:viaservice',
  'lambda:eventsourcetoken',
  'sns:endpoint',
]);

/**
 * Regional Elastic Load Balancing log-delivery accounts (trap T3): they write access logs into customer buckets
 * and look like foreign accounts in bucket policies. Listed from the ELB access-log documentation.
 */
const AWS_LOG_DELIVERY_ACCOUNTS = new Set([
  '127311923021', // us-east-1
  '033677994240', // us-east-2
  '027434742980', // us-west-1
  '797873946194', // us-west-2
  '156460612806', // eu-west-1
  '652711504416', // eu-west-2
  '009996457667', // eu-west-3
  '054676820928', // eu-central-1
  '897822967062', // eu-north-1
  '582318560864', // ap-northeast-1
  '600734575887', // ap-northeast-2
  '114774131450', // ap-southeast-1
  '783225319266', // ap-southeast-2
  '718504428378', // ap-south-1
  '985666609251', // ca-central-1
  '507241528517', // sa-east-1
]);

const statementsOf = (document: Json): Json[] => list(document.Statement).filter(isObject);

const isAllow = (statement: Json): boolean => String(statement.Effect ?? '').toLowerCase() === 'allow';

/** True when a condition in the statement limits the Allow to a known network, org, account or caller. */
function hasNarrowingCondition(statement: Json): boolean {
  const condition = statement.Condition;
  if (!isObject(condition)) return false;
  for (const [operator, clauses] of Object.entries(condition)) {
    const op = operator.toLowerCase();
    // Negated operators and Null checks exclude callers rather than naming who may call.
    if (op.includes('not') || op === 'null' || !isObject(clauses)) continue;
    for (const [key, value] of Object.entries(clauses)) {
      const k = key.toLowerCase();
      if (!NARROWING_KEYS.has(k)) continue;
      const values = strings(value);
      if (values.length === 0) continue;
      if (values.every((v) => v === '*')) continue;
      if (k === 'aws:sourceip' && values.some((v) => v.endsWith('/0'))) continue;
      return true;
    }
  }
  return false;
}

/** The AWS principals of a statement (`Principal: "*"` reads as `['*']`); service principals are not included. */
function awsPrincipals(statement: Json): string[] {
  const principal = statement.Principal;
  if (principal === '*') return ['*'];
  if (!isObject(principal)) return [];
  return strings(principal.AWS);
}

/** The federated principals of a (trust) statement. */
function federatedPrincipals(statement: Json): string[] {
  const principal = statement.Principal;
  return isObject(principal) ? strings(principal.Federated) : [];
}

const actionsOf = (statement: Json): string[] => strings(statement.Action);

const sidOf = (statement: Json): string | undefined =>
  typeof statement.Sid === 'string' ? statement.Sid : undefined;

/** Allow statements open to `*` (or `{AWS: "*"}`) with no narrowing condition. */
function publicStatements(policy: unknown): PublicStatement[] {
  const document = policyDocument(policy);
  if (!document) return [];
  const out: PublicStatement[] = [];
  statementsOf(document).forEach((statement, index) => {
    if (!isAllow(statement)) return;
    if (!awsPrincipals(statement).includes('*')) return;
    if (hasNarrowingCondition(statement)) return;
    const sid = sidOf(statement);
    out.push({ index, actions: actionsOf(statement), ...(sid ? { sid } : {}) });
  });
  return out;
}

/** The accounts that count as ours: the record's own account plus the trusted (organization) accounts. */
function isOurAccount(account: string, record: CloudTrailRecord, context: MatchContext): boolean {
  return (
    account === accountOf(record) ||
    account === record.userIdentity?.accountId ||
    AWS_LOG_DELIVERY_ACCOUNTS.has(account) ||
    (context.trustedAccounts?.has(account) ?? false)
  );
}

/** Accounts in `values` (ids or ARNs) that are not ours. `*` and non-account values (service principals) are skipped. */
function foreignAccounts(
  values: readonly string[],
  record: CloudTrailRecord,
  context: MatchContext,
): string[] {
  const out: string[] = [];
  for (const value of values) {
    const account = accountIdIn(value);
    if (account && !isOurAccount(account, record, context) && !out.includes(account)) out.push(account);
  }
  return out;
}

/** Allow statements whose AWS principals include an account outside ours, without a narrowing condition. */
function foreignStatements(
  policy: unknown,
  record: CloudTrailRecord,
  context: MatchContext,
): ForeignStatement[] {
  const document = policyDocument(policy);
  if (!document) return [];
  const out: ForeignStatement[] = [];
  statementsOf(document).forEach((statement, index) => {
    if (!isAllow(statement)) return;
    const accounts = foreignAccounts(awsPrincipals(statement), record, context);
    if (accounts.length === 0) return;
    if (hasNarrowingCondition(statement)) return;
    const sid = sidOf(statement);
    out.push({ index, accounts, actions: actionsOf(statement), ...(sid ? { sid } : {}) });
  });
  return out;
}

/** Allow statements granting every action (`*` or `*:*`, or all of IAM) on every resource. */
function adminStatements(policy: unknown): PublicStatement[] {
  const document = policyDocument(policy);
  if (!document) return [];
  const out: PublicStatement[] = [];
  statementsOf(document).forEach((statement, index) => {
    if (!isAllow(statement)) return;
    const actions = actionsOf(statement);
    const resources = strings(statement.Resource);
    if (!resources.includes('*')) return;
    if (!actions.some((action) => action === '*' || action === '*:*' || action.toLowerCase() === 'iam:*'))
      return;
    const sid = sidOf(statement);
    out.push({ index, actions, ...(sid ? { sid } : {}) });
  });
  return out;
}

export type { ForeignStatement, PublicStatement };
export {
  adminStatements,
  awsPrincipals,
  federatedPrincipals,
  foreignAccounts,
  foreignStatements,
  hasNarrowingCondition,
  isAllow,
  isOurAccount,
  publicStatements,
  statementsOf,
};
