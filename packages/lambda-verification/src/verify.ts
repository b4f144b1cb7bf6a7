import type { Clock } from '@aisaws/core/ports';
import { SCHEMA_VERSION, type VerificationRequest, type VerificationResult } from '@aisaws/core/schemas';
import { classifyThrottling } from '@aisaws/lambda-runtime';
import type { ClientFactory, Playbook, RootSessionFactory } from '@aisaws/playbooks';
import { NotConvergedError, VerificationFailedError } from './errors.js';

interface VerificationDeps {
  readonly clientsFor: (account: string) => Promise<ClientFactory>;
  /** Root sessions of member accounts (sts:AssumeRoot), for the playbooks that need one; absent in tests/demo. */
  readonly rootSession?: RootSessionFactory;
  /** Playbook lookup by id (`loadPlaybookImplementation` of @aisaws/playbooks/lazy in production). */
  readonly playbookFor: (id: string) => Playbook | Promise<Playbook>;
  readonly clock: Clock;
  /** Seconds after the remediation's `at` within which the resource must read back compliant. */
  readonly deadlineSeconds: number;
}

/**
 * Re-reads the real resource through the playbook's `verify` (never trusts `apply`). Converged → a `converged`
 * result; not yet → NotConvergedError (the workflow retries with backoff); past the deadline →
 * VerificationFailedError with what was observed.
 */
async function verifyRemediation(
  request: VerificationRequest,
  deps: VerificationDeps,
): Promise<VerificationResult> {
  const { event, remediation } = request;
  if (remediation.status === 'dry-run')
    throw new VerificationFailedError(
      `event ${event.eventId}: nothing to verify, the remediation was a dry run`,
    );
  const detection = event.detections.find((hit) => hit.id === event.decision.detectionId);
  if (!detection?.resource)
    throw new VerificationFailedError(
      `event ${event.eventId}: the decided detection names no resource to verify`,
    );
  const playbook = await deps.playbookFor(remediation.playbook);
  const resource = detection.resource;
  const ctx = {
    clients: await deps.clientsFor(resource.account),
    now: () => deps.clock.now(),
    ...(deps.rootSession ? { rootSession: deps.rootSession } : {}),
  };

  const outcome = await classifyThrottling(`${playbook.id} verify`, () => playbook.verify(resource, ctx));

  const now = deps.clock.now();
  if (outcome.converged)
    return {
      schemaVersion: SCHEMA_VERSION,
      eventId: event.eventId,
      playbook: playbook.id,
      status: 'converged',
      observed: outcome.observed,
      details: outcome.details,
      checkedAt: now.toISOString(),
    };
  const elapsedSeconds = (now.getTime() - Date.parse(remediation.at)) / 1000;
  const observed = JSON.stringify(outcome.observed);
  if (elapsedSeconds > deps.deadlineSeconds)
    throw new VerificationFailedError(
      `${resource.type} ${resource.id} still not compliant ${Math.round(elapsedSeconds)} s after the fix (deadline ${deps.deadlineSeconds} s): ${outcome.details} Observed: ${observed}`,
    );
  throw new NotConvergedError(
    `${resource.type} ${resource.id} not compliant yet: ${outcome.details} Observed: ${observed}`,
  );
}

export type { VerificationDeps };
export { verifyRemediation };
