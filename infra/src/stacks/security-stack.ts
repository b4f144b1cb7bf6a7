import { TABLES, type TableDefinition } from '@aisaws/core/storage';
import { CloudwatchEventBusPolicy } from '@cdktn/provider-aws/lib/cloudwatch-event-bus-policy/index.js';
import { CloudwatchEventRule } from '@cdktn/provider-aws/lib/cloudwatch-event-rule/index.js';
import { CloudwatchEventTarget } from '@cdktn/provider-aws/lib/cloudwatch-event-target/index.js';
import { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group/index.js';
import { CloudwatchMetricAlarm } from '@cdktn/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import { DynamodbTable } from '@cdktn/provider-aws/lib/dynamodb-table/index.js';
import { EphemeralAwsSecretsmanagerRandomPassword } from '@cdktn/provider-aws/lib/ephemeral-aws-secretsmanager-random-password/index.js';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy/index.js';
import { KmsAlias } from '@cdktn/provider-aws/lib/kms-alias/index.js';
import { KmsKey } from '@cdktn/provider-aws/lib/kms-key/index.js';
import { LambdaFunctionUrl } from '@cdktn/provider-aws/lib/lambda-function-url/index.js';
import { LambdaPermission } from '@cdktn/provider-aws/lib/lambda-permission/index.js';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider/index.js';
import { S3Bucket } from '@cdktn/provider-aws/lib/s3-bucket/index.js';
import { S3BucketLifecycleConfiguration } from '@cdktn/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js';
import { S3BucketOwnershipControls } from '@cdktn/provider-aws/lib/s3-bucket-ownership-controls/index.js';
import { S3BucketPolicy } from '@cdktn/provider-aws/lib/s3-bucket-policy/index.js';
import { S3BucketPublicAccessBlock } from '@cdktn/provider-aws/lib/s3-bucket-public-access-block/index.js';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktn/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js';
import { S3BucketVersioningA } from '@cdktn/provider-aws/lib/s3-bucket-versioning/index.js';
import { SchedulerSchedule } from '@cdktn/provider-aws/lib/scheduler-schedule/index.js';
import { SecretsmanagerSecret } from '@cdktn/provider-aws/lib/secretsmanager-secret/index.js';
import { SecretsmanagerSecretVersion } from '@cdktn/provider-aws/lib/secretsmanager-secret-version/index.js';
import { SfnStateMachine } from '@cdktn/provider-aws/lib/sfn-state-machine/index.js';
import { SnsTopic } from '@cdktn/provider-aws/lib/sns-topic/index.js';
import { SnsTopicSubscription } from '@cdktn/provider-aws/lib/sns-topic-subscription/index.js';
import { SqsQueue } from '@cdktn/provider-aws/lib/sqs-queue/index.js';
import { SqsQueuePolicy } from '@cdktn/provider-aws/lib/sqs-queue-policy/index.js';
import { type ITerraformDependable, S3Backend, TerraformOutput, TerraformStack } from 'cdktn';
import type { Construct } from 'constructs';
import type { LambdaArtifact } from '../config/artifacts.js';
import { type Environment, STAGES, type Stage } from '../config/environment.js';
import { lambdaSizing, STAGE_DEFAULTS } from '../config/lambda-sizing.js';
import {
  type FunctionKind,
  type Names,
  namesFor,
  type QueueKind,
  type WorkflowKind,
} from '../config/naming.js';
import { AisawsFunction } from '../constructs/aisaws-function.js';
import type { EventRuleSpec } from '../events/rules.js';
import { backtestFunctionStatements, backtestWorkflowStatements } from '../iam/backtest-permissions.js';
import { type PolicyStatement, policyJson, serviceTrustPolicy } from '../iam/policy-document.js';
import { rollbackRoleStatements, stageStatements } from '../iam/stage-permissions.js';
import { applyBacktestSettings } from '../workflows/backtest-settings.js';
import { loadWorkflowDefinition } from '../workflows/definition.js';
import { statementsForDefinition } from '../workflows/permissions.js';
import { applyRollbackWindow } from '../workflows/rollback-settings.js';
import {
  BACKTEST_RUNS_PREFIX,
  backtestLambdaEnvironment,
  lambdaEnvironment,
  rollbackEnvironment,
} from './lambda-environment.js';

interface SecurityStackProps {
  readonly environment: Environment;
  readonly artifacts: Readonly<Record<Stage, LambdaArtifact>>;
  readonly eventRules: readonly EventRuleSpec[];
  /** The playbooks' forward actions (`permissionsFor()`): the remediation (apply) role's. */
  readonly playbookActions: readonly string[];
  /** The playbooks' rollback actions (`rollbackPermissionsFor()`): the rollback role's, and only its. */
  readonly rollbackActions: readonly string[];
  /** Folder of triage.asl.json, remediation.asl.json and backtest.asl.json. */
  readonly workflowsDir: string;
  /** The backtest Lambda's artifact, when the environment has a backtest. */
  readonly backtestArtifact?: Pick<LambdaArtifact, 'packageName' | 'version' | 'path'>;
}

/**
 * What the account's administrators keep on the key through IAM (listed, not `kms:*`): administration only. Using
 * the key (Decrypt, Encrypt, data keys) is granted per principal below, never to the account as a whole.
 */
const KEY_ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListAliases',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/** The services that encrypt AISAWS stores with the key on behalf of a caller (deploys, readers of the archive). */
const KEY_SERVICES = ['dynamodb', 'lambda', 'logs', 's3', 'secretsmanager', 'sns', 'sqs', 'states'];

/** What an AISAWS role does with the key: decrypt what it reads, make data keys for what it writes. */
const KEY_USE_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'];

/** Step Functions' vended-logs delivery: these actions support no resource-level permission (`*` required). */
const LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:UpdateLogDelivery',
];

/**
 * The security-account stack of one environment: everything AISAWS runs on. Output:
 * `cdktf.out/stacks/<env>/cdk.tf.json`.
 */
class SecurityStack extends TerraformStack {
  readonly names: Names;
  readonly functions: Readonly<Record<Stage, AisawsFunction>>;
  /** The rollback function: `rollback.handler` of the remediation zip, with the rollback role. */
  readonly rollback: AisawsFunction;

  constructor(scope: Construct, id: string, props: SecurityStackProps) {
    super(scope, id);
    const { environment } = props;
    const names = namesFor(environment);
    this.names = names;
    const account = environment.accounts.security;

    new S3Backend(this, {
      bucket: environment.backend.bucket,
      key: environment.backend.key,
      region: environment.backend.region,
      dynamodbTable: environment.backend.lockTable,
      encrypt: true,
    });
    new AwsProvider(this, 'aws', {
      region: environment.region,
      allowedAccountIds: [account],
      defaultTags: [{ tags: { 'aisaws:environment': environment.name, 'aisaws:managed-by': 'cdktn' } }],
    });

    // --- Encryption: one customer-managed key, rotated yearly, for every store of this environment. Its policy
    // names each principal that uses it, so it is set once the roles exist (end of this constructor).
    const key = new KmsKey(this, 'key', {
      description: `AISAWS ${environment.name}: tables, archive, queues, topic, logs, parameters, Lambda environment`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    });
    new KmsAlias(this, 'key-alias', { name: `alias/${names.prefix}`, targetKeyId: key.keyId });

    // --- Storage: the DynamoDB tables of the runtime contract (core/storage), PITR + SSE-KMS + TTL.
    const tables = Object.fromEntries(
      Object.values(TABLES).map((definition) => [
        definition.logicalName,
        createTable(this, names, definition, key.arn, environment.deletionProtection),
      ]),
    ) as Record<keyof typeof TABLES, DynamodbTable>;

    const archive = createArchiveBucket(this, names, environment, key.arn);

    // --- Messaging: alerts topic, quarantine queue, EventBridge dead-letter queue.
    const topic = new SnsTopic(this, 'alerts', {
      name: names.topicName,
      displayName: `AISAWS ${environment.name}`,
      kmsMasterKeyId: key.arn,
    });
    environment.alertEmails.forEach((email, index) => {
      new SnsTopicSubscription(this, `alert-email-${index}`, {
        topicArn: topic.arn,
        protocol: 'email',
        endpoint: email,
      });
    });
    const quarantine = new SqsQueue(this, 'quarantine', {
      name: names.queueName('quarantine'),
      kmsMasterKeyId: key.arn,
      kmsDataKeyReusePeriodSeconds: 300,
      messageRetentionSeconds: 1_209_600,
    });
    const eventsDlq = new SqsQueue(this, 'events-dlq', {
      name: names.queueName('events-dlq'),
      kmsMasterKeyId: key.arn,
      kmsDataKeyReusePeriodSeconds: 300,
      messageRetentionSeconds: 1_209_600,
    });
    // Alerts SNS refused, kept for the reconcile job; and what the reconcile job gave up on, kept for a person.
    for (const kind of ['alert-outbox', 'parked'] as const)
      new SqsQueue(this, kind, {
        name: names.queueName(kind),
        kmsMasterKeyId: key.arn,
        kmsDataKeyReusePeriodSeconds: 300,
        messageRetentionSeconds: 1_209_600,
        // Longer than the reconcile Lambda's timeout, so a message it holds is not read twice at once.
        visibilityTimeoutSeconds: 360,
      });

    // --- Approval signing key: generated at apply time by Secrets Manager (an ephemeral resource: never in the plan
    // or the state) and written write-only; raising approvalSigningKeyVersion writes a new one (the rotation).
    const signingKey = new SecretsmanagerSecret(this, 'approval-signing-key', {
      name: names.signingKeySecretName,
      description:
        'HMAC key signing the AISAWS approve/reject links (generated at deploy, never in Terraform state)',
      kmsKeyId: key.arn,
      recoveryWindowInDays: 7,
    });
    const generatedKey = new EphemeralAwsSecretsmanagerRandomPassword(this, 'approval-signing-key-value', {
      passwordLength: 64,
      excludePunctuation: true,
    });
    new SecretsmanagerSecretVersion(this, 'approval-signing-key-version', {
      secretId: signingKey.id,
      secretStringWo: generatedKey.randomPassword,
      secretStringWoVersion: environment.approvalSigningKeyVersion,
    });

    // --- Lambdas. The approval URL is created first so Alert can sign links that point at it.
    const artifactOf = (stage: Stage) => props.artifacts[stage];
    const settingsOf = (stage: Stage) => lambdaSizing(environment, stage);
    const permissionInputs = {
      names,
      keyArn: key.arn,
      playbookActions: props.playbookActions,
      rollbackActions: props.rollbackActions,
      memberAccounts: environment.accounts.members,
    };
    // The only principal holding the un-fix actions: the execution role of the rollback function (`rollback.handler`
    // of the remediation zip), which acts only on a signed RollbackApproval it verifies itself. Trusted by the member
    // rollback roles, and by nothing else. No resource policy: only principals granted lambda:InvokeFunction on it in
    // this account can invoke it; no AISAWS role is.
    const rollback = new AisawsFunction(this, 'rollback', {
      stage: 'rollback',
      names,
      artifact: artifactOf('remediation'),
      handler: 'rollback.handler',
      statements: rollbackRoleStatements(permissionInputs),
      environment: rollbackEnvironment({
        environmentName: environment.name,
        names,
        externalId: environment.externalId,
      }),
      keyArn: key.arn,
      logRetentionDays: environment.logRetentionDays,
      ...settingsOf('remediation'),
      // One rollback at a time: rollbacks are rare, human-approved, and never a burst.
      reservedConcurrency: 1,
    });
    this.rollback = rollback;
    // AISAWS's self-identity: the exact ARNs of the roles this environment deploys, for the Lambdas that detect.
    const selfRoleArns = names.selfRoleArns(environment.accounts.members, {
      backtest: props.backtestArtifact !== undefined && environment.backtest !== undefined,
    });
    const build = (stage: Stage, approvalUrl: string) =>
      new AisawsFunction(this, stage, {
        stage,
        names,
        artifact: artifactOf(stage),
        statements: stageStatements(stage, permissionInputs),
        environment: lambdaEnvironment(stage, {
          environmentName: environment.name,
          names,
          approvalUrl,
          policyJson: JSON.stringify(environment.policy),
          externalId: environment.externalId,
          memberAccounts: environment.accounts.members,
          selfRoleArns,
        }),
        keyArn: key.arn,
        logRetentionDays: environment.logRetentionDays,
        ...settingsOf(stage),
        ...(stage === 'remediation' ? { reservedConcurrency: environment.remediationConcurrency } : {}),
        ...(stage === 'approval' ? { reservedConcurrency: environment.approvalConcurrency } : {}),
        // One reconcile run at a time: a manual invoke during a scheduled run is throttled, never doubled.
        ...(stage === 'reconcile' ? { reservedConcurrency: 1 } : {}),
      });

    const approval = build('approval', '');
    // Auth NONE on purpose: the link's HMAC signature (checked by the Approval Lambda) is the authentication,
    // so an approver needs no AWS identity. Reserved concurrency caps what an anonymous caller can cost.
    const approvalUrl = new LambdaFunctionUrl(this, 'approval-url', {
      functionName: approval.function.functionName,
      qualifier: approval.alias.name,
      authorizationType: 'NONE',
      invokeMode: 'BUFFERED',
    });
    new LambdaPermission(this, 'approval-url-invoke-url', {
      statementId: 'PublicFunctionUrlSignedLinksOnly',
      action: 'lambda:InvokeFunctionUrl',
      functionName: approval.function.functionName,
      qualifier: approval.alias.name,
      principal: '*',
      functionUrlAuthType: 'NONE',
    });
    new LambdaPermission(this, 'approval-url-invoke-function', {
      statementId: 'PublicFunctionUrlInvokeViaUrlOnly',
      action: 'lambda:InvokeFunction',
      functionName: approval.function.functionName,
      qualifier: approval.alias.name,
      principal: '*',
      invokedViaFunctionUrl: true,
    });

    const built: Partial<Record<Stage, AisawsFunction>> = { approval };
    for (const stage of STAGES)
      if (stage !== 'approval') built[stage] = build(stage, approvalUrl.functionUrl);
    this.functions = built as Record<Stage, AisawsFunction>;

    // --- Workflows: the ASL files with their placeholders replaced by this environment's ARNs and names.
    const placeholders = {
      IngestFunctionArn: names.aliasArn('ingest'),
      ScoringFunctionArn: names.aliasArn('scoring'),
      DecisionFunctionArn: names.aliasArn('decision'),
      RemediationFunctionArn: names.aliasArn('remediation'),
      VerificationFunctionArn: names.aliasArn('verification'),
      AlertFunctionArn: names.aliasArn('alert'),
      FindingsFunctionArn: names.aliasArn('findings'),
      RollbackFunctionArn: names.aliasArn('rollback'),
      RemediationStateMachineArn: names.stateMachineArn('remediation'),
      RollbackStateMachineArn: names.stateMachineArn('rollback'),
      EventsTableName: names.tableName('events'),
      QuarantineQueueUrl: `https://sqs.${environment.region}.amazonaws.com/${account}/${names.queueName('quarantine')}`,
      ApprovalTimeoutSeconds: environment.policy.approvalTimeoutMinutes * 60,
    };
    const aliases = STAGES.map((stage) => this.functions[stage].alias);
    // The rollback workflow: the only principal allowed to invoke the rollback function is its role (granted by the
    // definition's Roll Back task, nothing else); the remediation workflow starts it after VERIFIED.
    const { machine: rollbackWorkflow, role: rollbackWorkflowRole } = createStateMachine(this, 'rollback', {
      names,
      environment,
      keyArn: key.arn,
      type: 'STANDARD',
      definition: applyRollbackWindow(
        loadWorkflowDefinition(`${props.workflowsDir}/rollback.asl.json`, placeholders),
        environment.rollbackWindowHours,
      ),
      dependsOn: [this.functions.alert.alias, this.functions.findings.alias, rollback.alias, tables.events],
    });
    const { machine: remediation, role: remediationWorkflowRole } = createStateMachine(this, 'remediation', {
      names,
      environment,
      keyArn: key.arn,
      type: 'STANDARD',
      definition: loadWorkflowDefinition(`${props.workflowsDir}/remediation.asl.json`, placeholders),
      dependsOn: [...aliases, tables.events, rollbackWorkflow],
    });
    const { machine: triage, role: triageWorkflowRole } = createStateMachine(this, 'triage', {
      names,
      environment,
      keyArn: key.arn,
      type: 'EXPRESS',
      definition: loadWorkflowDefinition(`${props.workflowsDir}/triage.asl.json`, placeholders),
      dependsOn: [...aliases, remediation, quarantine],
    });

    // --- Event routing: the catalog's rules → triage (EXPRESS), retried, failures to the DLQ.
    const targetRole = new IamRole(this, 'events-role', {
      name: names.roleName('events'),
      description: 'EventBridge starting the AISAWS triage workflow',
      assumeRolePolicy: serviceTrustPolicy('events.amazonaws.com', account),
    });
    new IamRolePolicy(this, 'events-role-policy', {
      name: `${names.prefix}-events-least-privilege`,
      role: targetRole.id,
      policy: policyJson([
        {
          sid: 'StartTriage',
          actions: ['states:StartExecution'],
          resources: [names.stateMachineArn('triage')],
        },
        // The triage state machine is encrypted with the AISAWS key: starting it encrypts the input.
        { sid: 'UseAisawsKey', actions: KEY_USE_ACTIONS, resources: [key.arn] },
      ]),
    });
    const rules = props.eventRules.map((spec) => {
      const rule = new CloudwatchEventRule(this, `rule-${spec.id}`, {
        name: `${names.prefix}-${spec.id}`,
        description: spec.description,
        eventPattern: JSON.stringify(spec.pattern),
        state: spec.state,
      });
      new CloudwatchEventTarget(this, `rule-${spec.id}-target`, {
        rule: rule.name,
        targetId: 'triage',
        arn: triage.arn,
        roleArn: targetRole.arn,
        retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 20 },
        deadLetterConfig: { arn: eventsDlq.arn },
      });
      return rule;
    });
    new SqsQueuePolicy(this, 'events-dlq-policy', {
      queueUrl: eventsDlq.url,
      policy: policyJson([
        {
          sid: 'EventBridgeDeadLetters',
          principals: { Service: 'events.amazonaws.com' },
          actions: ['sqs:SendMessage'],
          resources: [names.queueArn('events-dlq')],
          conditions: { ArnEquals: { 'aws:SourceArn': rules.map((rule) => rule.arn) } },
        },
      ]),
    });
    if (environment.accounts.members.length > 0)
      new CloudwatchEventBusPolicy(this, 'bus-policy', {
        eventBusName: 'default',
        policy: policyJson([
          {
            sid: 'MemberAccountsForwardCloudTrail',
            principals: { AWS: environment.accounts.members.map((member) => `arn:aws:iam::${member}:root`) },
            actions: ['events:PutEvents'],
            resources: [`arn:aws:events:${environment.region}:${account}:event-bus/default`],
            ...(environment.accounts.organizationId
              ? {
                  conditions: { StringEquals: { 'aws:PrincipalOrgID': environment.accounts.organizationId } },
                }
              : {}),
          },
        ]),
      });

    createAlarms(this, names, topic.arn, [...STAGES, 'rollback'], ['quarantine', 'events-dlq', 'parked']);

    // --- Reconcile: every 15 minutes (and by hand) the reconcile Lambda replays the DLQs and sends the outbox.
    const schedulerRole = createReconcileSchedule(this, names, key.arn, this.functions.reconcile);

    const backtestRoles = props.backtestArtifact
      ? createBacktest(this, {
          names,
          environment,
          keyArn: key.arn,
          artifact: props.backtestArtifact,
          workflowsDir: props.workflowsDir,
          dependsOn: [archive],
          selfRoleArns,
        })
      : [];

    key.policy = policyJson(
      keyPolicyStatements(names, [
        ...STAGES.map((stage) => this.functions[stage].role.arn),
        rollback.role.arn,
        triageWorkflowRole.arn,
        remediationWorkflowRole.arn,
        rollbackWorkflowRole.arn,
        targetRole.arn,
        schedulerRole.arn,
        ...backtestRoles.map((role) => role.arn),
      ]),
    );

    new TerraformOutput(this, 'approval_url', { value: approvalUrl.functionUrl });
    new TerraformOutput(this, 'archive_bucket', { value: archive.bucket });
    new TerraformOutput(this, 'alerts_topic_arn', { value: topic.arn });
    new TerraformOutput(this, 'triage_state_machine_arn', { value: triage.arn });
  }
}

/**
 * The key policy, per principal: the account administers the key through IAM and may use it only through the AWS
 * services that store AISAWS data; each AISAWS role may decrypt and make data keys; CloudWatch Logs, CloudWatch and
 * EventBridge encrypt what they deliver. No AISAWS role may disable, re-policy or schedule the deletion of the key,
 * whatever its IAM policy says.
 */
function keyPolicyStatements(names: Names, aisawsRoleArns: readonly string[]): PolicyStatement[] {
  const { account, region } = names;
  return [
    {
      sid: 'AccountAdministersThroughIam',
      principals: { AWS: `arn:aws:iam::${account}:root` },
      actions: KEY_ADMIN_ACTIONS,
      resources: ['*'],
    },
    {
      // Deploys create encrypted tables, functions and parameters; people read the archive: always through a service.
      sid: 'AccountUsesKeyOnlyThroughAisawsServices',
      principals: { AWS: `arn:aws:iam::${account}:root` },
      actions: [
        ...KEY_USE_ACTIONS,
        'kms:CreateGrant',
        'kms:Encrypt',
        'kms:GenerateDataKeyWithoutPlaintext',
        'kms:ReEncryptFrom',
        'kms:ReEncryptTo',
      ],
      resources: ['*'],
      conditions: {
        StringEquals: {
          'kms:ViaService': KEY_SERVICES.map((service) => `${service}.${region}.amazonaws.com`),
        },
      },
    },
    {
      sid: 'AisawsRolesUseKey',
      principals: { AWS: [...aisawsRoleArns] },
      actions: KEY_USE_ACTIONS,
      resources: ['*'],
    },
    {
      sid: 'NoAisawsRoleDisablesOrDeletesKey',
      effect: 'Deny',
      principals: { AWS: '*' },
      actions: ['kms:DisableKey', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion'],
      resources: ['*'],
      // Exact ARNs (not `aisaws-*`): a deploy role that happens to share the prefix keeps administering the key.
      conditions: { ArnEquals: { 'aws:PrincipalArn': [...aisawsRoleArns] } },
    },
    {
      // DescribeKey carries no encryption context, so under this condition it could never be allowed: not listed.
      sid: 'CloudWatchLogsEncryptsAisawsLogGroups',
      principals: { Service: `logs.${region}.amazonaws.com` },
      actions: [
        'kms:Decrypt',
        'kms:Encrypt',
        'kms:GenerateDataKey',
        'kms:GenerateDataKeyWithoutPlaintext',
        'kms:ReEncryptFrom',
        'kms:ReEncryptTo',
      ],
      resources: ['*'],
      conditions: {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${region}:${account}:log-group:*` },
      },
    },
    {
      // EventBridge writing to the encrypted DLQ and CloudWatch alarms publishing to the encrypted topic.
      sid: 'ServicesWriteToEncryptedQueueAndTopic',
      principals: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': account } },
    },
  ];
}

function createTable(
  scope: Construct,
  names: Names,
  definition: TableDefinition,
  keyArn: string,
  deletionProtection: boolean,
): DynamodbTable {
  const keys = [definition.partitionKey, ...(definition.sortKey ? [definition.sortKey] : [])];
  return new DynamodbTable(scope, `table-${definition.logicalName}`, {
    name: names.tableName(definition.logicalName),
    billingMode: 'PAY_PER_REQUEST',
    hashKey: definition.partitionKey.name,
    ...(definition.sortKey ? { rangeKey: definition.sortKey.name } : {}),
    attribute: keys.map((key) => ({ name: key.name, type: key.type })),
    // PITR on every table, whatever the core default: cheap at AISAWS volumes, and state/baseline loss would
    // reset rate limits, approvals and behaviour baselines.
    pointInTimeRecovery: { enabled: true },
    serverSideEncryption: { enabled: true, kmsKeyArn: keyArn },
    ttl: { attributeName: definition.ttlAttribute, enabled: true },
    deletionProtectionEnabled: deletionProtection,
    tags: { 'aisaws:table': definition.logicalName },
  });
}

function createArchiveBucket(
  scope: Construct,
  names: Names,
  environment: Environment,
  keyArn: string,
): S3Bucket {
  const bucket = new S3Bucket(scope, 'archive', { bucket: names.archiveBucketName });
  new S3BucketPublicAccessBlock(scope, 'archive-public-access-block', {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(scope, 'archive-ownership', {
    bucket: bucket.id,
    rule: { objectOwnership: 'BucketOwnerEnforced' },
  });
  new S3BucketServerSideEncryptionConfigurationA(scope, 'archive-encryption', {
    bucket: bucket.id,
    rule: [
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: keyArn },
        bucketKeyEnabled: true,
      },
    ],
  });
  const versioning = new S3BucketVersioningA(scope, 'archive-versioning', {
    bucket: bucket.id,
    versioningConfiguration: { status: 'Enabled' },
  });
  new S3BucketLifecycleConfiguration(scope, 'archive-lifecycle', {
    bucket: bucket.id,
    dependsOn: [versioning],
    rule: [
      {
        id: 'raw-events',
        status: 'Enabled',
        filter: [{ prefix: 'raw/' }],
        transition: [{ days: environment.archive.transitionDays, storageClass: 'GLACIER_IR' }],
        expiration: [{ days: environment.archive.expirationDays }],
        noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
      },
      {
        id: 'quarantine',
        status: 'Enabled',
        filter: [{ prefix: 'quarantine/' }],
        expiration: [{ days: environment.archive.expirationDays }],
        noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
      },
      {
        id: 'backtest',
        status: 'Enabled',
        filter: [{ prefix: 'backtest/' }],
        expiration: [{ days: environment.archive.expirationDays }],
        noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
      },
      {
        id: 'abort-incomplete-uploads',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
      },
    ],
  });
  new S3BucketPolicy(scope, 'archive-policy', {
    bucket: bucket.id,
    policy: policyJson([
      {
        sid: 'DenyInsecureTransport',
        effect: 'Deny',
        principals: { AWS: '*' },
        actions: ['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject'],
        resources: [names.archiveBucketArn, `${names.archiveBucketArn}/*`],
        conditions: { Bool: { 'aws:SecureTransport': false } },
      },
      {
        sid: 'DenyOldTls',
        effect: 'Deny',
        principals: { AWS: '*' },
        actions: ['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject'],
        resources: [names.archiveBucketArn, `${names.archiveBucketArn}/*`],
        conditions: { NumericLessThan: { 's3:TlsVersion': '1.2' } },
      },
    ]),
  });
  return bucket;
}

interface StateMachineProps {
  readonly names: Names;
  readonly environment: Environment;
  readonly keyArn: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly definition: string;
  readonly dependsOn: readonly ITerraformDependable[];
  /** What the role needs beyond the Task integrations of the definition (e.g. a Distributed Map's S3 access). */
  readonly statements?: readonly PolicyStatement[];
}

function createStateMachine(
  scope: Construct,
  kind: WorkflowKind,
  props: StateMachineProps,
): { machine: SfnStateMachine; role: IamRole } {
  const { names } = props;
  const logGroup = new CloudwatchLogGroup(scope, `${kind}-log-group`, {
    name: `/aws/vendedlogs/states/${names.stateMachineName(kind)}`,
    retentionInDays: props.environment.logRetentionDays,
    kmsKeyId: props.keyArn,
  });
  const role = new IamRole(scope, `${kind}-role`, {
    name: names.roleName(`${kind}-workflow`),
    description: `Role of the ${names.stateMachineName(kind)} state machine`,
    assumeRolePolicy: serviceTrustPolicy('states.amazonaws.com', names.account),
  });
  const statements: PolicyStatement[] = [
    ...statementsForDefinition(props.definition, { region: names.region, account: names.account }),
    ...(props.statements ?? []),
    // Queue and table are encrypted with the AISAWS key.
    { sid: 'UseAisawsKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.keyArn] },
    { sid: 'VendedLogsDeliveryNoResourceLevel', actions: LOG_DELIVERY_ACTIONS, resources: ['*'] },
  ];
  const policy = new IamRolePolicy(scope, `${kind}-role-policy`, {
    name: `${names.stateMachineName(kind)}-workflow-least-privilege`,
    role: role.id,
    policy: policyJson(statements),
  });
  const machine = new SfnStateMachine(scope, `${kind}-state-machine`, {
    name: names.stateMachineName(kind),
    type: props.type,
    roleArn: role.arn,
    definition: props.definition,
    // Definition, inputs and execution history encrypted with the AISAWS key, not an AWS-owned one.
    encryptionConfiguration: {
      type: 'CUSTOMER_MANAGED_KMS_KEY',
      kmsKeyId: props.keyArn,
      kmsDataKeyReusePeriodSeconds: 300,
    },
    loggingConfiguration: {
      logDestination: `${logGroup.arn}:*`,
      // EXPRESS keeps no execution history: its logs are the only trace, so every event is logged (ALL). Without
      // its data: the triage input is the event as AWS delivered it, credentials and session tokens included
      // (AssumeRole, GetFederationToken …), and nothing can redact it before Step Functions logs it. The event is
      // archived redacted by Ingest (S3), which is where an investigation reads it.
      level: props.type === 'EXPRESS' ? 'ALL' : 'ERROR',
      includeExecutionData: false,
    },
    dependsOn: [...props.dependsOn, policy],
  });
  return { machine, role };
}

interface BacktestProps {
  readonly names: Names;
  readonly environment: Environment;
  readonly keyArn: string;
  readonly artifact: Pick<LambdaArtifact, 'packageName' | 'version' | 'path'>;
  readonly workflowsDir: string;
  readonly dependsOn: readonly ITerraformDependable[];
  readonly selfRoleArns: readonly string[];
}

/** The policy with the deployed roles added to its self-identity (the policy file's own entries kept). */
function withSelfIdentity(
  policy: Environment['policy'],
  selfRoleArns: readonly string[],
): Environment['policy'] {
  const roleArns = [...new Set([...policy.selfIdentity.roleArns, ...selfRoleArns])].sort();
  return { ...policy, selfIdentity: { roleArns } };
}

/**
 * The backtest: its Lambda (`@aisaws/lambda-backtest`) and the STANDARD state machine of backtest.asl.json, a
 * Distributed Map over the organisation's CloudTrail bucket. Returns the two roles (they use the AISAWS key).
 */
function createBacktest(scope: Construct, props: BacktestProps): IamRole[] {
  const { names, environment, keyArn } = props;
  const backtest = environment.backtest;
  if (!backtest) return [];
  const fn = new AisawsFunction(scope, 'backtest', {
    stage: 'backtest',
    names,
    artifact: props.artifact,
    statements: backtestFunctionStatements(names, backtest, keyArn),
    environment: backtestLambdaEnvironment({
      environmentName: environment.name,
      names,
      policyJson: JSON.stringify(withSelfIdentity(environment.policy, props.selfRoleArns)),
    }),
    keyArn,
    logRetentionDays: environment.logRetentionDays,
    memoryMb: backtest.lambda.memoryMb ?? 1024,
    timeoutSeconds: backtest.lambda.timeoutSeconds ?? 300,
  });
  const definition = applyBacktestSettings(
    loadWorkflowDefinition(`${props.workflowsDir}/backtest.asl.json`, {
      CloudTrailBucketName: backtest.cloudTrailBucket,
      BacktestFunctionArn: names.aliasArn('backtest'),
      BacktestResultsBucketName: names.archiveBucketName,
      BacktestRunsPrefix: BACKTEST_RUNS_PREFIX,
    }),
    backtest,
  );
  const { role } = createStateMachine(scope, 'backtest', {
    names,
    environment,
    keyArn,
    type: 'STANDARD',
    definition,
    statements: backtestWorkflowStatements(names, backtest),
    dependsOn: [fn.alias, ...props.dependsOn],
  });
  return [fn.role, role];
}

/**
 * EventBridge Scheduler invokes the reconcile Lambda's `live` alias every 15 minutes with `{}`, through a role that
 * may invoke only that alias; an invocation it cannot make after its retries goes to the parked queue (a person
 * looks there; the next tick runs anyway).
 */
function createReconcileSchedule(
  scope: Construct,
  names: Names,
  keyArn: string,
  reconcile: AisawsFunction,
): IamRole {
  const role = new IamRole(scope, 'reconcile-scheduler-role', {
    name: names.roleName('reconcile-scheduler'),
    description: `EventBridge Scheduler invoking ${names.functionName('reconcile')} every 15 minutes`,
    assumeRolePolicy: serviceTrustPolicy('scheduler.amazonaws.com', names.account),
  });
  const policy = new IamRolePolicy(scope, 'reconcile-scheduler-role-policy', {
    name: `${names.prefix}-reconcile-scheduler-least-privilege`,
    role: role.id,
    policy: policyJson([
      {
        sid: 'InvokeReconcile',
        actions: ['lambda:InvokeFunction'],
        resources: [names.aliasArn('reconcile')],
      },
      // Scheduler writes its dead letters with this role, into the encrypted parked queue.
      { sid: 'ParkUndeliveredTicks', actions: ['sqs:SendMessage'], resources: [names.queueArn('parked')] },
      { sid: 'UseAisawsKey', actions: KEY_USE_ACTIONS, resources: [keyArn] },
    ]),
  });
  new SchedulerSchedule(scope, 'reconcile-schedule', {
    name: `${names.prefix}-reconcile`,
    description: 'Replays the dead-letter queues and sends the alert outbox (AISAWS reconcile job)',
    scheduleExpression: 'rate(15 minutes)',
    flexibleTimeWindow: { mode: 'OFF' },
    // No customer key for the schedule itself: its only payload is `{}` (the key policy would also have to admit
    // Scheduler as a service the deploy role encrypts through). Its dead letters are encrypted by the parked queue.
    target: {
      arn: names.aliasArn('reconcile'),
      roleArn: role.arn,
      input: '{}',
      retryPolicy: { maximumEventAgeInSeconds: 600, maximumRetryAttempts: 3 },
      deadLetterConfig: { arn: names.queueArn('parked') },
    },
    dependsOn: [reconcile.alias, policy],
  });
  return role;
}

function createAlarms(
  scope: Construct,
  names: Names,
  topicArn: string,
  stages: readonly FunctionKind[],
  queues: readonly QueueKind[],
): void {
  const alarm = (
    id: string,
    props: {
      name: string;
      description: string;
      namespace: string;
      metric: string;
      dimensions: Record<string, string>;
      statistic?: string;
    },
  ) =>
    new CloudwatchMetricAlarm(scope, id, {
      alarmName: props.name,
      alarmDescription: props.description,
      namespace: props.namespace,
      metricName: props.metric,
      dimensions: props.dimensions,
      statistic: props.statistic ?? 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [topicArn],
    });
  for (const stage of stages) {
    const functionName = names.functionName(stage);
    // Verification throws NotConvergedError by design (the ASL retries it while the fix propagates): its Errors
    // metric is not a failure signal. A verification that never converges fails the remediation execution, which
    // the ExecutionsFailed alarm below reports.
    if (stage !== 'verification')
      alarm(`alarm-${stage}-errors`, {
        name: `${functionName}-errors`,
        description: `${functionName} returned errors`,
        namespace: 'AWS/Lambda',
        metric: 'Errors',
        dimensions: { FunctionName: functionName },
      });
    alarm(`alarm-${stage}-throttles`, {
      name: `${functionName}-throttles`,
      description: `${functionName} was throttled (reserved concurrency or account limit)`,
      namespace: 'AWS/Lambda',
      metric: 'Throttles',
      dimensions: { FunctionName: functionName },
    });
  }
  // Every rollback is rare and human-approved: each invocation (approved, refused or forged) reaches the security team.
  if (stages.includes('rollback'))
    alarm('alarm-rollback-invoked', {
      name: `${names.functionName('rollback')}-invoked`,
      description: `${names.functionName('rollback')} was invoked: a rollback was attempted (see its log and the events item)`,
      namespace: 'AWS/Lambda',
      metric: 'Invocations',
      dimensions: { FunctionName: names.functionName('rollback') },
    });
  for (const kind of ['triage', 'remediation', 'rollback'] as const) {
    const arn = names.stateMachineArn(kind);
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionThrottled'])
      alarm(`alarm-${kind}-${metric}`, {
        name: `${names.stateMachineName(kind)}-${metric}`,
        description: `${names.stateMachineName(kind)}: ${metric}`,
        namespace: 'AWS/States',
        metric,
        dimensions: { StateMachineArn: arn },
      });
  }
  for (const queue of queues)
    alarm(`alarm-${queue}-depth`, {
      name: `${names.queueName(queue)}-not-empty`,
      description: `Messages wait in ${names.queueName(queue)}: events were not processed or were quarantined`,
      namespace: 'AWS/SQS',
      metric: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: names.queueName(queue) },
      statistic: 'Maximum',
    });
}

export type { SecurityStackProps };
export { SecurityStack, STAGE_DEFAULTS };
