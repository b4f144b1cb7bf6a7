import { CloudwatchEventRule } from '@cdktn/provider-aws/lib/cloudwatch-event-rule/index.js';
import { CloudwatchEventTarget } from '@cdktn/provider-aws/lib/cloudwatch-event-target/index.js';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy/index.js';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider/index.js';
import { SqsQueue } from '@cdktn/provider-aws/lib/sqs-queue/index.js';
import { SqsQueuePolicy } from '@cdktn/provider-aws/lib/sqs-queue-policy/index.js';
import { S3Backend, TerraformStack } from 'cdktn';
import type { Construct } from 'constructs';
import type { Environment } from '../config/environment.js';
import { MEMBER_ROLE_CALLERS, type MemberRoleKind, type Names, namesFor } from '../config/naming.js';
import type { EventRuleSpec } from '../events/rules.js';
import { policyJson, serviceTrustPolicy } from '../iam/policy-document.js';
import { protectOwnResources } from '../iam/self-protection.js';
import { isReadAction } from '../iam/stage-permissions.js';

interface MemberStackProps {
  readonly environment: Environment;
  readonly account: string;
  readonly eventRules: readonly EventRuleSpec[];
  /** The playbooks' forward actions (`permissionsFor()`): the member remediation role's. */
  readonly playbookActions: readonly string[];
  /** The playbooks' rollback actions (`rollbackPermissionsFor()`): the member rollback role's, and only its. */
  readonly rollbackActions: readonly string[];
}

/** `aisaws/dev/security.tfstate` → `aisaws/dev/member-222222222222.tfstate`. */
const memberStateKey = (securityKey: string, account: string): string => {
  const slash = securityKey.lastIndexOf('/');
  return `${slash >= 0 ? securityKey.slice(0, slash + 1) : ''}member-${account}.tfstate`;
};

/**
 * The stack applied in each member account (`cdktf.out/stacks/<env>-member-<account>`): the roles the security
 * account's remediation, rollback, verification and decision Lambdas assume, and the rules forwarding the catalog's CloudTrail events
 * to the security account's default bus. Apply it after the security stack (the trust policies name its roles).
 */
class MemberStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: MemberStackProps) {
    super(scope, id);
    const { environment, account } = props;
    const names: Names = namesFor(environment);
    const security = environment.accounts.security;

    new S3Backend(this, {
      bucket: environment.backend.bucket,
      key: memberStateKey(environment.backend.key, account),
      region: environment.backend.region,
      dynamodbTable: environment.backend.lockTable,
      encrypt: true,
    });
    const deployRole = environment.accounts.memberDeployRoleName;
    new AwsProvider(this, 'aws', {
      region: environment.region,
      allowedAccountIds: [account],
      ...(deployRole ? { assumeRole: [{ roleArn: `arn:aws:iam::${account}:role/${deployRole}` }] } : {}),
      defaultTags: [{ tags: { 'aisaws:environment': environment.name, 'aisaws:managed-by': 'cdktn' } }],
    });

    // Each member role trusts exactly one function role of the security account (MEMBER_ROLE_CALLERS), with the
    // ExternalId and, when known, the organisation.
    const trustFrom = (kind: MemberRoleKind): string => {
      const caller = MEMBER_ROLE_CALLERS[kind];
      return JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: `TrustAisaws${caller.charAt(0).toUpperCase()}${caller.slice(1)}Lambda`,
            Effect: 'Allow',
            Principal: { AWS: names.roleArn(caller) },
            Action: 'sts:AssumeRole',
            Condition: {
              StringEquals: {
                'sts:ExternalId': environment.externalId,
                ...(environment.accounts.organizationId
                  ? { 'aws:PrincipalOrgID': environment.accounts.organizationId }
                  : {}),
              },
            },
          },
        ],
      });
    };

    const remediationRole = new IamRole(this, 'remediation-role', {
      name: names.memberRoleName('remediation'),
      description: `Assumed by ${names.functionName('remediation')} in ${security}: the forward (fixing) playbook actions only`,
      assumeRolePolicy: trustFrom('remediation'),
      maxSessionDuration: 3600,
    });
    const verificationRole = new IamRole(this, 'verification-role', {
      name: names.memberRoleName('verification'),
      description: `Assumed by ${names.functionName('verification')} in ${security}: the playbooks' reads only`,
      assumeRolePolicy: trustFrom('verification'),
      maxSessionDuration: 3600,
    });
    const rollbackRole = new IamRole(this, 'rollback-role', {
      name: names.memberRoleName('rollback'),
      description: `Assumed only by ${names.functionName('rollback')} in ${security} (approved rollbacks): the un-fix playbook actions only`,
      assumeRolePolicy: trustFrom('rollback'),
      maxSessionDuration: 3600,
    });
    // The playbooks act on whatever resource the event names: resources cannot be known in advance. AISAWS's own
    // resources in this account are carved out by an explicit Deny.
    if (props.playbookActions.length > 0)
      new IamRolePolicy(this, 'remediation-policy', {
        name: `${names.memberRoleName('remediation')}-playbooks`,
        role: remediationRole.id,
        policy: policyJson([
          { sid: 'PlaybookForwardActions', actions: props.playbookActions, resources: ['*'] },
          protectOwnResources('NeverActOnAisawsResources', props.playbookActions, { account }),
        ]),
      });
    if (props.rollbackActions.length > 0)
      new IamRolePolicy(this, 'rollback-policy', {
        name: `${names.memberRoleName('rollback')}-playbooks`,
        role: rollbackRole.id,
        policy: policyJson([
          { sid: 'PlaybookRollbackActions', actions: props.rollbackActions, resources: ['*'] },
          protectOwnResources('NeverActOnAisawsResources', props.rollbackActions, { account }),
        ]),
      });
    const reads = [...new Set([...props.playbookActions, ...props.rollbackActions])]
      .filter(isReadAction)
      .sort();
    if (reads.length > 0)
      new IamRolePolicy(this, 'verification-policy', {
        name: `${names.memberRoleName('verification')}-playbook-reads`,
        role: verificationRole.id,
        policy: policyJson([{ sid: 'PlaybookReads', actions: reads, resources: ['*'] }]),
      });

    // The Decision Lambda reads a member resource's tags (exemption tags) in the resource's account: the Resource
    // Groups Tagging API answers only for the caller's own account. One action, which has no resource-level
    // permission (`*` is the only valid resource) and reads tags only, not the resources.
    const tagReaderRole = new IamRole(this, 'tag-reader-role', {
      name: names.memberRoleName('tag-reader'),
      description: `Assumed by ${names.functionName('decision')} in ${security}: tag:GetResources only (exemption tags)`,
      assumeRolePolicy: trustFrom('tag-reader'),
      maxSessionDuration: 3600,
    });
    new IamRolePolicy(this, 'tag-reader-policy', {
      name: `${names.memberRoleName('tag-reader')}-get-resources`,
      role: tagReaderRole.id,
      policy: policyJson([{ sid: 'ReadResourceTags', actions: ['tag:GetResources'], resources: ['*'] }]),
    });

    // The reconcile job recovers an event Ingest failed on (only a reference was kept) from this account's CloudTrail
    // event history. One action, which has no resource-level permission (`*` is the only valid resource) and reads
    // management events only.
    const eventReaderRole = new IamRole(this, 'event-reader-role', {
      name: names.memberRoleName('event-reader'),
      description: `Assumed by ${names.functionName('reconcile')} in ${security}: cloudtrail:LookupEvents only (recovery of an event Ingest failed on)`,
      assumeRolePolicy: trustFrom('event-reader'),
      maxSessionDuration: 3600,
    });
    new IamRolePolicy(this, 'event-reader-policy', {
      name: `${names.memberRoleName('event-reader')}-lookup-events`,
      role: eventReaderRole.id,
      policy: policyJson([
        { sid: 'LookUpEventHistory', actions: ['cloudtrail:LookupEvents'], resources: ['*'] },
      ]),
    });

    // Forward the catalog's events to the security account, where the same patterns start triage.
    const securityBus = `arn:aws:events:${environment.region}:${security}:event-bus/default`;
    const forwarder = new IamRole(this, 'forwarder-role', {
      name: `${names.prefix}-member-event-forwarder`,
      description: 'EventBridge forwarding AISAWS triggers to the security account',
      assumeRolePolicy: serviceTrustPolicy('events.amazonaws.com', account),
    });
    new IamRolePolicy(this, 'forwarder-policy', {
      name: `${names.prefix}-member-event-forwarder`,
      role: forwarder.id,
      policy: policyJson([
        { sid: 'PutEventsOnSecurityBus', actions: ['events:PutEvents'], resources: [securityBus] },
      ]),
    });
    // An event EventBridge could not forward within its retries (security bus unreachable, policy changed) is kept
    // here, in this account, encrypted (SSE-SQS: EventBridge writes without a key grant), for the reconcile job.
    const forwardDlqName = names.memberForwardDlqName;
    const forwardDlq = new SqsQueue(this, 'forward-dlq', {
      name: forwardDlqName,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 1_209_600,
    });
    const rules = props.eventRules.map((spec) => {
      const rule = new CloudwatchEventRule(this, `rule-${spec.id}`, {
        name: `${names.prefix}-forward-${spec.id}`,
        description: spec.description,
        eventPattern: JSON.stringify(spec.pattern),
        state: spec.state,
      });
      new CloudwatchEventTarget(this, `rule-${spec.id}-target`, {
        rule: rule.name,
        targetId: 'security-account-bus',
        arn: securityBus,
        roleArn: forwarder.arn,
        retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 20 },
        deadLetterConfig: { arn: forwardDlq.arn },
      });
      return rule;
    });
    if (rules.length > 0)
      new SqsQueuePolicy(this, 'forward-dlq-policy', {
        queueUrl: forwardDlq.url,
        policy: policyJson([
          {
            sid: 'EventBridgeDeadLetters',
            principals: { Service: 'events.amazonaws.com' },
            actions: ['sqs:SendMessage'],
            resources: [`arn:aws:sqs:${environment.region}:${account}:${forwardDlqName}`],
            conditions: { ArnEquals: { 'aws:SourceArn': rules.map((rule) => rule.arn) } },
          },
          {
            // The security account's reconcile Lambda replays these events onto triage: it may read and delete
            // messages of this one queue, and nothing else in this account (no role to assume here).
            sid: 'SecurityAccountReconcileDrains',
            principals: { AWS: names.roleArn('reconcile') },
            actions: ['sqs:DeleteMessage', 'sqs:ReceiveMessage'],
            resources: [`arn:aws:sqs:${environment.region}:${account}:${forwardDlqName}`],
          },
        ]),
      });
  }
}

export type { MemberStackProps };
export { MemberStack, memberStateKey };
