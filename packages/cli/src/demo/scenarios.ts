import {
  ADMINISTRATOR_ACCESS,
  ALL_USERS_URI,
  AUTHENTICATED_USERS_URI,
  CHANGE_SCENARIOS,
  type ChangeScenario,
  type ScenarioResource,
  type SimulatedAccount,
} from '@aisaws/simulated-account';

/**
 * The demo scenarios: the change stories of `@aisaws/simulated-account` (each sets up a resource in the simulated
 * account, quietly: these calls are the "before" story; makes ONE risky API call whose CloudTrail record is delivered
 * to the pipeline), with what a person reads: a title, the story in one sentence, and the resource's state for the
 * before/after view. Reads go straight to the simulated state, never through the playbooks.
 */

interface DemoScenario extends ChangeScenario {
  readonly title: string;
  /** What happens, in one sentence, for `--list`. */
  readonly story: string;
  /** The resource's state as a person reads it (before/after). */
  describe(account: SimulatedAccount, resource: ScenarioResource): Record<string, unknown>;
}

/** What `setup` names the demo's resources: `aisaws-demo-…` buckets, a random suffix per run. */
const DEMO_NAME_PREFIX = 'aisaws-demo';

function describeBucket(account: SimulatedAccount, name: string): Record<string, unknown> {
  const bucket = account.bucket(name);
  const exposure = account.bucketExposure(name);
  const publicGrants = bucket.grants
    .filter((grant) => grant.Grantee.Type === 'Group')
    .map((grant) => {
      const uri = grant.Grantee.Type === 'Group' ? grant.Grantee.URI : '';
      const who =
        uri === ALL_USERS_URI ? 'AllUsers' : uri === AUTHENTICATED_USERS_URI ? 'AuthenticatedUsers' : uri;
      return `${grant.Permission} to ${who}`;
    });
  return {
    bucket: name,
    public: exposure.isPublic,
    aclPublicGrants: publicGrants,
    blockPublicAccess: bucket.publicAccessBlock ?? 'none',
    objectOwnership: bucket.objectOwnership ?? 'none',
  };
}

const s3PublicBucket: DemoScenario = {
  ...CHANGE_SCENARIOS['s3-public-bucket'],
  title: 'S3 bucket made public by its ACL',
  story:
    'A developer turns off Block Public Access on a new bucket, enables ACLs and sets the canned ACL public-read (PutBucketAcl).',
  describe: (account, resource) => describeBucket(account, resource.id),
};

const sgOpenWorld: DemoScenario = {
  ...CHANGE_SCENARIOS['sg-open-world'],
  title: 'Security group opens SSH to the world',
  story: 'A developer adds an ingress rule for TCP port 22 from 0.0.0.0/0 (AuthorizeSecurityGroupIngress).',
  describe(account, resource) {
    const group = account.securityGroup(resource.id);
    const ingress = group.rules
      .filter((rule) => !rule.isEgress)
      .map(
        (rule) =>
          `${rule.ipProtocol} ${rule.fromPort === rule.toPort ? rule.fromPort : `${rule.fromPort}-${rule.toPort}`} from ${rule.cidrIpv4 ?? rule.cidrIpv6}`,
      );
    const openToWorld = group.rules.some(
      (rule) => !rule.isEgress && (rule.cidrIpv4 === '0.0.0.0/0' || rule.cidrIpv6 === '::/0'),
    );
    return { groupId: group.groupId, groupName: group.groupName, ingress, openToWorld };
  },
};

const cloudTrailStopped: DemoScenario = {
  ...CHANGE_SCENARIOS['cloudtrail-stopped'],
  title: 'CloudTrail logging stopped',
  story: "Someone stops the organisation's trail (StopLogging), blinding the audit log.",
  describe(account, resource) {
    const trail = account.trail(resource.id);
    return { trail: trail.name, homeRegion: trail.homeRegion, isLogging: trail.isLogging };
  },
};

const ebsSnapshotPublic: DemoScenario = {
  ...CHANGE_SCENARIOS['ebs-snapshot-public'],
  title: 'EBS snapshot shared with everyone',
  story:
    'A database volume snapshot is made public (ModifySnapshotAttribute createVolumePermission add group all).',
  describe(account, resource) {
    const snapshot = account.snapshot(resource.id);
    const createVolumePermissions = snapshot.createVolumePermissions.map((permission) =>
      'Group' in permission ? `group ${permission.Group}` : `account ${permission.UserId}`,
    );
    return {
      snapshotId: snapshot.snapshotId,
      createVolumePermissions,
      public: snapshot.createVolumePermissions.some((permission) => 'Group' in permission),
    };
  },
};

const iamAdminAttached: DemoScenario = {
  ...CHANGE_SCENARIOS['iam-admin-attached'],
  title: 'AdministratorAccess attached to a user (needs approval)',
  story:
    'A developer attaches AdministratorAccess to a contractor user (AttachUserPolicy); detaching it can break work, so a person approves.',
  describe(account, resource) {
    const user = account.user(resource.id);
    return {
      userName: user.userName,
      attachedPolicies: user.attachedPolicyArns.map((arn) => arn.slice(arn.lastIndexOf('/') + 1)),
      administrator: user.attachedPolicyArns.includes(ADMINISTRATOR_ACCESS),
    };
  },
};

const rootLoginNoMfa: DemoScenario = {
  ...CHANGE_SCENARIOS['root-login-no-mfa'],
  title: 'Root user signs in without MFA (alert only)',
  story:
    'The root user signs in to the console without MFA (ConsoleLogin, MFAUsed No). No role can act on root, so the decision is ALERT: nothing is changed, a person gets an e-mail saying what to check, and the events item ends ALERTED.',
  describe(account) {
    return { account: account.accountId, rootSignIn: 'console, MFAUsed No', changedByAisaws: false };
  },
};

const REVOKE_POLICY = 'AISAWSRevokeOlderSessions';

const guardDutyCredentialExfiltration: DemoScenario = {
  ...CHANGE_SCENARIOS['guardduty-credential-exfiltration'],
  title: 'GuardDuty: instance role credentials used outside AWS (needs approval)',
  story:
    "GuardDuty reports an EC2 instance role's credentials used from an address outside AWS (InstanceCredentialExfiltration.OutsideAWS); the fix revokes the role's older sessions, so a person approves.",
  describe(account, resource) {
    const role = account.role(resource.id);
    const document = role.inlinePolicies[REVOKE_POLICY];
    const revokedBefore =
      document === undefined
        ? null
        : ((
            JSON.parse(document) as {
              Statement?: { Condition?: { DateLessThan?: Record<string, string> } }[];
            }
          ).Statement?.[0]?.Condition?.DateLessThan?.['aws:TokenIssueTime'] ?? null);
    return {
      roleName: role.roleName,
      inlinePolicies: Object.keys(role.inlinePolicies),
      olderSessionsRevoked: revokedBefore !== null,
      sessionsIssuedBefore: revokedBefore ?? 'none',
    };
  },
};

const SCENARIOS: readonly DemoScenario[] = Object.freeze([
  s3PublicBucket,
  sgOpenWorld,
  cloudTrailStopped,
  ebsSnapshotPublic,
  iamAdminAttached,
  rootLoginNoMfa,
  guardDutyCredentialExfiltration,
]);

const DEFAULT_SCENARIO_ID = s3PublicBucket.id;

/** The scenario with this id; throws listing the known ids. */
function getScenario(id: string): DemoScenario {
  const scenario = SCENARIOS.find((candidate) => candidate.id === id);
  if (!scenario)
    throw new Error(
      `unknown scenario ${JSON.stringify(id)}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`,
    );
  return scenario;
}

export type { DemoScenario, ScenarioResource };
export { DEFAULT_SCENARIO_ID, DEMO_NAME_PREFIX, getScenario, SCENARIOS };
