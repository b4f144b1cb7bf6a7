/** A policy document with an Allow to everyone and no condition (the simulation's notion of "public"). */
function policyIsPublic(policy: string | null): boolean {
  if (!policy) return false;
  try {
    const document: unknown = JSON.parse(policy);
    if (typeof document !== 'object' || document === null || !('Statement' in document)) return false;
    const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
    return statements.some((statement: unknown) => {
      if (typeof statement !== 'object' || statement === null) return false;
      const { Effect, Principal, Condition } = statement as Record<string, unknown>;
      const everyone =
        Principal === '*' ||
        (typeof Principal === 'object' &&
          Principal !== null &&
          (Principal as Record<string, unknown>).AWS === '*');
      return Effect === 'Allow' && everyone && Condition === undefined;
    });
  } catch {
    return false;
  }
}

export { policyIsPublic };
