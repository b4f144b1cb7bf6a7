/** The target (ResourceRef) lacks what the playbook needs, or names the wrong resource type. */
class InvalidTargetError extends Error {
  override readonly name = 'InvalidTargetError';
  readonly playbook: string;
  constructor(playbook: string, message: string) {
    super(`playbook ${playbook}: invalid target: ${message}`);
    this.playbook = playbook;
  }
}

/** The snapshot given to apply/rollback is not the shape this playbook's snapshot produces. */
class InvalidSnapshotError extends Error {
  override readonly name = 'InvalidSnapshotError';
  readonly playbook: string;
  constructor(playbook: string, message: string) {
    super(`playbook ${playbook}: invalid snapshot: ${message}`);
    this.playbook = playbook;
  }
}

/** No implementation exists for the playbook id. */
class UnknownPlaybookError extends Error {
  override readonly name = 'UnknownPlaybookError';
  readonly playbook: string;
  constructor(playbook: string) {
    super(`no playbook implementation for id ${JSON.stringify(playbook)}`);
    this.playbook = playbook;
  }
}

/**
 * The playbook re-enables monitoring (a trail, a recorder, a detector, management events): undoing it would switch
 * monitoring off again, so it has no rollback and no role holds the actions one would need.
 */
class ForwardOnlyError extends Error {
  override readonly name = 'ForwardOnlyError';
  readonly playbook: string;
  constructor(playbook: string) {
    super(
      `playbook ${playbook} is forward-only: it re-enables monitoring, and AISAWS never switches monitoring off again (turn it off by hand if you really mean to)`,
    );
    this.playbook = playbook;
  }
}

export { ForwardOnlyError, InvalidSnapshotError, InvalidTargetError, UnknownPlaybookError };
