import type { Stage } from '../config/environment.js';
import type { MemberRoleKind, Names } from '../config/naming.js';
import type { PolicyStatement } from './policy-document.js';
import { protectOwnResources } from './self-protection.js';

/**
 * Each Lambda's IAM statements: its own needs (from the runtime contract) plus, for remediation and verification,
 * the actions the playbooks declare (`permissionsFor()` of @aisaws/playbooks). Resources are exact ARNs wherever
 * the action supports resource-level permissions.
 */

interface StagePermissionInputs {
  readonly names: Names;
  /** The KMS key encrypting tables, queues, topic, logs, bucket and parameters (a Terraform reference). */
  readonly keyArn: string;
  readonly memberAccounts: readonly string[];
  /** The playbooks' forward actions (snapshot, apply, verify), sorted (`permissionsFor()` of @aisaws/playbooks). */
  readonly playbookActions: readonly string[];
  /** The playbooks' rollback actions (`rollbackPermissionsFor()`): only the rollback role holds them. */
  readonly rollbackActions: readonly string[];
}

/** The playbooks' read actions: what verification needs to re-read the real state. */
const isReadAction = (action: string): boolean =>
  /^[a-z0-9-]+:(?:Get|Describe|List|Head)[A-Za-z0-9]*$/.test(action);

/** Stages whose handler is wrapped in Powertools idempotency (the ones with side effects, per their handler.ts). */
const IDEMPOTENT_STAGES: ReadonlySet<Stage> = new Set([
  'ingest',
  'scoring',
  'decision',
  'remediation',
  'alert',
]);

/** What the Powertools DynamoDB persistence layer calls. */
const IDEMPOTENCY_ACTIONS = [
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
];

function commonStatements(stage: Stage, inputs: StagePermissionInputs): PolicyStatement[] {
  const { names, keyArn } = inputs;
  const statements: PolicyStatement[] = [
    {
      sid: 'WriteOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [`${names.logGroupArn(names.lambdaLogGroupName(stage))}:*`],
    },
    {
      // Tables, queues, topic and environment variables are encrypted with the AISAWS key.
      sid: 'UseAisawsKey',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [keyArn],
    },
  ];
  if (IDEMPOTENT_STAGES.has(stage))
    statements.push({
      sid: 'IdempotencyRecords',
      actions: IDEMPOTENCY_ACTIONS,
      resources: [names.tableArn('idempotency')],
    });
  return statements;
}

function ownStatements(stage: Stage, inputs: StagePermissionInputs): PolicyStatement[] {
  const { names, memberAccounts, playbookActions, keyArn } = inputs;
  switch (stage) {
    case 'ingest':
      return [
        {
          sid: 'ArchiveRawAndQuarantine',
          actions: ['s3:PutObject'],
          resources: [`${names.archiveBucketArn}/raw/*`, `${names.archiveBucketArn}/quarantine/*`],
        },
        {
          sid: 'RecordEvent',
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
          resources: [names.tableArn('events')],
        },
        { sid: 'QuarantineMessage', actions: ['sqs:SendMessage'], resources: [names.queueArn('quarantine')] },
      ];
    case 'scoring':
      return [
        {
          sid: 'PrincipalBaseline',
          actions: [
            'dynamodb:BatchGetItem',
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:Query',
            'dynamodb:UpdateItem',
          ],
          resources: [names.tableArn('baseline')],
        },
        {
          sid: 'RecordScore',
          actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
          resources: [names.tableArn('events')],
        },
      ];
    case 'decision':
      return [
        // Tags of resources in its own account. tag:GetResources supports no resource-level permission: `*` is the
        // only valid resource. A member resource's tags are read in its account through the member tag-reader role.
        { sid: 'ReadResourceTagsForExemptions', actions: ['tag:GetResources'], resources: ['*'] },
        ...assumeMemberRole('tag-reader', names, memberAccounts),
        {
          sid: 'RecordDecision',
          actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
          resources: [names.tableArn('events')],
        },
        {
          sid: 'CountAutomaticFixes',
          actions: ['dynamodb:UpdateItem'],
          resources: [names.tableArn('state')],
        },
        {
          // One fix per resource + playbook: a conditional PutItem of `fix#…`, and GetItem of its holder.
          sid: 'ClaimOneFixPerResource',
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
          resources: [names.tableArn('state')],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['fix#*'] } },
        },
      ];
    case 'remediation':
      return [
        ...assumeMemberRole('remediation', names, memberAccounts),
        {
          sid: 'RecordSnapshotAndResult',
          actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
          resources: [names.tableArn('events')],
        },
        // In its own account the Lambda applies the playbooks with this role (no assume); the targets are whatever
        // resource an event names, so `*`, with AISAWS's own resources carved out by an explicit Deny. Forward
        // actions only: the un-fix actions are the rollback role's.
        ...(playbookActions.length > 0
          ? [
              { sid: 'PlaybookForwardActionsInSecurityAccount', actions: playbookActions, resources: ['*'] },
              protectOwnResources('NeverActOnAisawsResources', playbookActions, {
                account: names.account,
                keyArn,
              }),
            ]
          : []),
      ];
    case 'verification': {
      // sts:AssumeRoot too: a playbook that acts as a member's root user (centralized root access) re-reads as it.
      const reads = [...new Set([...playbookActions, ...inputs.rollbackActions])]
        .filter((action) => isReadAction(action) || action === 'sts:AssumeRoot')
        .sort();
      return [
        ...assumeMemberRole('verification', names, memberAccounts),
        ...(reads.length > 0
          ? [{ sid: 'PlaybookReadsInSecurityAccount', actions: reads, resources: ['*'] }]
          : []),
      ];
    }
    case 'alert':
      return [
        { sid: 'PublishAlerts', actions: ['sns:Publish'], resources: [names.topicArn] },
        // SNS unavailable: the rendered alert waits in the outbox for the reconcile job.
        {
          sid: 'KeepAlertInOutbox',
          actions: ['sqs:SendMessage'],
          resources: [names.queueArn('alert-outbox')],
        },
        {
          sid: 'ReadApprovalSigningKey',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [names.signingKeySecretArn],
        },
      ];
    case 'reconcile':
      return [
        {
          // Read a batch; delete what was re-submitted or parked (the rest reappears after the visibility timeout). The member
          // queues' own policies name this role too (cross-account access needs both sides).
          sid: 'DrainDeadLetterQueues',
          actions: ['sqs:DeleteMessage', 'sqs:ReceiveMessage'],
          resources: [
            names.queueArn('events-dlq'),
            names.queueArn('quarantine'),
            names.queueArn('alert-outbox'),
            ...memberAccounts.map((member) => names.memberForwardDlqArn(member)),
          ],
        },
        { sid: 'KeepParkedMessages', actions: ['sqs:SendMessage'], resources: [names.queueArn('parked')] },
        // Replays start triage with the original event, as the EventBridge rules do.
        {
          sid: 'ReplayOnTriage',
          actions: ['states:StartExecution'],
          resources: [names.stateMachineArn('triage')],
        },
        { sid: 'PublishOutboxAlertsAndReport', actions: ['sns:Publish'], resources: [names.topicArn] },
        // Findings Security Hub refused (quarantine, finding-not-published) go back to the Findings Lambda's alias.
        {
          sid: 'PublishUnpublishedFindings',
          actions: ['lambda:InvokeFunction'],
          resources: [names.aliasArn('findings')],
        },
        // An event Ingest failed on without keeping it is looked up in CloudTrail event history: its own account's with
        // this role (LookupEvents has no resource-level permission: `*`), a member's through the event-reader role.
        { sid: 'LookUpOwnEventHistory', actions: ['cloudtrail:LookupEvents'], resources: ['*'] },
        ...assumeMemberRole('event-reader', names, memberAccounts),
        {
          // replay#<eventId> counters and alert-sent#<alertKey> markers only.
          sid: 'ReplayCountersAndSentMarkers',
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          resources: [names.tableArn('state')],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['replay#*', 'alert-sent#*'] } },
        },
      ];
    case 'findings': {
      const { account, region } = names;
      return [
        {
          // The custom product of this account (BatchImportFindings on the default product ARN accepts only the
          // calling account's findings); TargetAccount pins every finding's AwsAccountId to it.
          sid: 'ImportOwnFindings',
          actions: ['securityhub:BatchImportFindings'],
          resources: [`arn:aws:securityhub:${region}:${account}:product/${account}/default`],
          conditions: { StringEquals: { 'securityhub:TargetAccount': account } },
        },
        {
          // Workflow.Status after creation (BatchImportFindings cannot change it): only the three statuses AISAWS
          // sets, and no other customer field (severity, note, verification state …) in the same request.
          sid: 'SetWorkflowStatusOfOwnFindings',
          actions: ['securityhub:BatchUpdateFindings'],
          resources: [`arn:aws:securityhub:${region}:${account}:hub/default`],
          conditions: {
            StringEquals: { 'securityhub:ASFFSyntaxPath/Workflow.Status': ['NEW', 'NOTIFIED', 'RESOLVED'] },
            Null: {
              'securityhub:ASFFSyntaxPath/Severity.Label': 'true',
              'securityhub:ASFFSyntaxPath/Note.Text': 'true',
              'securityhub:ASFFSyntaxPath/VerificationState': 'true',
              'securityhub:ASFFSyntaxPath/Confidence': 'true',
              'securityhub:ASFFSyntaxPath/Criticality': 'true',
            },
          },
        },
        {
          // A rolled-back fix: its finding is reopened (NOTIFIED only) with a note on who rolled it back; still no
          // severity, verification state, confidence or criticality.
          sid: 'ReopenRolledBackFindingsWithNote',
          actions: ['securityhub:BatchUpdateFindings'],
          resources: [`arn:aws:securityhub:${region}:${account}:hub/default`],
          conditions: {
            StringEquals: { 'securityhub:ASFFSyntaxPath/Workflow.Status': 'NOTIFIED' },
            Null: {
              'securityhub:ASFFSyntaxPath/Note.Text': 'false',
              'securityhub:ASFFSyntaxPath/Severity.Label': 'true',
              'securityhub:ASFFSyntaxPath/VerificationState': 'true',
              'securityhub:ASFFSyntaxPath/Confidence': 'true',
              'securityhub:ASFFSyntaxPath/Criticality': 'true',
            },
          },
        },
      ];
    }
    case 'approval':
      return [
        // A rejection is a SendTaskSuccess too ({approved: false}); SendTaskFailure is never called. The remediation
        // workflow waits on fix approvals, the rollback workflow on rollback offers.
        {
          sid: 'AnswerApprovalTask',
          actions: ['states:SendTaskSuccess'],
          resources: [names.stateMachineArn('remediation'), names.stateMachineArn('rollback')],
        },
        {
          sid: 'RecordApprovalOnce',
          actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
          resources: [names.tableArn('state')],
        },
        {
          sid: 'ReadApprovalSigningKey',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [names.signingKeySecretArn],
        },
      ];
  }
}

function assumeMemberRole(kind: MemberRoleKind, names: Names, members: readonly string[]): PolicyStatement[] {
  if (members.length === 0) return [];
  return [
    {
      sid: 'AssumeMemberRole',
      actions: ['sts:AssumeRole'],
      resources: members.map((account) => names.memberRoleArn(kind, account)),
    },
  ];
}

/** Every statement of one Lambda's role. */
function stageStatements(stage: Stage, inputs: StagePermissionInputs): PolicyStatement[] {
  return [...commonStatements(stage, inputs), ...ownStatements(stage, inputs)];
}

/**
 * The security account's rollback role: the only AISAWS principal holding the un-fix actions (re-grant, re-attach,
 * schedule a key deletion …) and the only one trusted by the member rollback roles. It is the execution role of the
 * rollback function, which acts only on a RollbackApproval it verifies with the signing key; AISAWS's own resources are
 * denied to it like to the apply role.
 */
function rollbackRoleStatements(inputs: StagePermissionInputs): PolicyStatement[] {
  const { names, keyArn, rollbackActions, memberAccounts } = inputs;
  return [
    {
      sid: 'WriteOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [`${names.logGroupArn(names.lambdaLogGroupName('rollback'))}:*`],
    },
    { sid: 'UseAisawsKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [keyArn] },
    {
      sid: 'ReadSnapshotRecordRollback',
      actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      resources: [names.tableArn('events')],
    },
    {
      sid: 'ReadApprovalSigningKey',
      actions: ['secretsmanager:GetSecretValue'],
      resources: [names.signingKeySecretArn],
    },
    ...assumeMemberRole('rollback', names, memberAccounts),
    ...(rollbackActions.length > 0
      ? [
          { sid: 'PlaybookRollbackActionsInSecurityAccount', actions: rollbackActions, resources: ['*'] },
          protectOwnResources('NeverActOnAisawsResources', rollbackActions, {
            account: names.account,
            keyArn,
          }),
        ]
      : []),
  ];
}

export type { StagePermissionInputs };
export { IDEMPOTENT_STAGES, isReadAction, rollbackRoleStatements, stageStatements };
