import { UnknownPlaybookError } from './errors.js';
import type { Playbook } from './types.js';

/** Builds the lookup over an explicit list of implementations; throws on a duplicate id. */
function createPlaybookRegistry(implementations: readonly Playbook[]) {
  const byId = new Map<string, Playbook>();
  for (const playbook of implementations) {
    if (byId.has(playbook.id)) throw new Error(`playbook ${playbook.id}: implemented twice`);
    byId.set(playbook.id, playbook);
  }

  /** The implementation of a playbook id; throws UnknownPlaybookError when there is none. */
  function getPlaybookImplementation(id: string): Playbook {
    const playbook = byId.get(id);
    if (!playbook) throw new UnknownPlaybookError(id);
    return playbook;
  }

  const select = (ids?: readonly string[]): readonly Playbook[] =>
    ids === undefined ? implementations : ids.map(getPlaybookImplementation);

  /**
   * The forward IAM actions (snapshot, apply, verify) of the given playbooks (all when ids is omitted), sorted and
   * unique: the input of the apply roles' least-privilege policies. An unknown id throws UnknownPlaybookError.
   */
  function permissionsFor(ids?: readonly string[]): string[] {
    return [...new Set(select(ids).flatMap((playbook) => playbook.permissions))].sort();
  }

  /** The rollback IAM actions of the given playbooks (all when ids is omitted): the rollback roles' policies. */
  function rollbackPermissionsFor(ids?: readonly string[]): string[] {
    return [...new Set(select(ids).flatMap((playbook) => playbook.rollbackPermissions))].sort();
  }

  return { getPlaybookImplementation, permissionsFor, rollbackPermissionsFor };
}

export { createPlaybookRegistry };
