import { OrganizationsPolicy } from '@cdktn/provider-aws/lib/organizations-policy/index.js';
import { OrganizationsPolicyAttachment } from '@cdktn/provider-aws/lib/organizations-policy-attachment/index.js';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider/index.js';
import { S3Backend, TerraformStack } from 'cdktn';
import type { Construct } from 'constructs';
import type { Environment } from '../config/environment.js';
import { MEMBER_ROLE_CALLERS, namesFor } from '../config/naming.js';
import { guardrailStatements } from '../iam/guardrails.js';
import { policyJson } from '../iam/policy-document.js';

/** Terraform state key of the guardrails stack, beside the security stack's. */
function guardrailsStateKey(securityKey: string): string {
  return securityKey.replace(/[^/]+\.tfstate$/, 'guardrails.tfstate');
}

/**
 * The organisation guardrail of one environment (`<env>-guardrails`, only when the environment sets `guardrails`):
 * the SCP of `iam/guardrails.ts`, created in the management account and attached to the configured targets.
 */
class GuardrailsStack extends TerraformStack {
  constructor(scope: Construct, id: string, environment: Environment) {
    super(scope, id);
    const guardrails = environment.guardrails;
    if (!guardrails) throw new Error(`environment ${environment.name} has no guardrails`);
    const names = namesFor(environment);
    new S3Backend(this, {
      bucket: environment.backend.bucket,
      key: guardrailsStateKey(environment.backend.key),
      region: environment.backend.region,
      dynamodbTable: environment.backend.lockTable,
      encrypt: true,
    });
    const { managementAccount, deployRoleName } = guardrails;
    new AwsProvider(this, 'aws', {
      region: environment.region,
      allowedAccountIds: [managementAccount],
      ...(deployRoleName
        ? { assumeRole: [{ roleArn: `arn:aws:iam::${managementAccount}:role/${deployRoleName}` }] }
        : {}),
      defaultTags: [{ tags: { 'aisaws:environment': environment.name, 'aisaws:managed-by': 'cdktn' } }],
    });
    const { key, reasonKey } = environment.policy.exemptions.tag;
    const policy = new OrganizationsPolicy(this, 'guardrail-scp', {
      name: `${names.prefix}-guardrail`,
      description: `AISAWS ${environment.name}: only the deploy role changes aisaws-* roles; only AISAWS assumes them; only the allowed tagger sets ${key}`,
      type: 'SERVICE_CONTROL_POLICY',
      content: policyJson(
        guardrailStatements({
          guardrails,
          // Only the function roles that assume a member role (remediation, rollback, verification, decision).
          aisawsCallerRoleArns: [...new Set(Object.values(MEMBER_ROLE_CALLERS))]
            .sort()
            .map((caller) => names.roleArn(caller)),
          exemptionTagKeys: [key, reasonKey],
        }),
      ),
    });
    guardrails.targetIds.forEach((targetId, index) => {
      new OrganizationsPolicyAttachment(this, `guardrail-scp-attachment-${index}`, {
        policyId: policy.id,
        targetId,
      });
    });
  }
}

export { GuardrailsStack, guardrailsStateKey };
