import type { PlaybookDescriptor } from '@aisaws/core/playbooks';
import type { ResourceRef } from '@aisaws/core/schemas';

/**
 * Creates an SDK v3 client for the target account and region. The remediation Lambda injects one that carries the
 * cross-account credentials; the local demo injects simulated clients; tests inject mocked ones.
 */
type ClientFactory = <C>(ClientClass: new (config: { region: string }) => C, region: string) => C;

/**
 * Opens a root-user session in a member account (sts:AssumeRoot, Organizations centralized root access) limited by an
 * AWS managed task policy, and returns a ClientFactory whose clients act as that root user.
 */
type RootSessionFactory = (account: string, taskPolicyArn: string) => Promise<ClientFactory>;

/** What a playbook may use besides its arguments. */
interface PlaybookContext {
  readonly clients: ClientFactory;
  readonly now: () => Date;
  /**
   * Present only where AISAWS runs in the organization's management or delegated-administrator account (the
   * remediation and verification Lambdas); the playbooks that need a root session refuse without it.
   */
  readonly rootSession?: RootSessionFactory;
}

/** The result of `apply`: `already-compliant` means nothing was written. */
interface ApplyOutcome {
  status: 'applied' | 'already-compliant';
  /** Human-readable, one line per change, e.g. "PutPublicAccessBlock logs-2024: all four settings true". */
  changes: string[];
}

/** The result of `verify`, read back from the real resource (never assumed from `apply`). */
interface VerifyOutcome {
  converged: boolean;
  /** The values read, JSON-serialisable. */
  observed: Record<string, unknown>;
  /** One sentence saying what holds or what does not. */
  details: string;
}

interface RollbackOutcome {
  changes: string[];
}

/**
 * One remediation: take a snapshot of the prior state, apply the fix (idempotent), verify by re-reading, and roll
 * back from the snapshot. Every operation validates `target.details` first and throws `InvalidTargetError` when a
 * target the playbook needs is missing.
 */
interface Playbook {
  /** A descriptor id from `@aisaws/core/playbooks` (`PLAYBOOKS`). */
  readonly id: string;
  readonly descriptor: PlaybookDescriptor;
  /** The exact IAM actions snapshot, apply and verify send, e.g. `s3:PutBucketAcl` (the apply role's). */
  readonly permissions: readonly string[];
  /** The exact IAM actions rollback sends (the rollback role's); empty for a forward-only playbook. */
  readonly rollbackPermissions: readonly string[];
  /** False for a forward-only playbook (it re-enables monitoring): `rollback` throws ForwardOnlyError. */
  readonly reversible: boolean;
  /** The prior state, JSON-serialisable; what `rollback` restores. */
  snapshot(target: ResourceRef, ctx: PlaybookContext): Promise<Record<string, unknown>>;
  apply(target: ResourceRef, snapshot: Record<string, unknown>, ctx: PlaybookContext): Promise<ApplyOutcome>;
  verify(target: ResourceRef, ctx: PlaybookContext): Promise<VerifyOutcome>;
  rollback(
    target: ResourceRef,
    snapshot: Record<string, unknown>,
    ctx: PlaybookContext,
  ): Promise<RollbackOutcome>;
}

export type {
  ApplyOutcome,
  ClientFactory,
  Playbook,
  PlaybookContext,
  RollbackOutcome,
  RootSessionFactory,
  VerifyOutcome,
};
