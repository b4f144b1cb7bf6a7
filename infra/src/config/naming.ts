import { type Environment, STAGES, type Stage } from './environment.js';

/**
 * The roles each member stack creates: `remediation` (forward playbook actions), `rollback` (un-fix actions),
 * `verification` (the playbooks' reads), `tag-reader` (only `tag:GetResources`, for the Decision Lambda's
 * exemption tags) and `event-reader` (only `cloudtrail:LookupEvents`, for the reconcile job to recover an event
 * Ingest failed on).
 */
type MemberRoleKind = 'remediation' | 'rollback' | 'verification' | 'tag-reader' | 'event-reader';
/** Each member role and the security-account function role that assumes it (its trust policy names that one). */
const MEMBER_ROLE_CALLERS: Readonly<Record<MemberRoleKind, FunctionKind>> = {
  remediation: 'remediation',
  rollback: 'rollback',
  verification: 'verification',
  'tag-reader': 'decision',
  'event-reader': 'reconcile',
};
/**
 * A Lambda of AISAWS: one per stage, plus the rollback function (the remediation package, the rollback role) and,
 * when the environment has a backtest, the backtest function.
 */
type FunctionKind = Stage | 'rollback' | 'backtest';
/**
 * The security account's queues: `quarantine` (triage failures and refused input), `events-dlq` (EventBridge dead
 * letters), `alert-outbox` (alerts SNS refused), `parked` (what the reconcile job gave up on, for a person).
 */
type QueueKind = 'quarantine' | 'events-dlq' | 'alert-outbox' | 'parked';
/** A state machine of AISAWS. */
type WorkflowKind = 'triage' | 'remediation' | 'rollback' | 'backtest';

/**
 * Physical names and ARNs, computed from the environment alone (never read back from AWS), so IAM policies are
 * readable in the synthesized JSON and the tests can assert exact resources. Names follow the runtime contract:
 * `aisaws-<env>-<thing>`. AISAWS's own calls never trigger a new remediation (trap T7) because the Lambdas are told
 * the exact ARNs of the roles it deployed (`selfRoleArns`), never a name pattern: a role someone else names
 * `aisaws-…` is watched like any other.
 */
interface Names {
  readonly prefix: string;
  readonly account: string;
  readonly region: string;
  functionName(stage: FunctionKind): string;
  functionArn(stage: FunctionKind): string;
  /** The `live` alias the workflows invoke. */
  aliasArn(stage: FunctionKind): string;
  lambdaLogGroupName(stage: FunctionKind): string;
  logGroupArn(name: string): string;
  tableName(logical: string): string;
  tableArn(logical: string): string;
  stateMachineName(kind: WorkflowKind): string;
  stateMachineArn(kind: WorkflowKind): string;
  archiveBucketName: string;
  archiveBucketArn: string;
  queueName(kind: QueueKind): string;
  queueArn(kind: QueueKind): string;
  queueUrl(kind: QueueKind): string;
  /** The DLQ of a member account's forwarding rules (in that account; the reconcile job drains it). */
  memberForwardDlqName: string;
  memberForwardDlqArn(account: string): string;
  memberForwardDlqUrl(account: string): string;
  /** The security account's default bus, where the member accounts forward. */
  securityBusArn: string;
  topicName: string;
  topicArn: string;
  /** Secrets Manager secret of the approval-link signing key. */
  signingKeySecretName: string;
  /** Its ARN as IAM matches it: Secrets Manager appends `-` and 6 random characters to the name. */
  signingKeySecretArn: string;
  /**
   * The roles the member stacks create in each member account: `remediation` holds the forward (fixing) actions,
   * `rollback` the un-fix actions (assumable only by the security account's rollback role), `verification` reads,
   * `tag-reader` only `tag:GetResources` (assumed by the Decision Lambda to read a member resource's tags),
   * `event-reader` only `cloudtrail:LookupEvents` (assumed by the reconcile job to recover an event from history).
   */
  memberRoleName(kind: MemberRoleKind): string;
  memberRoleArn(kind: MemberRoleKind, account: string): string;
  roleName(owner: string): string;
  roleArn(owner: string): string;
  /**
   * AISAWS's self-identity: the exact ARNs of every role whose sessions make AISAWS's calls: the security account's
   * function roles (each stage, the rollback function, the backtest when deployed) and each member account's
   * remediation, rollback, verification, tag-reader and event-reader roles. Sorted, no duplicates.
   */
  selfRoleArns(memberAccounts: readonly string[], options: { readonly backtest: boolean }): string[];
}

function namesFor(environment: Pick<Environment, 'name' | 'region' | 'accounts'>): Names {
  const prefix = `aisaws-${environment.name}`;
  const { region } = environment;
  const account = environment.accounts.security;
  const arn = (service: string, resource: string, scopedRegion = region, scopedAccount = account) =>
    `arn:aws:${service}:${scopedRegion}:${scopedAccount}:${resource}`;
  const functionName = (stage: FunctionKind) => `${prefix}-${stage}`;
  const queueName = (kind: QueueKind) => `${prefix}-${kind}`;
  const memberForwardDlqName = `${prefix}-member-forward-dlq`;
  const memberRoleName = (kind: MemberRoleKind) => `${prefix}-member-${kind}`;
  return {
    prefix,
    account,
    region,
    functionName,
    functionArn: (stage) => arn('lambda', `function:${functionName(stage)}`),
    aliasArn: (stage) => arn('lambda', `function:${functionName(stage)}:live`),
    lambdaLogGroupName: (stage) => `/aws/lambda/${functionName(stage)}`,
    logGroupArn: (name) => arn('logs', `log-group:${name}`),
    tableName: (logical) => `${prefix}-${logical}`,
    tableArn: (logical) => arn('dynamodb', `table/${prefix}-${logical}`),
    stateMachineName: (kind) => `${prefix}-${kind}`,
    stateMachineArn: (kind) => arn('states', `stateMachine:${prefix}-${kind}`),
    archiveBucketName: `${prefix}-archive-${account}`,
    archiveBucketArn: `arn:aws:s3:::${prefix}-archive-${account}`,
    queueName,
    queueArn: (kind) => arn('sqs', queueName(kind)),
    queueUrl: (kind) => `https://sqs.${region}.amazonaws.com/${account}/${queueName(kind)}`,
    memberForwardDlqName,
    memberForwardDlqArn: (member) => arn('sqs', memberForwardDlqName, region, member),
    memberForwardDlqUrl: (member) => `https://sqs.${region}.amazonaws.com/${member}/${memberForwardDlqName}`,
    securityBusArn: arn('events', 'event-bus/default'),
    topicName: `${prefix}-alerts`,
    topicArn: arn('sns', `${prefix}-alerts`),
    signingKeySecretName: `aisaws/${environment.name}/approval-signing-key`,
    signingKeySecretArn: arn(
      'secretsmanager',
      `secret:aisaws/${environment.name}/approval-signing-key-??????`,
    ),
    memberRoleName,
    memberRoleArn: (kind, memberAccount) => `arn:aws:iam::${memberAccount}:role/${memberRoleName(kind)}`,
    roleName: (owner) => `${prefix}-${owner}`,
    roleArn: (owner) => `arn:aws:iam::${account}:role/${prefix}-${owner}`,
    selfRoleArns(memberAccounts, options) {
      const functions: FunctionKind[] = [
        ...STAGES,
        'rollback',
        ...(options.backtest ? ['backtest' as const] : []),
      ];
      const memberKinds = Object.keys(MEMBER_ROLE_CALLERS) as MemberRoleKind[];
      return [
        ...new Set([
          ...functions.map((kind) => `arn:aws:iam::${account}:role/${prefix}-${kind}`),
          ...memberAccounts.flatMap((member) =>
            memberKinds.map((kind) => `arn:aws:iam::${member}:role/${memberRoleName(kind)}`),
          ),
        ]),
      ].sort();
    },
  };
}

export type { FunctionKind, MemberRoleKind, Names, QueueKind, WorkflowKind };
export { MEMBER_ROLE_CALLERS, namesFor };
