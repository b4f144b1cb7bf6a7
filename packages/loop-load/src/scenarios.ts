import type { ApiCallOutcome, SimulatedAccount } from '@aisaws/simulated-account';

/**
 * The change events of the load run: the demo's stories, each on a resource of its own so that every fix is
 * independent and can be counted per resource. `setup` creates the resource in the simulated account (not an event);
 * `trigger` makes the one risky call whose CloudTrail record is delivered; `readsBackFixed` reads the resource
 * straight from the simulated state (never through the playbooks) after the run.
 */

/** What the default policy decides for the scenario (documentation and the mix's weights; outcomes are measured). */
type ExpectedAction = 'AUTO_REMEDIATE' | 'HUMAN_APPROVAL' | 'ALERT' | 'LOG_ONLY';

interface LoopTarget {
  readonly type: string;
  readonly id: string;
}

interface LoopScenario {
  readonly id: string;
  readonly expected: ExpectedAction;
  /** Share of the valid events in the mix (weights are relative). */
  readonly weight: number;
  setup(account: SimulatedAccount, index: number): LoopTarget;
  trigger(account: SimulatedAccount, target: LoopTarget): ApiCallOutcome;
  /** For scenarios with a fix: whether the resource is in its fixed state now. */
  readsBackFixed?(account: SimulatedAccount, target: LoopTarget): boolean;
}

const ADMINISTRATOR_ACCESS = 'arn:aws:iam::aws:policy/AdministratorAccess';
const WORLD = new Set(['0.0.0.0/0', '::/0']);

const publicBucket: LoopScenario = {
  id: 's3-public-bucket',
  expected: 'AUTO_REMEDIATE',
  weight: 20,
  setup(account, index) {
    const bucket = `aisaws-load-reports-${index}`;
    account.createBucket(bucket, { team: 'analytics' });
    account.deletePublicAccessBlock(bucket);
    account.putBucketOwnershipControls(bucket, 'ObjectWriter');
    return { type: 'AWS::S3::Bucket', id: bucket };
  },
  trigger: (account, target) => account.putBucketAcl(target.id, 'public-read'),
  readsBackFixed: (account, target) => !account.bucketExposure(target.id).isPublic,
};

const worldOpenSsh: LoopScenario = {
  id: 'sg-open-world',
  expected: 'AUTO_REMEDIATE',
  weight: 15,
  setup(account, index) {
    const { groupId } = account.createSecurityGroup(`bastion-load-${index}`, 'Bastion host access');
    return { type: 'AWS::EC2::SecurityGroup', id: groupId };
  },
  trigger: (account, target) =>
    account.authorizeSecurityGroupIngress(target.id, {
      ipProtocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidrIpv4: '0.0.0.0/0',
      description: 'ssh from anywhere (temporary)',
    }),
  readsBackFixed: (account, target) =>
    !account
      .securityGroup(target.id)
      .rules.some((rule) => !rule.isEgress && WORLD.has(rule.cidrIpv4 ?? rule.cidrIpv6 ?? '')),
};

const trailStopped: LoopScenario = {
  id: 'cloudtrail-stopped',
  expected: 'AUTO_REMEDIATE',
  weight: 10,
  setup(account, index) {
    const trail = account.seedTrail(`management-events-load-${index}`, `aisaws-load-trail-logs-${index}`);
    return { type: 'AWS::CloudTrail::Trail', id: trail.name };
  },
  trigger: (account, target) => account.stopLogging(account.trailArn(account.trail(target.id))),
  readsBackFixed: (account, target) => account.trail(target.id).isLogging,
};

const publicSnapshot: LoopScenario = {
  id: 'ebs-snapshot-public',
  expected: 'AUTO_REMEDIATE',
  weight: 10,
  setup(account, index) {
    const snapshot = account.seedSnapshot(`nightly backup ${index} of orders-db data volume`);
    return { type: 'AWS::EC2::Snapshot', id: snapshot.snapshotId };
  },
  trigger: (account, target) => account.shareSnapshotPublicly(target.id),
  readsBackFixed: (account, target) =>
    !account.snapshot(target.id).createVolumePermissions.some((permission) => 'Group' in permission),
};

const adminAttached: LoopScenario = {
  id: 'iam-admin-attached',
  expected: 'HUMAN_APPROVAL',
  weight: 10,
  setup(account, index) {
    const userName = `contractor-load-${index}`;
    account.seedUser(userName);
    return { type: 'AWS::IAM::User', id: userName };
  },
  trigger: (account, target) => account.attachUserPolicy(target.id, ADMINISTRATOR_ACCESS),
  readsBackFixed: (account, target) =>
    !account.user(target.id).attachedPolicyArns.includes(ADMINISTRATOR_ACCESS),
};

const rootSignIn: LoopScenario = {
  id: 'root-login-no-mfa',
  expected: 'ALERT',
  weight: 10,
  setup: (account) => ({ type: 'AWS::::Account', id: account.accountId }),
  trigger: (account) => account.consoleLogin({ root: true, mfaUsed: false }),
};

const internalHttps: LoopScenario = {
  id: 'sg-internal-https',
  expected: 'LOG_ONLY',
  weight: 15,
  setup(account, index) {
    const { groupId } = account.createSecurityGroup(`app-load-${index}`, 'Application servers');
    return { type: 'AWS::EC2::SecurityGroup', id: groupId };
  },
  trigger: (account, target) =>
    account.authorizeSecurityGroupIngress(target.id, {
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '10.0.0.0/16',
      description: 'internal HTTPS',
    }),
};

const privateAcl: LoopScenario = {
  id: 's3-private-acl',
  expected: 'LOG_ONLY',
  weight: 10,
  setup(account, index) {
    const bucket = `aisaws-load-private-${index}`;
    account.createBucket(bucket, { team: 'finance' });
    return { type: 'AWS::S3::Bucket', id: bucket };
  },
  trigger: (account, target) => account.putBucketAcl(target.id, 'private'),
};

const LOOP_SCENARIOS: readonly LoopScenario[] = Object.freeze([
  publicBucket,
  worldOpenSsh,
  trailStopped,
  publicSnapshot,
  adminAttached,
  rootSignIn,
  internalHttps,
  privateAcl,
]);

export type { ExpectedAction, LoopScenario, LoopTarget };
export { LOOP_SCENARIOS };
