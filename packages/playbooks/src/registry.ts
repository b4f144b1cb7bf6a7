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

  /**
   * The IAM actions the given playbooks need (all playbooks when ids is omitted), sorted and unique: the input of
   * the infra's least-privilege policies. An unknown id throws UnknownPlaybookError.
   */
  function permissionsFor(ids?: readonly string[]): string[] {
    const selected = ids === undefined ? implementations : ids.map(getPlaybookImplementation);
    return [...new Set(selected.flatMap((playbook) => playbook.permissions))].sort();
  }

  return { getPlaybookImplementation, permissionsFor };
}

export { createPlaybookRegistry };
