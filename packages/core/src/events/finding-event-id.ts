/**
 * The event id AISAWS gives a finding (GuardDuty or Security Hub): `finding:<id>@<updatedAt>`, the time normalised
 * to ISO-8601 with milliseconds (`…:12Z` and `…:12.000Z` are one instant: one key). Ingest records a finding under
 * it; the reconcile job and Ingest's quarantine compute it from the finding as delivered, so all three name the
 * same event. A time that is not a date is kept as it is.
 */
function findingEventIdOf(findingId: string, updatedAt: string): string {
  const ms = Date.parse(updatedAt);
  return `finding:${findingId}@${Number.isNaN(ms) ? updatedAt : new Date(ms).toISOString()}`;
}

export { findingEventIdOf };
