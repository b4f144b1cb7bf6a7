import { type Clock, systemClock } from '@aisaws/core/ports';
import { RemediationRequestSchema, type RemediationResult } from '@aisaws/core/schemas';
import { createDocumentClient } from '@aisaws/lambda-runtime/dynamodb';
import type { ClientFactory, Playbook, RootSessionFactory } from '@aisaws/playbooks';
import { loadPlaybookImplementation } from '@aisaws/playbooks/lazy';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Authority, remediate } from './remediate.js';

interface RemediationHandlerDeps {
  /** Client of the account holding the events table (dynalite in tests). */
  readonly dynamo: DynamoDBClient;
  readonly eventsTable: string;
  /** ClientFactory per resource account: `createCrossAccountClients(...)` of `@aisaws/playbooks/cross-account` in AWS, a fixed factory in tests/demo. */
  readonly clientsFor: (account: string) => Promise<ClientFactory>;
  /** Root sessions (sts:AssumeRoot, `createRootSessions` of @aisaws/playbooks/cross-account) in AWS; absent in tests/demo. */
  readonly rootSession?: RootSessionFactory;
  /** Defaults to `loadPlaybookImplementation` of @aisaws/playbooks/lazy (a playbook's module loads on first use). */
  readonly playbookFor?: (id: string) => Playbook | Promise<Playbook>;
  readonly clock?: Clock;
  /**
   * `forward` (default): snapshot and apply, the Remediation Lambda with the apply role. `rollback`: rollback only,
   * the rollback function with the rollback role. Each refuses the other's actions (WrongAuthorityError).
   */
  readonly authority?: Authority;
  /** The approval HMAC key, to verify a rollback's signed approval (rollback authority). */
  readonly signingKey?: (options?: { readonly refresh?: boolean }) => Promise<string>;
}

/** The Remediation use case as a plain function: parses the RemediationRequest (strict) and runs it. */
function createRemediationHandler(
  deps: RemediationHandlerDeps,
): (event: unknown) => Promise<RemediationResult> {
  const resolved = {
    documents: createDocumentClient(deps.dynamo),
    eventsTable: deps.eventsTable,
    clientsFor: deps.clientsFor,
    ...(deps.rootSession ? { rootSession: deps.rootSession } : {}),
    playbookFor: deps.playbookFor ?? loadPlaybookImplementation,
    clock: deps.clock ?? systemClock,
    authority: deps.authority ?? 'forward',
    ...(deps.signingKey ? { signingKey: deps.signingKey } : {}),
  };
  return async (event) => remediate(RemediationRequestSchema.parse(event), resolved);
}

/** The same ClientFactory whatever the account (tests, the local demo). */
function sameClientsForEveryAccount(clients: ClientFactory): (account: string) => Promise<ClientFactory> {
  return async () => clients;
}

export type { RemediationHandlerDeps };
export { createRemediationHandler, sameClientsForEveryAccount };
