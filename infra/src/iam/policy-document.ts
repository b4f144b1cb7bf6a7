/**
 * IAM policy documents as plain data. `policyJson` refuses a wildcard action (`*`, `s3:*`, `s3:Get*`) and an
 * empty statement, so least privilege is enforced where policies are built, not only in tests.
 */

interface PolicyStatement {
  readonly sid: string;
  readonly effect?: 'Allow' | 'Deny';
  /** Only in resource policies (key, bucket, queue, bus): who the statement is about. */
  readonly principals?: Readonly<Record<string, string | readonly string[]>>;
  readonly actions: readonly string[];
  /** ARNs; `*` only where the actions support no resource-level permission (the statement's sid says why). */
  readonly resources: readonly string[];
  readonly conditions?: Readonly<
    Record<string, Readonly<Record<string, string | boolean | readonly string[]>>>
  >;
}

interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly Record<string, unknown>[];
}

class WildcardActionError extends Error {
  constructor(sid: string, action: string) {
    super(`policy statement ${sid}: action ${action} is a wildcard; list the exact actions`);
    this.name = 'WildcardActionError';
  }
}

const ACTION = /^[a-z0-9-]+:[A-Za-z0-9]+$/;

function checkStatement(statement: PolicyStatement): void {
  if (statement.actions.length === 0) throw new Error(`policy statement ${statement.sid}: no action`);
  if (statement.resources.length === 0) throw new Error(`policy statement ${statement.sid}: no resource`);
  for (const action of statement.actions) {
    if (action.includes('*')) throw new WildcardActionError(statement.sid, action);
    if (!ACTION.test(action))
      throw new Error(`policy statement ${statement.sid}: ${action} is not a service:Action name`);
  }
}

/** The IAM JSON document (sorted, de-duplicated actions and resources, so output is stable). */
function policyDocument(statements: readonly PolicyStatement[]): PolicyDocument {
  const sids = new Set<string>();
  return {
    Version: '2012-10-17',
    Statement: statements.map((statement) => {
      checkStatement(statement);
      if (sids.has(statement.sid)) throw new Error(`policy statement ${statement.sid}: duplicate sid`);
      sids.add(statement.sid);
      return {
        Sid: statement.sid,
        Effect: statement.effect ?? 'Allow',
        ...(statement.principals ? { Principal: statement.principals } : {}),
        Action: [...new Set(statement.actions)].sort(),
        Resource: [...new Set(statement.resources)].sort(),
        ...(statement.conditions ? { Condition: statement.conditions } : {}),
      };
    }),
  };
}

const policyJson = (statements: readonly PolicyStatement[]): string =>
  JSON.stringify(policyDocument(statements));

/**
 * A trust policy letting one AWS service assume the role. With `sourceAccount`, only on behalf of that account
 * (confused-deputy guard; Step Functions and EventBridge set aws:SourceAccount, Lambda execution roles do not
 * need it).
 */
function serviceTrustPolicy(service: string, sourceAccount?: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TrustService',
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sts:AssumeRole',
        ...(sourceAccount ? { Condition: { StringEquals: { 'aws:SourceAccount': sourceAccount } } } : {}),
      },
    ],
  });
}

export type { PolicyDocument, PolicyStatement };
export { policyDocument, policyJson, serviceTrustPolicy, WildcardActionError };
