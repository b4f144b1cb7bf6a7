import { UnknownPlaybookError } from './errors.js';
import type { Playbook } from './types.js';

/**
 * Each playbook id → a loader that imports only that playbook's module, hence only the one AWS SDK client it uses.
 *
 * Why: the remediation and verification Lambdas may run any of the playbooks, but one invocation runs one. Importing
 * them all at cold start loaded twelve SDK clients (the EC2 client alone is most of a second of module init); with
 * this table the bundle (built with code splitting) loads a playbook's chunk on its first use in the container.
 * `index.ts` stays the eager list for the infra, the CLI and the tests; a test checks that both hold the same
 * implementations, so a new playbook fails the tests until it has its loader here.
 */
const PLAYBOOK_LOADERS: Readonly<Record<string, () => Promise<Playbook>>> = Object.freeze({
  's3.make-bucket-private': () => import('./playbooks/s3-bucket.js').then((m) => m.makeBucketPrivate),
  's3.restore-bucket-public-access-block': () =>
    import('./playbooks/s3-bucket.js').then((m) => m.restoreBucketPublicAccessBlock),
  's3.restore-account-public-access-block': () =>
    import('./playbooks/s3-account.js').then((m) => m.restoreAccountPublicAccessBlock),
  's3.remove-public-policy-statements': () =>
    import('./playbooks/s3-policy.js').then((m) => m.removePublicPolicyStatements),
  'ec2.revoke-world-open-ingress': () =>
    import('./playbooks/ec2-security-group.js').then((m) => m.revokeWorldOpenIngress),
  'cloudtrail.start-logging': () => import('./playbooks/cloudtrail.js').then((m) => m.startLogging),
  'cloudtrail.restore-management-events': () =>
    import('./playbooks/cloudtrail.js').then((m) => m.restoreManagementEvents),
  'config.start-recorder': () => import('./playbooks/monitoring.js').then((m) => m.startRecorder),
  'guardduty.enable-detector': () => import('./playbooks/monitoring.js').then((m) => m.enableDetector),
  'ec2.make-snapshot-private': () => import('./playbooks/ec2-sharing.js').then((m) => m.makeSnapshotPrivate),
  'ec2.make-ami-private': () => import('./playbooks/ec2-sharing.js').then((m) => m.makeAmiPrivate),
  'rds.make-snapshot-private': () => import('./playbooks/rds.js').then((m) => m.makeRdsSnapshotPrivate),
  'kms.cancel-key-deletion': () => import('./playbooks/kms.js').then((m) => m.cancelKeyDeletion),
  'lambda.require-url-auth': () => import('./playbooks/lambda.js').then((m) => m.requireUrlAuth),
  'lambda.remove-public-permission': () =>
    import('./playbooks/lambda.js').then((m) => m.removePublicPermission),
  'iam.deactivate-access-key': () => import('./playbooks/iam.js').then((m) => m.deactivateAccessKey),
  'iam.detach-admin-policy': () => import('./playbooks/iam.js').then((m) => m.detachAdminPolicy),
  'iam.delete-inline-admin-policy': () =>
    import('./playbooks/iam-inline.js').then((m) => m.deleteInlineAdminPolicy),
  'guardduty.recreate-detector': () => import('./playbooks/monitoring.js').then((m) => m.recreateDetector),
  'securityhub.enable-hub': () => import('./playbooks/security-services.js').then((m) => m.enableHub),
  'iam.delete-root-access-key': () => import('./playbooks/iam-root.js').then((m) => m.deleteRootAccessKey),
  'cloudtrail.recreate-trail': () =>
    import('./playbooks/cloudtrail-recreate.js').then((m) => m.recreateTrail),
  'accessanalyzer.recreate-analyzer': () =>
    import('./playbooks/security-services.js').then((m) => m.recreateAnalyzer),
  'iam.revoke-role-sessions': () => import('./playbooks/iam-sessions.js').then((m) => m.revokeRoleSessions),
  'ec2.isolate-instance': () => import('./playbooks/ec2-isolation.js').then((m) => m.isolateInstance),
});

/** The ids the lazy table can load. */
const LAZY_PLAYBOOK_IDS: readonly string[] = Object.freeze(Object.keys(PLAYBOOK_LOADERS).sort());

/** The implementation of a playbook id, its module imported on first use; rejects with UnknownPlaybookError. */
async function loadPlaybookImplementation(id: string): Promise<Playbook> {
  const load = Object.hasOwn(PLAYBOOK_LOADERS, id) ? PLAYBOOK_LOADERS[id] : undefined;
  if (!load) throw new UnknownPlaybookError(id);
  return load();
}

export { LAZY_PLAYBOOK_IDS, loadPlaybookImplementation };
