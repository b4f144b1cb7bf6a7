import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import parseChangeset from '@changesets/parse';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../../src/app.js';

// Every pending changeset must be one `changeset version` can read: a formatter once turned a one-package front
// matter into a Markdown heading, which only the release would have found.
const root = REPO_ROOT;
const changesetDir = join(root, '.changeset');
const changesets = readdirSync(changesetDir).filter((name) => name.endsWith('.md') && name !== 'README.md');

/** The names of the workspace's packages: packages/* and infra. */
function workspacePackageNames(): Set<string> {
  const dirs = [
    ...readdirSync(join(root, 'packages')).map((name) => join(root, 'packages', name)),
    join(root, 'infra'),
  ];
  const names = dirs.flatMap((dir) => {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      return typeof manifest.name === 'string' ? [manifest.name] : [];
    } catch {
      return [];
    }
  });
  return new Set(names);
}

describe('pending changesets', () => {
  const packages = workspacePackageNames();

  // After `changeset version` consumed them none is pending: then there is nothing to read, and it is counted as skipped.
  const eachPending = changesets.length > 0 ? it : it.skip;
  eachPending.each(changesets.length > 0 ? changesets : ['(none pending)'])(
    '%s names workspace packages with a bump and says why',
    (name) => {
      const parsed = parseChangeset(readFileSync(join(changesetDir, name), 'utf8'));
      expect(parsed.releases.length).toBeGreaterThan(0);
      for (const release of parsed.releases) {
        expect(packages).toContain(release.name);
        expect(['major', 'minor', 'patch']).toContain(release.type);
      }
      expect(parsed.summary.trim().length).toBeGreaterThan(20);
    },
  );

  it('refuses a front matter a Markdown formatter turned into a heading', () => {
    expect(() => parseChangeset('---\n\n## "@aisaws/infra": patch\n\nwhy\n')).toThrow();
  });
});
