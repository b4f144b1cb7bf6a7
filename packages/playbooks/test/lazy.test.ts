import { describe, expect, it } from '@jest/globals';
import { PLAYBOOK_IMPLEMENTATIONS, UnknownPlaybookError } from '../src/index.js';
import { LAZY_PLAYBOOK_IDS, loadPlaybookImplementation } from '../src/lazy.js';

describe('loadPlaybookImplementation (the Lambdas’ lazy lookup)', () => {
  it('knows exactly the ids of the eager list', () => {
    expect(LAZY_PLAYBOOK_IDS).toEqual(PLAYBOOK_IMPLEMENTATIONS.map((playbook) => playbook.id).sort());
  });

  it.each(PLAYBOOK_IMPLEMENTATIONS.map((playbook) => [playbook.id, playbook] as const))(
    'loads the same implementation object for %s',
    async (id, playbook) => {
      await expect(loadPlaybookImplementation(id)).resolves.toBe(playbook);
    },
  );

  it('rejects an unknown id, and names inherited keys of a plain object as unknown too', async () => {
    await expect(loadPlaybookImplementation('s3.no-such-fix')).rejects.toBeInstanceOf(UnknownPlaybookError);
    await expect(loadPlaybookImplementation('constructor')).rejects.toBeInstanceOf(UnknownPlaybookError);
  });
});
