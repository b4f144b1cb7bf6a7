import { type Clock, systemClock } from '@aisaws/core/ports';
import { VerificationRequestSchema, type VerificationResult } from '@aisaws/core/schemas';
import type { ClientFactory, Playbook, RootSessionFactory } from '@aisaws/playbooks';
import { loadPlaybookImplementation } from '@aisaws/playbooks/lazy';
import { verifyRemediation } from './verify.js';

/** Default: five minutes, a little less than the workflow's retry budget (5 s doubling to 60 s, 8 retries). */
const DEFAULT_VERIFICATION_DEADLINE_SECONDS = 300;

interface VerificationHandlerDeps {
  readonly clientsFor: (account: string) => Promise<ClientFactory>;
  /** Root sessions (sts:AssumeRoot, `createRootSessions` of @aisaws/playbooks/cross-account) in AWS; absent in tests/demo. */
  readonly rootSession?: RootSessionFactory;
  readonly playbookFor?: (id: string) => Playbook | Promise<Playbook>;
  readonly clock?: Clock;
  readonly deadlineSeconds?: number;
}

/** The Verification use case as a plain function: parses the VerificationRequest (strict) and verifies. */
function createVerificationHandler(
  deps: VerificationHandlerDeps,
): (event: unknown) => Promise<VerificationResult> {
  const resolved = {
    clientsFor: deps.clientsFor,
    ...(deps.rootSession ? { rootSession: deps.rootSession } : {}),
    playbookFor: deps.playbookFor ?? loadPlaybookImplementation,
    clock: deps.clock ?? systemClock,
    deadlineSeconds: deps.deadlineSeconds ?? DEFAULT_VERIFICATION_DEADLINE_SECONDS,
  };
  return async (event) => verifyRemediation(VerificationRequestSchema.parse(event), resolved);
}

export type { VerificationHandlerDeps };
export { createVerificationHandler, DEFAULT_VERIFICATION_DEADLINE_SECONDS };
