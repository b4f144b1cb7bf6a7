/**
 * What changed between two observations of a resource (what verify recorded after the fix, what it reads now), one
 * line per differing leaf: `acl.Grants[1]: verified (absent), live {"Grantee":…}`. Values are JSON, cut at 120
 * characters, so a diff stays readable in an error and an alert.
 */

type Leaves = Map<string, string>;

const MAX_VALUE = 120;

function show(value: string | undefined): string {
  if (value === undefined) return '(absent)';
  return value.length > MAX_VALUE ? `${value.slice(0, MAX_VALUE - 1)}…` : value;
}

function flatten(value: unknown, path: string, out: Leaves): Leaves {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(path, '[]');
    value.forEach((item, index) => {
      flatten(item, `${path}[${index}]`, out);
    });
  } else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, inner]) => inner !== undefined);
    if (entries.length === 0) out.set(path, '{}');
    for (const [key, inner] of entries) flatten(inner, path ? `${path}.${key}` : key, out);
  } else out.set(path, JSON.stringify(value));
  return out;
}

/** The differing leaves, sorted by path; empty when the two observations are the same. */
function diffObserved(verified: unknown, live: unknown): string[] {
  const before = flatten(verified, '', new Map());
  const after = flatten(live, '', new Map());
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  return paths
    .filter((path) => before.get(path) !== after.get(path))
    .map((path) => `${path || '(value)'}: verified ${show(before.get(path))}, live ${show(after.get(path))}`);
}

export { diffObserved };
