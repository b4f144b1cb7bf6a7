import {
  cloudtrailConfigurationChanged,
  configConfigurationChanged,
  ec2FirewallChanged,
  ec2ImageCreated,
  ec2InstanceLifecycleChanged,
  ec2NetworkTopologyChanged,
  ecrRepositoryChanged,
  iamCredentialsChanged,
  iamPolicyChanged,
  iamPrincipalCreated,
  lambdaFunctionChanged,
  s3BucketAccessChanged,
  s3ObjectDeleted,
} from './change-audit.js';
import {
  cloudtrailLoggingStopped,
  cloudtrailManagementEventsExcluded,
  cloudtrailTrailDeleted,
  cloudtrailTrailWeakened,
  loggingTamperAttempt,
} from './cloudtrail.js';
import { codebuildProjectPublic } from './codebuild.js';
import {
  bedrockModelAccessEnabled,
  bedrockSafeguardsRemoved,
  ec2EbsDefaultEncryptionDisabled,
  ec2ImdsV1Allowed,
  ec2InstanceExport,
  ec2KeyPairImported,
  ec2SerialConsoleEnabled,
  ec2UnusualInstanceLaunch,
  ec2UserDataModified,
  efsDeleted,
  glueDevEndpointRole,
  instanceConnectSshKey,
  sesSendingAbuse,
  ssmSendCommand,
  ssmStartSession,
} from './compute.js';
import {
  ec2PasswordDataRead,
  ec2UserDataRead,
  secretsBatchRetrieval,
  secretsValueRead,
  ssmSecureStringDecrypted,
} from './credentials.js';
import { rdsDeletionProtectionDisabled, rdsInstancePublic, rdsMasterPasswordChanged } from './database.js';
import {
  rdsActivityStreamStopped,
  rdsAvailabilityChanged,
  rdsBackupDeleted,
  rdsDatabaseDeleted,
  rdsIamRoleAdded,
  rdsLogDownloaded,
  rdsManualSnapshotCreated,
  rdsSecurityGroupIngress,
  rdsSnapshotCopiedToRegion,
  rdsSnapshotEnumeration,
  rdsSnapshotExported,
} from './database-operations.js';
import {
  accountContactDiscovery,
  iamGroupEnumeration,
  reconDeniedEnumeration,
  securityControlsDiscovery,
  sesSendingProbe,
} from './discovery.js';
import { ec2NetworkAclOpenToWorld, ec2SecurityGroupOpenToWorld } from './ec2-network.js';
import {
  iamAccessKeyForOtherUser,
  iamAdminInlinePolicy,
  iamAdminPolicyAttached,
  iamCompromisedKeyQuarantine,
  iamLoginProfileForOtherUser,
  iamRoleTrustBackdoor,
  iamUserAddedToAdminGroup,
} from './iam.js';
import {
  consoleLoginFailed,
  consoleLoginWithoutMfa,
  consoleSessionFromKeys,
  identityProviderCreated,
  rolesAnywhereTrustAnchor,
  rootAccessKeyCreated,
  rootActivity,
  rootConsoleLogin,
  rootConsoleLoginFailed,
  rootPasswordChanged,
  stsFederationToken,
} from './identity.js';
import { kmsKeyDeletionScheduled, kmsKeyDisabled, kmsKeyMaterialImported } from './kms.js';
import {
  lambdaCodeUpdated,
  lambdaFunctionUrlPublic,
  lambdaLayerAdded,
  lambdaLayerPermissionPublic,
  lambdaPermissionPublic,
} from './lambda.js';
import {
  configRecorderDeleted,
  configRecorderStopped,
  ec2FlowLogsDeleted,
  guarddutyDetectorDeleted,
  guarddutyDetectorSuspended,
  guarddutyFindingsSuppressed,
  guarddutyMembershipRemoved,
  macieDisabled,
  route53ResolverQueryLoggingDeleted,
  securityhubDisabled,
  wafWebAclDisassociated,
} from './monitoring.js';
import {
  accountRegionEnabled,
  organizationsGuardrailRemoved,
  organizationsLeaveAttempt,
  route53DomainTransfer,
} from './organizations.js';
import { reconOffensiveToolUserAgent } from './recon.js';
import { createDetectionRegistry } from './registry.js';
import { resourcePolicyPublic } from './resource-policy.js';
import {
  s3AccountPublicAccessBlockRemoved,
  s3BucketAclPublic,
  s3BucketDeleted,
  s3BucketEncryptionDeleted,
  s3BucketLoggingDisabled,
  s3BucketPolicyCrossAccount,
  s3BucketPolicyPublic,
  s3BucketPublicAccessBlockRemoved,
  s3TrailBucketShortLifecycle,
  s3VersioningSuspended,
} from './s3.js';
import {
  s3ObjectCopiedToForeignAccount,
  s3ObjectEncryptedWithCustomerKey,
  s3ObjectEncryptedWithForeignKey,
  s3RansomNoteUploaded,
  s3ReplicationRemoved,
} from './s3-objects.js';
import { ec2AmiShared, ec2SnapshotShared, rdsSnapshotShared, ssmDocumentShared } from './sharing.js';
import {
  iamUserConsoleSignIn,
  stsCallerCheckWithUserKey,
  stsSessionTokenByIamUser,
} from './sign-in-activity.js';
import { ec2TrafficMirroringChanged } from './traffic-mirroring.js';

/**
 * The detection catalog: every definition, listed explicitly (no decorators, so a bundler can never drop one).
 * One file per detection family; add new definitions here, grouped as in the files.
 */
const DETECTIONS = Object.freeze([
  // s3.ts
  s3BucketAclPublic,
  s3BucketPolicyPublic,
  s3BucketPolicyCrossAccount,
  s3BucketPublicAccessBlockRemoved,
  s3AccountPublicAccessBlockRemoved,
  s3VersioningSuspended,
  s3TrailBucketShortLifecycle,
  s3BucketLoggingDisabled,
  s3BucketEncryptionDeleted,
  s3BucketDeleted,
  // ec2-network.ts
  ec2SecurityGroupOpenToWorld,
  ec2NetworkAclOpenToWorld,
  // cloudtrail.ts
  cloudtrailLoggingStopped,
  cloudtrailTrailDeleted,
  cloudtrailTrailWeakened,
  cloudtrailManagementEventsExcluded,
  loggingTamperAttempt,
  // monitoring.ts
  guarddutyDetectorDeleted,
  guarddutyDetectorSuspended,
  guarddutyMembershipRemoved,
  guarddutyFindingsSuppressed,
  configRecorderStopped,
  configRecorderDeleted,
  ec2FlowLogsDeleted,
  route53ResolverQueryLoggingDeleted,
  securityhubDisabled,
  macieDisabled,
  wafWebAclDisassociated,
  // iam.ts
  iamAdminPolicyAttached,
  iamAdminInlinePolicy,
  iamCompromisedKeyQuarantine,
  iamAccessKeyForOtherUser,
  iamLoginProfileForOtherUser,
  iamRoleTrustBackdoor,
  iamUserAddedToAdminGroup,
  // identity.ts
  rootActivity,
  rootConsoleLogin,
  rootConsoleLoginFailed,
  rootPasswordChanged,
  rootAccessKeyCreated,
  consoleLoginWithoutMfa,
  consoleLoginFailed,
  consoleSessionFromKeys,
  stsFederationToken,
  rolesAnywhereTrustAnchor,
  identityProviderCreated,
  // sharing.ts
  ec2SnapshotShared,
  ec2AmiShared,
  rdsSnapshotShared,
  ssmDocumentShared,
  // database.ts
  rdsInstancePublic,
  rdsDeletionProtectionDisabled,
  rdsMasterPasswordChanged,
  // kms.ts
  kmsKeyDeletionScheduled,
  kmsKeyDisabled,
  kmsKeyMaterialImported,
  // resource-policy.ts
  resourcePolicyPublic,
  // lambda.ts
  lambdaFunctionUrlPublic,
  lambdaPermissionPublic,
  lambdaLayerPermissionPublic,
  lambdaCodeUpdated,
  lambdaLayerAdded,
  // credentials.ts
  secretsBatchRetrieval,
  secretsValueRead,
  ssmSecureStringDecrypted,
  ec2PasswordDataRead,
  ec2UserDataRead,
  // compute.ts
  ec2UnusualInstanceLaunch,
  ec2UserDataModified,
  ec2SerialConsoleEnabled,
  ec2EbsDefaultEncryptionDisabled,
  ec2ImdsV1Allowed,
  instanceConnectSshKey,
  ssmSendCommand,
  ssmStartSession,
  bedrockModelAccessEnabled,
  bedrockSafeguardsRemoved,
  ec2InstanceExport,
  ec2KeyPairImported,
  glueDevEndpointRole,
  sesSendingAbuse,
  efsDeleted,
  // organizations.ts
  organizationsLeaveAttempt,
  organizationsGuardrailRemoved,
  route53DomainTransfer,
  accountRegionEnabled,
  // recon.ts
  reconOffensiveToolUserAgent,
  // database-operations.ts
  rdsDatabaseDeleted,
  rdsBackupDeleted,
  rdsSnapshotExported,
  rdsSnapshotCopiedToRegion,
  rdsActivityStreamStopped,
  rdsSecurityGroupIngress,
  rdsIamRoleAdded,
  rdsLogDownloaded,
  rdsManualSnapshotCreated,
  rdsAvailabilityChanged,
  rdsSnapshotEnumeration,
  // s3-objects.ts
  s3ObjectEncryptedWithCustomerKey,
  s3ObjectEncryptedWithForeignKey,
  s3ObjectCopiedToForeignAccount,
  s3RansomNoteUploaded,
  s3ReplicationRemoved,
  // traffic-mirroring.ts
  ec2TrafficMirroringChanged,
  // codebuild.ts
  codebuildProjectPublic,
  // change-audit.ts (informational)
  ec2FirewallChanged,
  ec2NetworkTopologyChanged,
  ec2InstanceLifecycleChanged,
  ec2ImageCreated,
  iamPolicyChanged,
  iamPrincipalCreated,
  iamCredentialsChanged,
  cloudtrailConfigurationChanged,
  configConfigurationChanged,
  s3BucketAccessChanged,
  s3ObjectDeleted,
  ecrRepositoryChanged,
  lambdaFunctionChanged,
  // discovery.ts (informational)
  iamGroupEnumeration,
  accountContactDiscovery,
  sesSendingProbe,
  securityControlsDiscovery,
  reconDeniedEnumeration,
  // sign-in-activity.ts (informational)
  iamUserConsoleSignIn,
  stsSessionTokenByIamUser,
  stsCallerCheckWithUserKey,
]);

const catalog = createDetectionRegistry(DETECTIONS);

export { catalog, DETECTIONS };
