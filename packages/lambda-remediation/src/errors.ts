/** The events item is not in the status this action requires (e.g. a snapshot for an item that is not DECIDED). */
class EventStateConflictError extends Error {
  override readonly name = 'EventStateConflictError';
}

/** The decided event does not say what to remediate (no playbook, or the detection has no resource). */
class NothingToRemediateError extends Error {
  override readonly name = 'NothingToRemediateError';
}

/** apply/rollback found no snapshot in the request nor on the events item. */
class SnapshotNotFoundError extends Error {
  override readonly name = 'SnapshotNotFoundError';
}

export { EventStateConflictError, NothingToRemediateError, SnapshotNotFoundError };
