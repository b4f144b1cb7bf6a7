import { restoreManagementEvents, startLogging } from './playbooks/cloudtrail.js';
import { recreateTrail } from './playbooks/cloudtrail-recreate.js';
import { isolateInstance } from './playbooks/ec2-isolation.js';
import { revokeWorldOpenIngress } from './playbooks/ec2-security-group.js';
import { makeAmiPrivate, makeSnapshotPrivate } from './playbooks/ec2-sharing.js';
import { deactivateAccessKey, detachAdminPolicy } from './playbooks/iam.js';
import { deleteInlineAdminPolicy } from './playbooks/iam-inline.js';
import { deleteRootAccessKey } from './playbooks/iam-root.js';
import { revokeRoleSessions } from './playbooks/iam-sessions.js';
import { cancelKeyDeletion } from './playbooks/kms.js';
import { removePublicPermission, requireUrlAuth } from './playbooks/lambda.js';
import { enableDetector, recreateDetector, startRecorder } from './playbooks/monitoring.js';
import { makeRdsSnapshotPrivate } from './playbooks/rds.js';
import { restoreAccountPublicAccessBlock } from './playbooks/s3-account.js';
import { makeBucketPrivate, restoreBucketPublicAccessBlock } from './playbooks/s3-bucket.js';
import { removePublicPolicyStatements } from './playbooks/s3-policy.js';
import { enableHub, recreateAnalyzer } from './playbooks/security-services.js';
import { createPlaybookRegistry } from './registry.js';
import type { Playbook } from './types.js';

/** Every playbook implementation, one per descriptor id of `@aisaws/core/playbooks` (an invariant test checks it). */
const PLAYBOOK_IMPLEMENTATIONS: readonly Playbook[] = Object.freeze([
  makeBucketPrivate,
  restoreBucketPublicAccessBlock,
  restoreAccountPublicAccessBlock,
  removePublicPolicyStatements,
  revokeWorldOpenIngress,
  startLogging,
  restoreManagementEvents,
  startRecorder,
  enableDetector,
  makeSnapshotPrivate,
  makeAmiPrivate,
  makeRdsSnapshotPrivate,
  cancelKeyDeletion,
  requireUrlAuth,
  removePublicPermission,
  deactivateAccessKey,
  detachAdminPolicy,
  deleteInlineAdminPolicy,
  recreateDetector,
  enableHub,
  recreateAnalyzer,
  recreateTrail,
  deleteRootAccessKey,
  revokeRoleSessions,
  isolateInstance,
]);

const { getPlaybookImplementation, permissionsFor, rollbackPermissionsFor } =
  createPlaybookRegistry(PLAYBOOK_IMPLEMENTATIONS);

export {
  ForwardOnlyError,
  InvalidSnapshotError,
  InvalidTargetError,
  UnknownPlaybookError,
} from './errors.js';
export type {
  ApplyOutcome,
  ClientFactory,
  Playbook,
  PlaybookContext,
  RollbackOutcome,
  RootSessionFactory,
  VerifyOutcome,
} from './types.js';
export { getPlaybookImplementation, PLAYBOOK_IMPLEMENTATIONS, permissionsFor, rollbackPermissionsFor };
