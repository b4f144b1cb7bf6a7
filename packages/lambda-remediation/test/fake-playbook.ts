import { getPlaybook } from '@aisaws/core/playbooks';
import type { ResourceRef } from '@aisaws/core/schemas';
import type { ApplyOutcome, Playbook } from '@aisaws/playbooks';

/** An in-memory "bucket" playbook that records its calls: the Lambda's logic is tested apart from any SDK. */
function fakeBucketPlaybook(initial: { public: boolean }) {
  const descriptor = getPlaybook('s3.make-bucket-private');
  if (!descriptor) throw new Error('descriptor s3.make-bucket-private missing from core');
  const resource = { public: initial.public };
  const calls: { operation: string; target: ResourceRef; state?: Record<string, unknown> }[] = [];
  const failures: Error[] = [];
  const failIfAsked = () => {
    const error = failures.shift();
    if (error) throw error;
  };
  const playbook: Playbook = {
    id: 's3.make-bucket-private',
    descriptor,
    permissions: ['s3:GetBucketAcl', 's3:PutBucketAcl'],
    rollbackPermissions: ['s3:PutBucketAcl'],
    reversible: true,
    async snapshot(target) {
      calls.push({ operation: 'snapshot', target });
      failIfAsked();
      return { public: resource.public };
    },
    async apply(target, state): Promise<ApplyOutcome> {
      calls.push({ operation: 'apply', target, state });
      failIfAsked();
      if (!resource.public) return { status: 'already-compliant', changes: [] };
      resource.public = false;
      return { status: 'applied', changes: [`PutBucketAcl ${target.id}: private`] };
    },
    async verify(target) {
      calls.push({ operation: 'verify', target });
      return { converged: !resource.public, observed: { public: resource.public }, details: 'read back' };
    },
    async rollback(target, state) {
      calls.push({ operation: 'rollback', target, state });
      failIfAsked();
      resource.public = state.public === true;
      return { changes: [`PutBucketAcl ${target.id}: restored public=${String(state.public)}`] };
    },
  };
  return { playbook, resource, calls, failNext: (error: Error) => failures.push(error) };
}

export { fakeBucketPlaybook };
