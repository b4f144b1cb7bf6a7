import {
  awsPrincipals,
  hasNarrowingCondition,
  isAllow,
  type PublicStatement,
  publicStatements,
  sidOf,
  statementsOf,
} from '../access/public-policy.js';
import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import type { MatchContext } from './define.js';
import { accountIdIn, accountOf, isObject, type Json, policyDocument, strings } from './read.js';

/**
 * Resource and trust policies as the detections read them: which Allow statements are open to anyone (the shared
 * evaluator in `../access/public-policy.ts`, also used by the playbooks), which name an account that is not ours,
 * and which grant every action. It reads what the event carries.
 */

/** An Allow statement naming accounts outside ours. */
interface ForeignStatement {
  readonly index: number;
  readonly sid?: string;
  readonly accounts: string[];
  readonly actions: string[];
}

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

/** The federated principals of a (trust) statement. */
function federatedPrincipals(statement: Json): string[] {
  const principal = statement.Principal;
  return isObject(principal) ? strings(principal.Federated) : [];
}

const actionsOf = (statement: Json): string[] => strings(statement.Action);

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
