import type { PolicyStatement } from './policy-document.js';

/**
 * AISAWS's own resources, protected from AISAWS's own playbook roles by explicit Denies. A role that can act on any
 * resource an event names (`*`) could otherwise be steered into AISAWS itself: re-grant its own role, schedule its
 * own key's deletion, open its own archive bucket, stop its own workflows. A Deny wins over every Allow, so the
 * playbooks keep `*` for everyone else's resources.
 */

/** The IAM actions that only read: never worth denying. */
const isReadOnlyAction = (action: string): boolean =>
  /^[a-z0-9-]+:(?:Get|Describe|List|Head)[A-Za-z0-9]*$/.test(action);

/** IAM actions on AISAWS roles denied whether or not any playbook declares them (role takeover). */
const ROLE_TAKEOVER_ACTIONS = [
  'iam:AttachRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:DeleteRolePermissionsBoundary',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:PutRolePolicy',
  'iam:UpdateAssumeRolePolicy',
];

/** Destructive actions on the AISAWS key, denied to every AISAWS role. */
const KEY_DESTRUCTION_ACTIONS = ['kms:DisableKey', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion'];

interface OwnResources {
  readonly account: string;
  /** The AISAWS key of the security account (exact ARN; absent in member accounts, which hold no AISAWS key). */
  readonly keyArn?: string;
}

/**
 * Every AISAWS resource of one account, by ARN pattern. Names start with `aisaws-` (infra/src/config/naming.ts);
 * the pattern covers every environment, so dev's roles cannot reach prod's either.
 */
function ownResourceArns({ account, keyArn }: OwnResources): string[] {
  return [
    `arn:aws:iam::${account}:role/aisaws-*`,
    `arn:aws:s3:::aisaws-*`,
    `arn:aws:dynamodb:*:${account}:table/aisaws-*`,
    `arn:aws:sns:*:${account}:aisaws-*`,
    `arn:aws:sqs:*:${account}:aisaws-*`,
    `arn:aws:lambda:*:${account}:function:aisaws-*`,
    `arn:aws:states:*:${account}:stateMachine:aisaws-*`,
    `arn:aws:events:*:${account}:rule/aisaws-*`,
    `arn:aws:ssm:*:${account}:parameter/aisaws/*`,
    `arn:aws:logs:*:${account}:log-group:/aws/lambda/aisaws-*`,
    ...(keyArn ? [keyArn] : []),
  ];
}

/**
 * The Deny statement of a playbook role: every write the role is allowed (plus role takeover and key destruction)
 * is denied on AISAWS's own resources.
 */
function protectOwnResources(
  sid: string,
  allowedActions: readonly string[],
  resources: OwnResources,
): PolicyStatement {
  return {
    sid,
    effect: 'Deny',
    actions: [
      ...new Set([
        ...allowedActions.filter((action) => !isReadOnlyAction(action)),
        ...ROLE_TAKEOVER_ACTIONS,
        ...KEY_DESTRUCTION_ACTIONS,
      ]),
    ],
    resources: ownResourceArns(resources),
  };
}

export type { OwnResources };
export {
  isReadOnlyAction,
  KEY_DESTRUCTION_ACTIONS,
  ownResourceArns,
  protectOwnResources,
  ROLE_TAKEOVER_ACTIONS,
};
