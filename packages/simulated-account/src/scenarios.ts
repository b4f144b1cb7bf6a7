import type { DecisionAction } from '@aisaws/core/schemas';
import type { ApiCallOutcome, SimulatedAccount } from './simulated-account.js';

/**
 * The change stories of the demo and the load benchmark, written once: each `setup` creates what the story needs in
 * the simulated account (quietly: not an event), `trigger` makes the ONE risky API call whose CloudTrail record (and
 * EventBridge event) is delivered, and `readsBackFixed`, for a story with a fix, reads the resource straight from the
 * simulated state (never through the playbooks). The demo adds a title, a story and a before/after view; the load
 * run adds its weights.
 */

/** The resource a scenario acts on (the demo's state file keeps it for rollback and status). */
interface ScenarioResource {
  readonly type: string;
  readonly id: string;
}

/** How a caller names what `setup` creates. */
interface ScenarioNames {
  /** Prefix of the S3 bucket names (global names): `aisaws-demo`, `aisaws-load`. */
  readonly prefix: string;
  /** Makes every name of one setup unique: the demo's random suffix, the load run's input index. */
  readonly tag: string;
}

interface ChangeScenario {
  readonly id: string;
  /** What the default policy decides (documented, and checked by the demo's tests; the load run measures it). */
  readonly expectedDecision: DecisionAction;
  /** Creates what the scenario needs; returns the resource the risky call will touch. */
  setup(account: SimulatedAccount, names: ScenarioNames): ScenarioResource;
  /** The risky API call: changes the state and returns the CloudTrail record + EventBridge event. */
  trigger(account: SimulatedAccount, resource: ScenarioResource): ApiCallOutcome;
  /** For a scenario with a fix: whether the resource is in its fixed state now. */
  readsBackFixed?(account: SimulatedAccount, resource: ScenarioResource): boolean;
}

const ADMINISTRATOR_ACCESS = 'arn:aws:iam::aws:policy/AdministratorAccess';
const WORLD = new Set(['0.0.0.0/0', '::/0']);

const s3PublicBucket: ChangeScenario = {
  id: 's3-public-bucket',
  expectedDecision: 'AUTO_REMEDIATE',
  setup(account, { prefix, tag }) {
    const bucket = `${prefix}-reports-${tag}`;
    account.createBucket(bucket, { team: 'analytics' });
    account.deletePublicAccessBlock(bucket);
    account.putBucketOwnershipControls(bucket, 'ObjectWriter');
    return { type: 'AWS::S3::Bucket', id: bucket };
  },
  trigger: (account, resource) => account.putBucketAcl(resource.id, 'public-read'),
  readsBackFixed: (account, resource) => !account.bucketExposure(resource.id).isPublic,
};

const sgOpenWorld: ChangeScenario = {
  id: 'sg-open-world',
  expectedDecision: 'AUTO_REMEDIATE',
  setup(account, { tag }) {
    const { groupId } = account.createSecurityGroup(`bastion-${tag}`, 'Bastion host access');
    account.addIngressRules(groupId, [
      {
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        cidrIpv4: '10.0.0.0/16',
        description: 'internal HTTPS',
      },
    ]);
    return { type: 'AWS::EC2::SecurityGroup', id: groupId };
  },
  trigger: (account, resource) =>
    account.authorizeSecurityGroupIngress(resource.id, {
      ipProtocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidrIpv4: '0.0.0.0/0',
      description: 'ssh from anywhere (temporary)',
    }),
  readsBackFixed: (account, resource) =>
    !account
      .securityGroup(resource.id)
      .rules.some((rule) => !rule.isEgress && WORLD.has(rule.cidrIpv4 ?? rule.cidrIpv6 ?? '')),
};

const cloudTrailStopped: ChangeScenario = {
  id: 'cloudtrail-stopped',
  expectedDecision: 'AUTO_REMEDIATE',
  setup(account, { prefix, tag }) {
    const trail = account.seedTrail(`management-events-${tag}`, `${prefix}-trail-logs-${tag}`);
    return { type: 'AWS::CloudTrail::Trail', id: trail.name };
  },
  trigger: (account, resource) => account.stopLogging(account.trailArn(account.trail(resource.id))),
  readsBackFixed: (account, resource) => account.trail(resource.id).isLogging,
};

const ebsSnapshotPublic: ChangeScenario = {
  id: 'ebs-snapshot-public',
  expectedDecision: 'AUTO_REMEDIATE',
  setup(account) {
    const snapshot = account.seedSnapshot('nightly backup of orders-db data volume');
    return { type: 'AWS::EC2::Snapshot', id: snapshot.snapshotId };
  },
  trigger: (account, resource) => account.shareSnapshotPublicly(resource.id),
  readsBackFixed: (account, resource) =>
    !account.snapshot(resource.id).createVolumePermissions.some((permission) => 'Group' in permission),
};

const iamAdminAttached: ChangeScenario = {
  id: 'iam-admin-attached',
  expectedDecision: 'HUMAN_APPROVAL',
  setup(account, { tag }) {
    const userName = `contractor-${tag}`;
    account.seedUser(userName);
    return { type: 'AWS::IAM::User', id: userName };
  },
  trigger: (account, resource) => account.attachUserPolicy(resource.id, ADMINISTRATOR_ACCESS),
  readsBackFixed: (account, resource) =>
    !account.user(resource.id).attachedPolicyArns.includes(ADMINISTRATOR_ACCESS),
};

const rootLoginNoMfa: ChangeScenario = {
  id: 'root-login-no-mfa',
  expectedDecision: 'ALERT',
  setup: (account) => ({ type: 'AWS::::Account', id: account.accountId }),
  trigger: (account) => account.consoleLogin({ root: true, mfaUsed: false }),
};

const guardDutyCredentialExfiltration: ChangeScenario = {
  id: 'guardduty-credential-exfiltration',
  expectedDecision: 'HUMAN_APPROVAL',
  setup(account, { tag }) {
    const roleName = `web-app-instance-${tag}`;
    account.seedRole(roleName);
    return { type: 'AWS::IAM::Role', id: roleName };
  },
  trigger: (account, resource) => account.guardDutyInstanceCredentialExfiltration(resource.id),
};

const sgInternalHttps: ChangeScenario = {
  id: 'sg-internal-https',
  expectedDecision: 'LOG_ONLY',
  setup(account, { tag }) {
    const { groupId } = account.createSecurityGroup(`app-${tag}`, 'Application servers');
    return { type: 'AWS::EC2::SecurityGroup', id: groupId };
  },
  trigger: (account, resource) =>
    account.authorizeSecurityGroupIngress(resource.id, {
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '10.0.0.0/16',
      description: 'internal HTTPS',
    }),
};

const s3PrivateAcl: ChangeScenario = {
  id: 's3-private-acl',
  expectedDecision: 'LOG_ONLY',
  setup(account, { prefix, tag }) {
    const bucket = `${prefix}-private-${tag}`;
    account.createBucket(bucket, { team: 'finance' });
    return { type: 'AWS::S3::Bucket', id: bucket };
  },
  trigger: (account, resource) => account.putBucketAcl(resource.id, 'private'),
};

/** Every change story, by id. */
const CHANGE_SCENARIOS = Object.freeze({
  's3-public-bucket': s3PublicBucket,
  'sg-open-world': sgOpenWorld,
  'cloudtrail-stopped': cloudTrailStopped,
  'ebs-snapshot-public': ebsSnapshotPublic,
  'iam-admin-attached': iamAdminAttached,
  'root-login-no-mfa': rootLoginNoMfa,
  'guardduty-credential-exfiltration': guardDutyCredentialExfiltration,
  'sg-internal-https': sgInternalHttps,
  's3-private-acl': s3PrivateAcl,
} satisfies Record<string, ChangeScenario>);

type ChangeScenarioId = keyof typeof CHANGE_SCENARIOS;

export type { ChangeScenario, ChangeScenarioId, ScenarioNames, ScenarioResource };
export { ADMINISTRATOR_ACCESS, CHANGE_SCENARIOS };
