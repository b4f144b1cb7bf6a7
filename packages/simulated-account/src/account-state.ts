import * as z from 'zod';

/**
 * The state of the simulated AWS account: the control-plane settings no local emulator offers (bucket ACLs, Block
 * Public Access, bucket policies, ownership controls, security group rules, trail logging, snapshot permissions,
 * IAM policy attachments). Persisted as JSON between `aisaws demo`, `rollback` and `status`, and parsed back here.
 */

const ALL_USERS_URI = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTHENTICATED_USERS_URI = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';

const GranteeSchema = z.discriminatedUnion('Type', [
  z.strictObject({ Type: z.literal('CanonicalUser'), ID: z.string(), DisplayName: z.string().optional() }),
  z.strictObject({ Type: z.literal('Group'), URI: z.string() }),
]);

const AclGrantSchema = z.strictObject({
  Grantee: GranteeSchema,
  Permission: z.enum(['FULL_CONTROL', 'READ', 'WRITE', 'READ_ACP', 'WRITE_ACP']),
});

const PublicAccessBlockSchema = z.strictObject({
  BlockPublicAcls: z.boolean(),
  IgnorePublicAcls: z.boolean(),
  BlockPublicPolicy: z.boolean(),
  RestrictPublicBuckets: z.boolean(),
});

const ObjectOwnershipSchema = z.enum(['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter']);

const BucketStateSchema = z.strictObject({
  name: z.string(),
  region: z.string(),
  createdAt: z.string(),
  grants: z.array(AclGrantSchema),
  publicAccessBlock: PublicAccessBlockSchema.nullable(),
  policy: z.string().nullable(),
  objectOwnership: ObjectOwnershipSchema.nullable(),
  tags: z.record(z.string(), z.string()),
});

const SecurityGroupRuleSchema = z.strictObject({
  ruleId: z.string(),
  isEgress: z.boolean(),
  ipProtocol: z.string(),
  fromPort: z.number().int(),
  toPort: z.number().int(),
  cidrIpv4: z.string().optional(),
  cidrIpv6: z.string().optional(),
  description: z.string().optional(),
});

const SecurityGroupStateSchema = z.strictObject({
  groupId: z.string(),
  groupName: z.string(),
  description: z.string(),
  vpcId: z.string(),
  region: z.string(),
  rules: z.array(SecurityGroupRuleSchema),
  /** The group's tags (absent in states saved before tags were kept: none). */
  tags: z.record(z.string(), z.string()).default({}),
});

const TrailStateSchema = z.strictObject({
  name: z.string(),
  homeRegion: z.string(),
  s3BucketName: z.string(),
  isMultiRegionTrail: z.boolean(),
  isLogging: z.boolean(),
  startLoggingTime: z.string().nullable(),
  stopLoggingTime: z.string().nullable(),
});

const CreateVolumePermissionSchema = z.union([
  z.strictObject({ Group: z.literal('all') }),
  z.strictObject({ UserId: z.string() }),
]);

const EbsSnapshotStateSchema = z.strictObject({
  snapshotId: z.string(),
  volumeId: z.string(),
  region: z.string(),
  volumeSize: z.number().int(),
  description: z.string(),
  createVolumePermissions: z.array(CreateVolumePermissionSchema),
});

const IamUserStateSchema = z.strictObject({
  userName: z.string(),
  userId: z.string(),
  attachedPolicyArns: z.array(z.string()),
});

/** An IAM role and its inline policies (name → JSON document, as PutRolePolicy stored it). */
const IamRoleStateSchema = z.strictObject({
  roleName: z.string(),
  roleId: z.string(),
  inlinePolicies: z.record(z.string(), z.string()),
});

/** One call AISAWS (or anyone) made through the simulated SDK clients: what `aisaws demo` lists as "API calls". */
const SimulatedCallSchema = z.strictObject({
  at: z.string(),
  service: z.string(),
  operation: z.string(),
  target: z.string(),
  outcome: z.enum(['ok', 'error']),
  error: z.string().optional(),
  /** Set when a simulated fault shaped the outcome (faults.ts): `throttle`, `serverError`, `timeout`, `changeNotKept`. */
  fault: z.string().optional(),
});

const AccountStateSchema = z.strictObject({
  accountId: z.string().regex(/^\d{12}$/, 'accountId must be 12 digits'),
  region: z.string(),
  /** The account's canonical user id, the owner of its buckets. */
  canonicalUserId: z.string(),
  buckets: z.record(z.string(), BucketStateSchema),
  securityGroups: z.record(z.string(), SecurityGroupStateSchema),
  trails: z.record(z.string(), TrailStateSchema),
  snapshots: z.record(z.string(), EbsSnapshotStateSchema),
  users: z.record(z.string(), IamUserStateSchema),
  /** Roles (added with the GuardDuty scenario; state files written before have none). */
  roles: z.record(z.string(), IamRoleStateSchema).default({}),
  /** Counter behind generated ids (sg-…, sgr-…, snap-…), so ids stay unique across runs. */
  sequence: z.number().int().nonnegative(),
  /** Calls made through the simulated SDK clients, newest last (bounded). */
  calls: z.array(SimulatedCallSchema),
});

type AclGrant = z.infer<typeof AclGrantSchema>;
type PublicAccessBlock = z.infer<typeof PublicAccessBlockSchema>;
type ObjectOwnership = z.infer<typeof ObjectOwnershipSchema>;
type BucketState = z.infer<typeof BucketStateSchema>;
type SecurityGroupRule = z.infer<typeof SecurityGroupRuleSchema>;
type SecurityGroupState = z.infer<typeof SecurityGroupStateSchema>;
type TrailState = z.infer<typeof TrailStateSchema>;
type CreateVolumePermission = z.infer<typeof CreateVolumePermissionSchema>;
type EbsSnapshotState = z.infer<typeof EbsSnapshotStateSchema>;
type IamUserState = z.infer<typeof IamUserStateSchema>;
type IamRoleState = z.infer<typeof IamRoleStateSchema>;
type SimulatedCall = z.infer<typeof SimulatedCallSchema>;
type AccountState = z.infer<typeof AccountStateSchema>;

export type {
  AccountState,
  AclGrant,
  BucketState,
  CreateVolumePermission,
  EbsSnapshotState,
  IamRoleState,
  IamUserState,
  ObjectOwnership,
  PublicAccessBlock,
  SecurityGroupRule,
  SecurityGroupState,
  SimulatedCall,
  TrailState,
};
export {
  AccountStateSchema,
  AclGrantSchema,
  ALL_USERS_URI,
  AUTHENTICATED_USERS_URI,
  CreateVolumePermissionSchema,
  PublicAccessBlockSchema,
};
