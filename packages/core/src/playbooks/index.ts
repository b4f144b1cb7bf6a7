import { PLAYBOOKS, type PlaybookDescriptor } from './descriptors.js';

const byId = new Map(PLAYBOOKS.map((p) => [p.id, p]));

/** The descriptor of a playbook id, or undefined. */
function getPlaybook(id: string): PlaybookDescriptor | undefined {
  return byId.get(id);
}

export type { PlaybookDescriptor } from './descriptors.js';
export { definePlaybook, PLAYBOOKS } from './descriptors.js';
export { getPlaybook };
