const cache = new Map<string, RegExp>();

/**
 * A glob over identifiers (ARNs, bucket names, ids): `*` matches any run of characters (including `/` and `:`),
 * `?` one character; everything else is literal. Case-sensitive, like ARNs.
 */
function globToRegExp(glob: string): RegExp {
  const known = cache.get(glob);
  if (known) return known;
  const source = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  const regex = new RegExp(`^${source}$`);
  if (cache.size < 1_000) cache.set(glob, regex);
  return regex;
}

/** The first glob that matches one of the values, or undefined. */
function firstMatchingGlob(
  globs: readonly string[],
  values: readonly (string | undefined)[],
): string | undefined {
  for (const glob of globs) {
    const regex = globToRegExp(glob);
    for (const value of values) if (value !== undefined && regex.test(value)) return glob;
  }
  return undefined;
}

export { firstMatchingGlob, globToRegExp };
