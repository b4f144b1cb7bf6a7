import { toIngestedEvent } from '@aisaws/core/events';
import type { CloudTrailRecord, ScoredEvent } from '@aisaws/core/schemas';

/** A Score output for a record, with a chosen score (the decision depends on it, not on how it was computed). */
function scoredEvent(record: CloudTrailRecord, score: number): ScoredEvent {
  return {
    ...toIngestedEvent(record, { receivedAt: '2026-11-25T08:00:00.000Z' }),
    risk: {
      score,
      model: { id: 'test-fixed', version: '1' },
      explanation: [{ feature: 'fixed', value: score, contribution: score }],
    },
  };
}

export { scoredEvent };
