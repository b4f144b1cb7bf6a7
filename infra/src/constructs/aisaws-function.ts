import { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group/index.js';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy/index.js';
import { LambdaAlias } from '@cdktn/provider-aws/lib/lambda-alias/index.js';
import { LambdaFunction } from '@cdktn/provider-aws/lib/lambda-function/index.js';
import { Fn } from 'cdktn';
import { Construct } from 'constructs';
import { artifactPathFromStack, type LambdaArtifact } from '../config/artifacts.js';
import type { FunctionKind, Names } from '../config/naming.js';
import { type PolicyStatement, policyJson, serviceTrustPolicy } from '../iam/policy-document.js';

interface AisawsFunctionProps {
  readonly stage: FunctionKind;
  readonly names: Names;
  readonly artifact: Pick<LambdaArtifact, 'packageName' | 'version' | 'path'>;
  readonly statements: readonly PolicyStatement[];
  readonly environment: Readonly<Record<string, string>>;
  readonly keyArn: string;
  readonly logRetentionDays: number;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Reserved concurrency, only where it protects (remediation blast radius, public approval URL). */
  readonly reservedConcurrency?: number;
  /** The entry point in the zip; `index.handler` unless a package ships a second function (the rollback function). */
  readonly handler?: string;
}

/**
 * One AISAWS Lambda: its own role with an inline least-privilege policy, its KMS-encrypted log group with
 * retention, the function (nodejs24.x, arm64, published, environment encrypted with the AISAWS key) built from the
 * versioned artifact, and the `live` alias the workflows invoke.
 */
class AisawsFunction extends Construct {
  readonly role: IamRole;
  readonly function: LambdaFunction;
  readonly alias: LambdaAlias;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: AisawsFunctionProps) {
    super(scope, id);
    const { stage, names, artifact } = props;
    const functionName = names.functionName(stage);

    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: names.lambdaLogGroupName(stage),
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.keyArn,
    });

    this.role = new IamRole(this, 'role', {
      name: names.roleName(stage),
      description: `Execution role of ${functionName}`,
      assumeRolePolicy: serviceTrustPolicy('lambda.amazonaws.com'),
    });
    const policy = new IamRolePolicy(this, 'policy', {
      name: `${functionName}-least-privilege`,
      role: this.role.id,
      policy: policyJson(props.statements),
    });

    const path = artifactPathFromStack(artifact);
    this.function = new LambdaFunction(this, 'function', {
      functionName,
      description: `AISAWS ${stage} (${artifact.packageName}@${artifact.version})`,
      role: this.role.arn,
      filename: path,
      sourceCodeHash: Fn.filebase64sha256(path),
      handler: props.handler ?? 'index.handler',
      runtime: 'nodejs24.x',
      architectures: ['arm64'],
      memorySize: props.memoryMb,
      timeout: props.timeoutSeconds,
      publish: true,
      kmsKeyArn: props.keyArn,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: { variables: { ...props.environment } },
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name },
      tags: {
        'aisaws:stage': stage,
        'aisaws:package': artifact.packageName,
        'aisaws:version': artifact.version,
      },
      dependsOn: [this.logGroup, policy],
    });

    this.alias = new LambdaAlias(this, 'live', {
      name: 'live',
      description: `${artifact.packageName}@${artifact.version}`,
      functionName: this.function.functionName,
      functionVersion: this.function.version,
    });
  }
}

export type { AisawsFunctionProps };
export { AisawsFunction };
