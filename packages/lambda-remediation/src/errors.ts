/** The events item is not in the status this action requires (e.g. a snapshot for an item that is not DECIDED). */
class EventStateConflictError extends Error {
  override readonly name = 'EventStateConflictError';
}

/** The decided event does not say what to remediate (no playbook, or the detection has no resource). */
class NothingToRemediateError extends Error {
  override readonly name = 'NothingToRemediateError';
}

/** apply/rollback found no snapshot on the events item. */
class SnapshotNotFoundError extends Error {
  override readonly name = 'SnapshotNotFoundError';
}

/**
 * The workflow input does not match the events item Decide wrote (another decision, another target), or the stored
 * decision permits no remediation: whoever started the execution is not trusted over the stored item.
 */
class StoredDecisionMismatchError extends Error {
  override readonly name = 'StoredDecisionMismatchError';
}

/** A rollback that may not run: no valid signed approval for this event, or the item is not a verified fix. */
class RollbackRefusedError extends Error {
  override readonly name = 'RollbackRefusedError';
  readonly eventId: string;
  constructor(eventId: string, reason: string) {
    super(`rollback of event ${eventId} refused: ${reason}`);
    this.eventId = eventId;
  }
}

/** The live state is no longer what verify recorded after the fix: rolling back would overwrite a later change. */
class RollbackDriftError extends Error {
  override readonly name = 'RollbackDriftError';
  readonly eventId: string;
  readonly diff: readonly string[];
  constructor(eventId: string, diff: readonly string[]) {
    super(
      `rollback of event ${eventId} refused: the resource changed after the fix was verified, and a rollback would overwrite it. Live vs verified:\n${diff.map((line) => `  ${line}`).join('\n')}`,
    );
    this.eventId = eventId;
    this.diff = diff;
  }
}

/** The request asks for the other half of the authority (apply role asked to roll back, or the reverse). */
class WrongAuthorityError extends Error {
  override readonly name = 'WrongAuthorityError';
}

export {
  EventStateConflictError,
  NothingToRemediateError,
  RollbackDriftError,
  RollbackRefusedError,
  SnapshotNotFoundError,
  StoredDecisionMismatchError,
  WrongAuthorityError,
};
