/**
 * Ports: the interfaces core needs from the outside world. Adapters live elsewhere (in-memory here for `scan`,
 * DynamoDB in the Lambdas).
 */

/** One call, as the behaviour baseline sees it. */
interface BaselineObservation {
  readonly eventId: string;
  /** Stable principal key (ARN of the user, or of the role's session issuer). */
  readonly principal: string;
  /** `eventSource:eventName` */
  readonly api: string;
  readonly sourceIp?: string;
  readonly region?: string;
  /** Epoch milliseconds of the event. */
  readonly at: number;
  /** The call was denied (AccessDenied*, UnauthorizedOperation …). */
  readonly denied: boolean;
}

/** What the baseline knew about the principal before this observation. */
interface BaselineSnapshot {
  readonly principalSeenBefore: boolean;
  readonly apiSeenBefore: boolean;
  readonly ipSeenBefore: boolean;
  readonly regionSeenBefore: boolean;
  /** Denied calls by this principal in the sliding window before this event. */
  readonly recentDenied: number;
  /** Calls by this principal in the sliding window before this event. */
  readonly recentCalls: number;
}

/**
 * Behaviour memory per principal. `observe` records the call and answers what was known before it. It must be
 * idempotent per eventId: observing the same event twice answers the same snapshot and counts it once.
 */
interface BaselineStore {
  observe(observation: BaselineObservation): Promise<BaselineSnapshot>;
}

/** Time source, injected so tests and replays are deterministic. */
interface Clock {
  now(): Date;
}

const systemClock: Clock = { now: () => new Date() };

export type { InMemoryBaselineOptions } from './in-memory-baseline.js';
export { InMemoryBaselineStore } from './in-memory-baseline.js';
export type { BaselineObservation, BaselineSnapshot, BaselineStore, Clock };
export { systemClock };
