/**
 * A small, honest EventBridge pattern matcher for the subset the infra emits and a little more, so a test can tell
 * a real event from a near miss: exact value lists (any element of an array field may match), `{"prefix": …}`, `{"anything-but": [strings]}`,
 * `{"exists": …}`, nested objects and `$or`. Anything else throws instead of guessing.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

class UnsupportedPatternError extends Error {
  constructor(detail: string) {
    super(`pattern feature not supported by the test matcher: ${detail}`);
    this.name = 'UnsupportedPatternError';
  }
}

const isObject = (value: unknown): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function matchesOne(condition: Json, value: Json | undefined): boolean {
  if (condition === null || typeof condition !== 'object') {
    if (value === undefined) return false;
    const candidates = Array.isArray(value) ? value : [value];
    return candidates.some((candidate) => candidate === condition);
  }
  if (isObject(condition)) {
    const [operator, ...others] = Object.keys(condition);
    if (others.length > 0) throw new UnsupportedPatternError(JSON.stringify(condition));
    if (operator === 'prefix' && typeof condition.prefix === 'string') {
      const prefix = condition.prefix;
      const candidates = value === undefined ? [] : Array.isArray(value) ? value : [value];
      return candidates.some((candidate) => typeof candidate === 'string' && candidate.startsWith(prefix));
    }
    if (operator === 'exists' && typeof condition.exists === 'boolean')
      return (value !== undefined) === condition.exists;
    // anything-but with a list of strings: the field must be present and none of its values listed.
    const excluded = condition['anything-but'];
    if (
      operator === 'anything-but' &&
      Array.isArray(excluded) &&
      excluded.every((v) => typeof v === 'string')
    ) {
      if (value === undefined) return false;
      const candidates = Array.isArray(value) ? value : [value];
      return candidates.every((candidate) => !(excluded as Json[]).includes(candidate));
    }
    throw new UnsupportedPatternError(JSON.stringify(condition));
  }
  throw new UnsupportedPatternError(JSON.stringify(condition));
}

/** True when the event matches the pattern: every field must match (AND), each list is an OR of values. */
function matchesPattern(pattern: Record<string, Json>, event: Record<string, Json>): boolean {
  return Object.entries(pattern).every(([key, condition]) => {
    if (key === '$or') {
      if (!Array.isArray(condition)) throw new UnsupportedPatternError('$or must be a list');
      return condition.some((alternative) => isObject(alternative) && matchesPattern(alternative, event));
    }
    const value = event[key];
    if (Array.isArray(condition)) return condition.some((one) => matchesOne(one, value));
    // An array of objects (Security Hub's `detail.findings`): some element must match the nested pattern.
    if (isObject(condition))
      return Array.isArray(value)
        ? value.some((element) => isObject(element) && matchesPattern(condition, element))
        : isObject(value) && matchesPattern(condition, value);
    throw new UnsupportedPatternError(`${key}: ${JSON.stringify(condition)}`);
  });
}

export type { Json };
export { matchesPattern, UnsupportedPatternError };
