import { findingRecord, parseFindingEvent } from '@aisaws/core/findings';
import type { ClientFactory } from '@aisaws/playbooks';
import {
  type AccountState,
  AccountStateSchema,
  type AclGrant,
  ALL_USERS_URI,
  AUTHENTICATED_USERS_URI,
  type BucketState,
  type CreateVolumePermission,
  type EbsSnapshotState,
  type ObjectOwnership,
  type PublicAccessBlock,
  type SecurityGroupRule,
  type SecurityGroupState,
  type SimulatedCall,
  type TrailState,
} from './account-state.js';
import { policyIsPublic } from './bucket-policy.js';
import {
  apiCallRecord,
  type CloudTrailRecordJson,
  consoleLoginRecord,
  type DemoPrincipal,
  type EventBridgeEnvelopeJson,
  toEventBridgeEvent,
} from './cloudtrail-record.js';
import { FaultInjector, type FaultSwitchesInput } from './faults.js';
import { jsonCopy } from './json-copy.js';
import { createSimulatedClientFactory } from './simulated-clients.js';
import { SimulatedServiceError } from './simulated-error.js';

/**
 * The simulated AWS account of the local demo. No emulator offers bucket ACLs / Block Public Access / policy status,
 * security group rules, trail logging status, snapshot permissions or IAM attachments, so this class keeps them in
 * memory (persisted as JSON) and:
 *  (a) offers the API calls a person makes (`putBucketAcl`, `authorizeSecurityGroupIngress`, `stopLogging` …): each
 *      changes the state, refuses what AWS would refuse, and returns the CloudTrail record AWS writes for that call,
 *      wrapped in the EventBridge envelope;
 *  (b) offers `clientFactory`: SDK-shaped clients (`send(command)`) over the same state for the playbooks.
 * It is a simulation, named so in the demo output; objects (the raw-event archive) and DynamoDB are real emulators.
 * `faults` (see faults.ts) makes the clients of (b) throttle, fail with 5xx, time out or never converge, seeded.
 */

const DEMO_ACCOUNT_ID = '111122223333';
const DEMO_REGION = 'us-east-1';
const MAX_RECORDED_CALLS = 200;

const PUBLIC_CANNED_ACLS = ['public-read', 'public-read-write', 'authenticated-read'] as const;
type CannedAcl = 'private' | (typeof PUBLIC_CANNED_ACLS)[number];

interface SimulatedAccountOptions {
  readonly accountId?: string;
  readonly region?: string;
  readonly now?: () => Date;
  /** Fault switches for the clients (faults.ts); change them later with `account.faults.set(…)`. */
  readonly faults?: FaultSwitchesInput;
}

/** A change made by a demo principal: the CloudTrail record written and the event EventBridge delivers. */
interface ApiCallOutcome {
  readonly record: CloudTrailRecordJson;
  readonly event: EventBridgeEnvelopeJson;
}

/** Ingress rule a person adds: one protocol, one port range, one CIDR. */
interface IngressRuleInput {
  readonly ipProtocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidrIpv4?: string;
  readonly cidrIpv6?: string;
  readonly description?: string;
}

/** The person making the risky changes: an IAM user working from the AWS CLI. */
function demoDeveloper(accountId: string): DemoPrincipal {
  return {
    kind: 'iam-user',
    accountId,
    userName: 'dev-sam',
    principalId: 'AIDAQRSTUVWXYZDEMO001',
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    sourceIp: '203.0.113.42',
    userAgent:
      '[aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.11.9 cfg/retry-mode#standard]',
  };
}

/** The account root user, signing in to the console from a browser. */
function demoRoot(accountId: string): DemoPrincipal {
  return {
    kind: 'root',
    accountId,
    userName: 'root',
    principalId: accountId,
    accessKeyId: '',
    sourceIp: '198.51.100.77',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
  };
}

function emptyAccountState(accountId = DEMO_ACCOUNT_ID, region = DEMO_REGION): AccountState {
  return {
    accountId,
    region,
    canonicalUserId: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be',
    buckets: {},
    securityGroups: {},
    trails: {},
    snapshots: {},
    users: {},
    roles: {},
    sequence: 0,
    calls: [],
  };
}

const ALL_BLOCKED: PublicAccessBlock = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

class SimulatedAccount {
  readonly state: AccountState;
  private readonly now: () => Date;
  /** SDK-shaped clients over this account, for the playbooks (see simulated-clients.ts). */
  readonly clientFactory: ClientFactory;
  /** The fault switches of the clients (and of an outbox given `faults: account.faults`); all off by default. */
  readonly faults: FaultInjector;

  private constructor(state: AccountState, now: () => Date, faults: FaultSwitchesInput = {}) {
    this.state = state;
    this.now = now;
    this.faults = new FaultInjector(faults);
    this.clientFactory = createSimulatedClientFactory(this);
  }

  static create(options: SimulatedAccountOptions = {}): SimulatedAccount {
    return new SimulatedAccount(
      emptyAccountState(options.accountId, options.region),
      options.now ?? (() => new Date()),
      options.faults,
    );
  }

  /**
   * Restores an account saved with `toJSON`; throws naming the field when the JSON is not an account state. Faults
   * are not saved: they are switched on per process.
   */
  static fromJSON(
    json: unknown,
    now: () => Date = () => new Date(),
    faults: FaultSwitchesInput = {},
  ): SimulatedAccount {
    const parsed = AccountStateSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`simulated account state: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
    }
    return new SimulatedAccount(parsed.data, now, faults);
  }

  toJSON(): AccountState {
    return jsonCopy(this.state);
  }

  get accountId(): string {
    return this.state.accountId;
  }

  get region(): string {
    return this.state.region;
  }

  nextId(prefix: string): string {
    this.state.sequence += 1;
    const hex = (this.state.sequence * 2654435761).toString(16).padStart(8, '0').slice(-8);
    return `${prefix}-0${hex}${this.state.sequence.toString(16).padStart(8, '0')}`;
  }

  clock(): Date {
    return this.now();
  }

  recordCall(call: Omit<SimulatedCall, 'at'>): void {
    this.state.calls.push({ at: this.now().toISOString(), ...call });
    if (this.state.calls.length > MAX_RECORDED_CALLS)
      this.state.calls.splice(0, this.state.calls.length - MAX_RECORDED_CALLS);
  }

  // ---------------------------------------------------------------- lookups (throw the error AWS would return)

  bucket(name: string): BucketState {
    const bucket = this.state.buckets[name];
    if (!bucket)
      throw new SimulatedServiceError('NoSuchBucket', `The specified bucket does not exist: ${name}`, 404);
    return bucket;
  }

  securityGroup(groupId: string): SecurityGroupState {
    const group = this.state.securityGroups[groupId];
    if (!group)
      throw new SimulatedServiceError(
        'InvalidGroup.NotFound',
        `The security group '${groupId}' does not exist`,
      );
    return group;
  }

  /** By name or ARN, as CloudTrail accepts both. */
  trail(nameOrArn: string): TrailState {
    const name = nameOrArn.includes(':trail/')
      ? nameOrArn.slice(nameOrArn.indexOf(':trail/') + 7)
      : nameOrArn;
    const trail = this.state.trails[name];
    if (!trail)
      throw new SimulatedServiceError(
        'TrailNotFoundException',
        `Unknown trail: ${nameOrArn} for the user: ${this.state.accountId}`,
      );
    return trail;
  }

  trailArn(trail: TrailState): string {
    return `arn:aws:cloudtrail:${trail.homeRegion}:${this.state.accountId}:trail/${trail.name}`;
  }

  snapshot(snapshotId: string): EbsSnapshotState {
    const snapshot = this.state.snapshots[snapshotId];
    if (!snapshot)
      throw new SimulatedServiceError(
        'InvalidSnapshot.NotFound',
        `The snapshot '${snapshotId}' does not exist.`,
      );
    return snapshot;
  }

  user(userName: string): { userName: string; userId: string; attachedPolicyArns: string[] } {
    const user = this.state.users[userName];
    if (!user)
      throw new SimulatedServiceError(
        'NoSuchEntityException',
        `The user with name ${userName} cannot be found.`,
        404,
      );
    return user;
  }

  // ---------------------------------------------------------------- state changes shared by both faces

  /** ACL as S3 applies a canned ACL: owner FULL_CONTROL plus the canned grants. */
  cannedGrants(acl: CannedAcl): AclGrant[] {
    const owner: AclGrant = {
      Grantee: { Type: 'CanonicalUser', ID: this.state.canonicalUserId, DisplayName: 'aisaws-demo' },
      Permission: 'FULL_CONTROL',
    };
    switch (acl) {
      case 'private':
        return [owner];
      case 'public-read':
        return [owner, { Grantee: { Type: 'Group', URI: ALL_USERS_URI }, Permission: 'READ' }];
      case 'public-read-write':
        return [
          owner,
          { Grantee: { Type: 'Group', URI: ALL_USERS_URI }, Permission: 'READ' },
          { Grantee: { Type: 'Group', URI: ALL_USERS_URI }, Permission: 'WRITE' },
        ];
      case 'authenticated-read':
        return [owner, { Grantee: { Type: 'Group', URI: AUTHENTICATED_USERS_URI }, Permission: 'READ' }];
    }
  }

  /** Replaces a bucket ACL, refusing what S3 refuses (ACLs disabled; public ACLs blocked). */
  setBucketGrants(name: string, grants: AclGrant[]): void {
    const bucket = this.bucket(name);
    const isPublic = grants.some((grant) => grant.Grantee.Type === 'Group');
    const isOwnerOnly = grants.every((grant) => grant.Grantee.Type === 'CanonicalUser');
    if (bucket.objectOwnership === 'BucketOwnerEnforced' && !isOwnerOnly)
      throw new SimulatedServiceError('AccessControlListNotSupported', 'The bucket does not allow ACLs');
    if (isPublic && bucket.publicAccessBlock?.BlockPublicAcls)
      throw new SimulatedServiceError('AccessDenied', 'Access Denied', 403);
    bucket.grants = grants;
  }

  setPublicAccessBlock(name: string, configuration: PublicAccessBlock | null): void {
    this.bucket(name).publicAccessBlock = configuration ? { ...configuration } : null;
  }

  setObjectOwnership(name: string, ownership: ObjectOwnership | null): void {
    const bucket = this.bucket(name);
    if (ownership === 'BucketOwnerEnforced' && bucket.grants.some((grant) => grant.Grantee.Type === 'Group'))
      throw new SimulatedServiceError(
        'InvalidBucketAclWithObjectOwnership',
        'Bucket cannot have ACLs set with ObjectOwnership BucketOwnerEnforced',
      );
    bucket.objectOwnership = ownership;
  }

  /** Whether the bucket is public as S3 evaluates it: a public ACL not ignored, or a public policy not restricted. */
  bucketExposure(name: string): { publicByAcl: boolean; publicByPolicy: boolean; isPublic: boolean } {
    const bucket = this.bucket(name);
    const bpa = bucket.publicAccessBlock;
    const aclGrantsPublic = bucket.grants.some((grant) => grant.Grantee.Type === 'Group');
    const publicByAcl =
      aclGrantsPublic && !bpa?.IgnorePublicAcls && bucket.objectOwnership !== 'BucketOwnerEnforced';
    const publicByPolicy = policyIsPublic(bucket.policy) && !bpa?.RestrictPublicBuckets;
    return { publicByAcl, publicByPolicy, isPublic: publicByAcl || publicByPolicy };
  }

  addIngressRules(groupId: string, rules: readonly IngressRuleInput[]): SecurityGroupRule[] {
    const group = this.securityGroup(groupId);
    const added: SecurityGroupRule[] = [];
    for (const rule of rules) {
      const duplicate = group.rules.find(
        (existing) =>
          !existing.isEgress &&
          existing.ipProtocol === rule.ipProtocol &&
          existing.fromPort === rule.fromPort &&
          existing.toPort === rule.toPort &&
          existing.cidrIpv4 === rule.cidrIpv4 &&
          existing.cidrIpv6 === rule.cidrIpv6,
      );
      if (duplicate)
        throw new SimulatedServiceError(
          'InvalidPermission.Duplicate',
          `the specified rule "peer: ${rule.cidrIpv4 ?? rule.cidrIpv6}, ${rule.ipProtocol.toUpperCase()}, from port: ${rule.fromPort}, to port: ${rule.toPort}, ALLOW" already exists`,
        );
      const created: SecurityGroupRule = { ruleId: this.nextId('sgr'), isEgress: false, ...rule };
      added.push(created);
    }
    group.rules.push(...added);
    return added;
  }

  removeIngressRules(groupId: string, ruleIds: readonly string[]): SecurityGroupRule[] {
    const group = this.securityGroup(groupId);
    for (const ruleId of ruleIds) {
      if (!group.rules.some((rule) => rule.ruleId === ruleId && !rule.isEgress))
        throw new SimulatedServiceError(
          'InvalidSecurityGroupRuleId.NotFound',
          `The security group rule ID '${ruleId}' does not exist`,
        );
    }
    const removed = group.rules.filter((rule) => ruleIds.includes(rule.ruleId));
    group.rules = group.rules.filter((rule) => !ruleIds.includes(rule.ruleId));
    return removed;
  }

  setTrailLogging(nameOrArn: string, isLogging: boolean, region: string): TrailState {
    const trail = this.trail(nameOrArn);
    if (trail.homeRegion !== region)
      throw new SimulatedServiceError(
        'InvalidHomeRegionException',
        `This operation must be called from the trail's home region (${trail.homeRegion}).`,
      );
    trail.isLogging = isLogging;
    const at = this.now().toISOString();
    if (isLogging) trail.startLoggingTime = at;
    else trail.stopLoggingTime = at;
    return trail;
  }

  modifyCreateVolumePermissions(
    snapshotId: string,
    add: readonly CreateVolumePermission[],
    remove: readonly CreateVolumePermission[],
  ): void {
    const snapshot = this.snapshot(snapshotId);
    const key = (permission: CreateVolumePermission): string =>
      'Group' in permission ? `group:${permission.Group}` : `user:${permission.UserId}`;
    const removeKeys = new Set(remove.map(key));
    const kept = snapshot.createVolumePermissions.filter((permission) => !removeKeys.has(key(permission)));
    const keptKeys = new Set(kept.map(key));
    snapshot.createVolumePermissions = [
      ...kept,
      ...add.filter((permission) => !keptKeys.has(key(permission))),
    ];
  }

  attachUserPolicyArn(userName: string, policyArn: string): void {
    const user = this.user(userName);
    if (!user.attachedPolicyArns.includes(policyArn)) user.attachedPolicyArns.push(policyArn);
  }

  role(roleName: string): { roleName: string; roleId: string; inlinePolicies: Record<string, string> } {
    const role = this.state.roles[roleName];
    if (!role)
      throw new SimulatedServiceError(
        'NoSuchEntityException',
        `The role with name ${roleName} cannot be found.`,
        404,
      );
    return role;
  }

  /** GetRolePolicy: the inline document (IAM returns it URL-encoded) or NoSuchEntity. */
  getRolePolicyDocument(roleName: string, policyName: string): string {
    const document = this.role(roleName).inlinePolicies[policyName];
    if (document === undefined)
      throw new SimulatedServiceError(
        'NoSuchEntityException',
        `The role policy with name ${policyName} cannot be found.`,
        404,
      );
    return document;
  }

  putRolePolicyDocument(roleName: string, policyName: string, document: string): void {
    try {
      JSON.parse(document);
    } catch {
      throw new SimulatedServiceError(
        'MalformedPolicyDocumentException',
        'The policy is not valid JSON.',
        400,
      );
    }
    this.role(roleName).inlinePolicies[policyName] = document;
  }

  deleteRolePolicyDocument(roleName: string, policyName: string): void {
    this.getRolePolicyDocument(roleName, policyName);
    delete this.role(roleName).inlinePolicies[policyName];
  }

  detachUserPolicyArn(userName: string, policyArn: string): void {
    const user = this.user(userName);
    if (!user.attachedPolicyArns.includes(policyArn))
      throw new SimulatedServiceError('NoSuchEntityException', `Policy ${policyArn} was not found.`, 404);
    user.attachedPolicyArns = user.attachedPolicyArns.filter((arn) => arn !== policyArn);
  }

  // ---------------------------------------------------------------- (a) API calls by a person, with their CloudTrail record

  private emit(record: CloudTrailRecordJson): ApiCallOutcome {
    return { record, event: toEventBridgeEvent(record) };
  }

  /** Runs the change; a refused change is still logged by CloudTrail, with errorCode set, and then rethrown. */
  private call(
    base: Omit<Parameters<typeof apiCallRecord>[0], 'at' | 'responseElements'>,
    change: () => Record<string, unknown> | null,
  ): ApiCallOutcome {
    const at = this.now();
    try {
      const responseElements = change();
      return this.emit(apiCallRecord({ ...base, at, responseElements }));
    } catch (error) {
      if (error instanceof SimulatedServiceError) {
        const record = apiCallRecord({
          ...base,
          at,
          responseElements: null,
          error: { code: error.name, message: error.message },
        });
        Object.assign(error, { record });
      }
      throw error;
    }
  }

  private s3Call(
    bucket: string,
    eventName: string,
    requestParameters: Record<string, unknown>,
    change: () => void,
    principal = demoDeveloper(this.state.accountId),
  ): ApiCallOutcome {
    const host = `${bucket}.s3.${this.state.region}.amazonaws.com`;
    return this.call(
      {
        principal,
        region: this.state.buckets[bucket]?.region ?? this.state.region,
        eventSource: 's3.amazonaws.com',
        eventName,
        requestParameters: { bucketName: bucket, Host: host, ...requestParameters },
        resources: [{ type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }],
        additionalEventData: {
          SignatureVersion: 'SigV4',
          CipherSuite: 'TLS_AES_128_GCM_SHA256',
          bytesTransferredIn: 0,
          AuthenticationMethod: 'AuthHeader',
          'x-amz-id-2': Buffer.from(`${bucket}:${eventName}`).toString('base64'),
          bytesTransferredOut: 0,
        },
        host,
      },
      () => {
        change();
        return null;
      },
    );
  }

  /** CreateBucket as S3 does it since April 2023: Block Public Access on, ACLs disabled (BucketOwnerEnforced). */
  createBucket(name: string, tags: Record<string, string> = {}): ApiCallOutcome {
    return this.s3Call(name, 'CreateBucket', {}, () => {
      if (this.state.buckets[name])
        throw new SimulatedServiceError(
          'BucketAlreadyOwnedByYou',
          'Your previous request to create the named bucket succeeded and you already own it.',
          409,
        );
      this.state.buckets[name] = {
        name,
        region: this.state.region,
        createdAt: this.now().toISOString(),
        grants: this.cannedGrants('private'),
        publicAccessBlock: { ...ALL_BLOCKED },
        policy: null,
        objectOwnership: 'BucketOwnerEnforced',
        tags,
      };
    });
  }

  deletePublicAccessBlock(bucket: string): ApiCallOutcome {
    return this.s3Call(bucket, 'DeleteBucketPublicAccessBlock', { publicAccessBlock: '' }, () =>
      this.setPublicAccessBlock(bucket, null),
    );
  }

  putBucketOwnershipControls(bucket: string, ownership: ObjectOwnership): ApiCallOutcome {
    return this.s3Call(
      bucket,
      'PutBucketOwnershipControls',
      {
        ownershipControls: '',
        OwnershipControls: {
          xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
          Rule: { ObjectOwnership: ownership },
        },
      },
      () => this.setObjectOwnership(bucket, ownership),
    );
  }

  /** PutBucketAcl with a canned ACL: CloudTrail logs it as `acl: ""` and `x-amz-acl: [<acl>]`. */
  putBucketAcl(bucket: string, acl: CannedAcl): ApiCallOutcome {
    return this.s3Call(bucket, 'PutBucketAcl', { acl: '', 'x-amz-acl': [acl] }, () =>
      this.setBucketGrants(bucket, this.cannedGrants(acl)),
    );
  }

  private ec2Call(
    eventName: string,
    requestParameters: Record<string, unknown>,
    change: () => Record<string, unknown>,
  ): ApiCallOutcome {
    return this.call(
      {
        principal: demoDeveloper(this.state.accountId),
        region: this.state.region,
        eventSource: 'ec2.amazonaws.com',
        eventName,
        requestParameters,
      },
      change,
    );
  }

  /**
   * Creates a security group the way a VPC setup does, with the default allow-all egress rule, and the tags given
   * (CreateSecurityGroup's `TagSpecifications`).
   */
  createSecurityGroup(
    groupName: string,
    description: string,
    tags: Record<string, string> = {},
  ): { groupId: string; outcome: ApiCallOutcome } {
    const groupId = this.nextId('sg');
    const tagSpecifications = Object.keys(tags).length
      ? {
          tagSpecificationSet: {
            items: [
              {
                resourceType: 'security-group',
                tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
              },
            ],
          },
        }
      : {};
    const outcome = this.ec2Call(
      'CreateSecurityGroup',
      { groupName, groupDescription: description, vpcId: 'vpc-0a1b2c3d4e5f60718', ...tagSpecifications },
      () => {
        this.state.securityGroups[groupId] = {
          groupId,
          groupName,
          description,
          vpcId: 'vpc-0a1b2c3d4e5f60718',
          region: this.state.region,
          tags: { ...tags },
          rules: [
            {
              ruleId: this.nextId('sgr'),
              isEgress: true,
              ipProtocol: '-1',
              fromPort: -1,
              toPort: -1,
              cidrIpv4: '0.0.0.0/0',
            },
          ],
        };
        return {
          requestId: crypto.randomUUID(),
          _return: true,
          groupId,
          securityGroupArn: this.securityGroupArn(groupId),
        };
      },
    );
    return { groupId, outcome };
  }

  securityGroupArn(groupId: string): string {
    return `arn:aws:ec2:${this.state.region}:${this.state.accountId}:security-group/${groupId}`;
  }

  /**
   * AuthorizeSecurityGroupIngress as CloudTrail logs it: `ipPermissions.items[]` with `ipRanges.items[].cidrIp` in
   * the request, and the created rules with their `securityGroupRuleId` in `responseElements.securityGroupRuleSet`.
   */
  authorizeSecurityGroupIngress(groupId: string, rule: IngressRuleInput): ApiCallOutcome {
    const requestParameters = {
      groupId,
      ipPermissions: {
        items: [
          {
            ipProtocol: rule.ipProtocol,
            fromPort: rule.fromPort,
            toPort: rule.toPort,
            groups: {},
            ipRanges: rule.cidrIpv4
              ? {
                  items: [
                    { cidrIp: rule.cidrIpv4, ...(rule.description ? { description: rule.description } : {}) },
                  ],
                }
              : {},
            ipv6Ranges: rule.cidrIpv6 ? { items: [{ cidrIpv6: rule.cidrIpv6 }] } : {},
            prefixListIds: {},
          },
        ],
      },
    };
    return this.ec2Call('AuthorizeSecurityGroupIngress', requestParameters, () => {
      const [created] = this.addIngressRules(groupId, [rule]);
      if (!created) throw new Error('AuthorizeSecurityGroupIngress: no rule created');
      return {
        requestId: crypto.randomUUID(),
        _return: true,
        securityGroupRuleSet: {
          items: [
            {
              groupOwnerId: this.state.accountId,
              groupId,
              securityGroupRuleId: created.ruleId,
              isEgress: false,
              ipProtocol: created.ipProtocol,
              fromPort: created.fromPort,
              toPort: created.toPort,
              ...(created.cidrIpv4 ? { cidrIpv4: created.cidrIpv4 } : {}),
              ...(created.cidrIpv6 ? { cidrIpv6: created.cidrIpv6 } : {}),
              ...(created.description ? { description: created.description } : {}),
            },
          ],
        },
      };
    });
  }

  /** A trail as an organisation sets it up: multi-region, logging. Not an API call of the scenario. */
  seedTrail(name: string, s3BucketName: string): TrailState {
    const trail: TrailState = {
      name,
      homeRegion: this.state.region,
      s3BucketName,
      isMultiRegionTrail: true,
      isLogging: true,
      startLoggingTime: this.now().toISOString(),
      stopLoggingTime: null,
    };
    this.state.trails[name] = trail;
    return trail;
  }

  /** StopLogging: CloudTrail logs `requestParameters.name` (name or ARN, as called) and null responseElements. */
  stopLogging(trailNameOrArn: string): ApiCallOutcome {
    return this.call(
      {
        principal: demoDeveloper(this.state.accountId),
        region: this.state.region,
        eventSource: 'cloudtrail.amazonaws.com',
        eventName: 'StopLogging',
        requestParameters: { name: trailNameOrArn },
      },
      () => {
        this.setTrailLogging(trailNameOrArn, false, this.state.region);
        return null;
      },
    );
  }

  /** An EBS snapshot of a data volume, private. Not an API call of the scenario. */
  seedSnapshot(description: string): EbsSnapshotState {
    const snapshot: EbsSnapshotState = {
      snapshotId: this.nextId('snap'),
      volumeId: this.nextId('vol'),
      region: this.state.region,
      volumeSize: 100,
      description,
      createVolumePermissions: [],
    };
    this.state.snapshots[snapshot.snapshotId] = snapshot;
    return snapshot;
  }

  /** ModifySnapshotAttribute sharing the snapshot with everyone (`createVolumePermission.add.items[{group: all}]`). */
  shareSnapshotPublicly(snapshotId: string): ApiCallOutcome {
    return this.ec2Call(
      'ModifySnapshotAttribute',
      {
        snapshotId,
        createVolumePermission: { add: { items: [{ group: 'all' }] } },
        attributeType: 'CREATE_VOLUME_PERMISSION',
      },
      () => {
        this.modifyCreateVolumePermissions(snapshotId, [{ Group: 'all' }], []);
        return { requestId: crypto.randomUUID(), _return: true };
      },
    );
  }

  /** An IAM user who exists before the scenario. Not an API call of the scenario. */
  seedUser(userName: string): void {
    this.state.users[userName] = {
      userName,
      userId: `AIDA${this.nextId('u').slice(-16).toUpperCase()}`,
      attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    };
  }

  /** An EC2 instance role that exists before the scenario. Not an API call of the scenario. */
  seedRole(roleName: string): void {
    this.state.roles[roleName] = {
      roleName,
      roleId: `AROA${this.nextId('r').slice(-16).toUpperCase()}`,
      inlinePolicies: {},
    };
  }

  /**
   * GuardDuty sees the role's instance credentials used from an IP address outside AWS and sends
   * `UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS` to EventBridge (detail-type `GuardDuty
   * Finding`, in the finding format of the GuardDuty user guide; ids and addresses are the demo's). `record` is the
   * CloudTrail-shaped view every AISAWS stage reads of a finding (eventID `finding:<id>@<updatedAt>`).
   */
  guardDutyInstanceCredentialExfiltration(roleName: string, remoteIp = '198.51.100.23'): ApiCallOutcome {
    const role = this.role(roleName);
    const at = this.now();
    const seen = new Date(at.getTime() - 60_000).toISOString();
    const id = crypto.randomUUID().replaceAll('-', '');
    const detectorId = '12abc34d567e8fa901bc2d34e56789f0';
    const { accountId, region } = this.state;
    const detail = {
      schemaVersion: '2.0',
      accountId,
      region,
      partition: 'aws',
      id,
      arn: `arn:aws:guardduty:${region}:${accountId}:detector/${detectorId}/finding/${id}`,
      type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
      resource: {
        resourceType: 'AccessKey',
        accessKeyDetails: {
          accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
          principalId: `${role.roleId}:i-0abcd1234ef567890`,
          userName: roleName,
          userType: 'AssumedRole',
        },
      },
      service: {
        serviceName: 'guardduty',
        detectorId,
        action: {
          actionType: 'AWS_API_CALL',
          awsApiCallAction: {
            api: 'ListBuckets',
            serviceName: 's3.amazonaws.com',
            callerType: 'Remote IP',
            remoteIpDetails: { ipAddressV4: remoteIp },
          },
        },
        resourceRole: 'TARGET',
        additionalInfo: { value: '{}', type: 'default' },
        eventFirstSeen: seen,
        eventLastSeen: seen,
        archived: false,
        count: 1,
      },
      severity: 8,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
      title: `Credentials for instance role ${roleName} used from external IP address.`,
      description: `Credentials created exclusively for an EC2 instance using instance role ${roleName} have been used from external IP address ${remoteIp}.`,
    };
    const event = {
      version: '0',
      id: crypto.randomUUID(),
      'detail-type': 'GuardDuty Finding',
      source: 'aws.guardduty',
      account: accountId,
      time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region,
      resources: [],
      detail,
    };
    const parsed = parseFindingEvent(event);
    if (!parsed.success) throw new Error(`the simulated GuardDuty finding does not parse: ${parsed.reason}`);
    return {
      record: findingRecord(parsed.signal) as unknown as CloudTrailRecordJson,
      event: event as unknown as EventBridgeEnvelopeJson,
    };
  }

  /** AttachUserPolicy, an IAM call: logged in us-east-1 with `userName` and `policyArn`. */
  attachUserPolicy(userName: string, policyArn: string): ApiCallOutcome {
    return this.call(
      {
        principal: demoDeveloper(this.state.accountId),
        region: 'us-east-1',
        eventSource: 'iam.amazonaws.com',
        eventName: 'AttachUserPolicy',
        requestParameters: { userName, policyArn },
        host: 'iam.amazonaws.com',
      },
      () => {
        this.attachUserPolicyArn(userName, policyArn);
        return null;
      },
    );
  }

  /** The root user signs in to the console; `mfaUsed: false` is what CIS 1.4 4.2/4.3 alarm on. */
  consoleLogin(options: { root: boolean; mfaUsed: boolean }): ApiCallOutcome {
    const principal = options.root ? demoRoot(this.state.accountId) : demoDeveloper(this.state.accountId);
    return this.emit(consoleLoginRecord(principal, this.now(), options.mfaUsed));
  }
}

export type { ApiCallOutcome, CannedAcl, IngressRuleInput, SimulatedAccountOptions };
export { DEMO_ACCOUNT_ID, DEMO_REGION, demoDeveloper, SimulatedAccount };
