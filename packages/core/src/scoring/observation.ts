import { eventTimeMs, principalKey } from '../events/summarize.js';
import { isDeniedError } from '../features/classify.js';
import type { BaselineObservation } from '../ports/index.js';
import type { IngestedEvent } from '../schemas/stages.js';

/**
 * `eventSource:eventName`, one string per API: the same string object every time, so the baseline's set lookups
 * reuse its hash instead of hashing a freshly joined string per event. Bounded: past the cap, strings are joined
 * per call (same text).
 */
const apiKeys = new Map<string, Map<string, string>>();
const MAX_API_KEYS = 100_000;
let apiKeyCount = 0;

function apiKeyOf(eventSource: string, eventName: string): string {
  let byName = apiKeys.get(eventSource);
  const known = byName?.get(eventName);
  if (known !== undefined) return known;
  const key = `${eventSource}:${eventName}`;
  if (apiKeyCount < MAX_API_KEYS) {
    if (byName === undefined) {
      byName = new Map();
      apiKeys.set(eventSource, byName);
    }
    byName.set(eventName, key);
    apiKeyCount++;
  }
  return key;
}

/** What the baseline records of an event: its principal, API, origin and time (event time, else receivedAt). */
function observationOf(event: IngestedEvent): BaselineObservation {
  const { summary } = event;
  const at = eventTimeMs(event.record) ?? Date.parse(event.receivedAt);
  const observation: {
    -readonly [K in keyof BaselineObservation]: BaselineObservation[K];
  } = {
    eventId: event.eventId,
    principal: principalKey(event.record),
    api: apiKeyOf(summary.eventSource, summary.eventName),
    at: Number.isNaN(at) ? 0 : at,
    denied: isDeniedError(summary.errorCode),
  };
  if (summary.sourceIp !== undefined) observation.sourceIp = summary.sourceIp;
  if (summary.region !== 'unknown') observation.region = summary.region;
  return observation;
}

export { observationOf };
