import type { Guardrails } from '../config/environment.js';
import type { PolicyStatement } from './policy-document.js';

/**
 * The organisation guardrail SCP: who may be AISAWS and who may exempt. AISAWS trusts the exact ARNs of its roles
 * (`aisaws-*`) and, when the policy says so, the exemption tag; this SCP makes both trustworthy across the
 * organisation: no one but the deploy role creates, changes, deletes or tags an `aisaws-*` role (so no one recreates
 * AISAWS's role under its ARN), no one but the deploy role and AISAWS's own functions assumes one, and no one but the
 * allowed tagger sets or removes the exemption tag keys.
 */

/** Every IAM action that creates, changes, deletes or tags a role (iam-data checked in the synth test). */
const ROLE_CHANGE_ACTIONS = [
  'iam:AttachRolePolicy',
  'iam:CreateRole',
  'iam:DeleteRole',
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeleteRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:PutRolePolicy',
  'iam:TagRole',
  'iam:UntagRole',
  'iam:UpdateAssumeRolePolicy',
  'iam:UpdateRole',
  'iam:UpdateRoleDescription',
];

/**
 * Tagging actions of the resource types AISAWS acts on that support the `aws:TagKeys` condition, so the SCP can
 * refuse just the exemption keys. `s3:PutBucketTagging` replaces a bucket's whole tag set and has no such condition:
 * bucket exemptions belong in the policy (`exemptions.buckets`), never in a tag.
 */
const TAG_KEY_ACTIONS = [
  'cloudtrail:AddTags',
  'cloudtrail:RemoveTags',
  'ec2:CreateTags',
  'ec2:DeleteTags',
  'guardduty:TagResource',
  'guardduty:UntagResource',
  'iam:TagRole',
  'iam:TagUser',
  'iam:UntagRole',
  'iam:UntagUser',
  'kms:TagResource',
  'kms:UntagResource',
  'lambda:TagResource',
  'lambda:UntagResource',
  'rds:AddTagsToResource',
  'rds:RemoveTagsFromResource',
  's3:TagResource',
  's3:UntagResource',
  'sns:TagResource',
  'sns:UntagResource',
  'sqs:TagQueue',
  'sqs:UntagQueue',
];

const AISAWS_ROLES = 'arn:aws:iam::*:role/aisaws-*';

interface GuardrailInputs {
  readonly guardrails: Guardrails;
  /** The security account's AISAWS function roles that assume a member role (and nothing else may). */
  readonly aisawsCallerRoleArns: readonly string[];
  /** The exemption tag keys of the policy (the tag and its reason). */
  readonly exemptionTagKeys: readonly string[];
}

function guardrailStatements(inputs: GuardrailInputs): PolicyStatement[] {
  const { guardrails } = inputs;
  return [
    {
      sid: 'OnlyDeployRoleChangesAisawsRoles',
      effect: 'Deny',
      actions: ROLE_CHANGE_ACTIONS,
      resources: [AISAWS_ROLES],
      conditions: { ArnNotLike: { 'aws:PrincipalArn': [...guardrails.deployRoleArns] } },
    },
    {
      sid: 'OnlyAisawsAndDeployRoleAssumeAisawsRoles',
      effect: 'Deny',
      actions: ['sts:AssumeRole'],
      resources: [AISAWS_ROLES],
      conditions: {
        ArnNotLike: { 'aws:PrincipalArn': [...guardrails.deployRoleArns, ...inputs.aisawsCallerRoleArns] },
      },
    },
    {
      sid: 'OnlyAllowedTaggerSetsExemptionTag',
      effect: 'Deny',
      actions: TAG_KEY_ACTIONS,
      resources: ['*'],
      conditions: {
        'ForAnyValue:StringEquals': { 'aws:TagKeys': [...inputs.exemptionTagKeys] },
        ArnNotLike: { 'aws:PrincipalArn': [...guardrails.exemptionTaggerArns] },
      },
    },
  ];
}

export type { GuardrailInputs };
export { guardrailStatements, ROLE_CHANGE_ACTIONS, TAG_KEY_ACTIONS };
