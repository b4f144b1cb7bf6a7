import { eventTimeMs, principalKey } from '../events/summarize.js';
import { isDeniedError } from '../features/classify.js';
import type { BaselineObservation } from '../ports/index.js';
import type { IngestedEvent } from '../schemas/stages.js';

/** What the baseline records of an event: its principal, API, origin and time (event time, else receivedAt). */
function observationOf(event: IngestedEvent): BaselineObservation {
  const { summary } = event;
  const at = eventTimeMs(event.record) ?? Date.parse(event.receivedAt);
  const observation: {
    -readonly [K in keyof BaselineObservation]: BaselineObservation[K];
  } = {
    eventId: event.eventId,
    principal: principalKey(event.record),
    api: `${summary.eventSource}:${summary.eventName}`,
    at: Number.isNaN(at) ? 0 : at,
    denied: isDeniedError(summary.errorCode),
  };
  if (summary.sourceIp !== undefined) observation.sourceIp = summary.sourceIp;
  if (summary.region !== 'unknown') observation.region = summary.region;
  return observation;
}

export { observationOf };
