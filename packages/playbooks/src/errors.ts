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

export { InvalidSnapshotError, InvalidTargetError, UnknownPlaybookError };
