import type { BaselineObservation, BaselineSnapshot, BaselineStore } from './index.js';
import { RememberedEvents } from './remembered-events.js';

/**
 * Behaviour baseline in process memory, for `aisaws scan`, the local sandbox and tests.
 *
 * Semantics
 * - "Seen before" (principal, API, IP, region) is decided in ARRIVAL order: whatever was observed earlier in the
 *   stream counts as known, whatever its event time. Log files are not sorted across files, and this keeps the
 *   answer a pure function of the input order.
 * - The sliding window is by EVENT time: `recentCalls`/`recentDenied` count the principal's earlier-arrived calls
 *   whose event time lies in `[at − window, at]`. A call that arrived earlier but happened later is not counted.
 *   Calls older than the principal's latest event time minus the window are pruned, so an event that arrives much
 *   later than it happened sees a partial window.
 * - An observation without a source IP or region counts as "seen" for that attribute (nothing new to flag).
 * - Idempotent per eventId: observing the same eventId again returns the first snapshot and changes nothing.
 *
 * Memory bounds (all FIFO: when full, the oldest entry is forgotten, so it may later read as new again)
 * - principals: `maxPrincipals` (default 10,000);
 * - per principal: `maxApisPerPrincipal` (2,000), `maxIpsPerPrincipal` (500), `maxRegionsPerPrincipal` (64),
 *   `maxWindowEntries` timestamps in the window (10,000);
 * - remembered eventIds for idempotency: `maxRememberedEvents` (200,000; a duplicate older than that is counted
 *   again). Each is kept as one packed number, not an object; a UUID eventId as its bits (RememberedEvents).
 */

interface InMemoryBaselineOptions {
  /** Sliding window length; default 5 minutes. */
  readonly windowMs?: number;
  readonly maxPrincipals?: number;
  readonly maxApisPerPrincipal?: number;
  readonly maxIpsPerPrincipal?: number;
  readonly maxRegionsPerPrincipal?: number;
  readonly maxWindowEntries?: number;
  readonly maxRememberedEvents?: number;
}

const DEFAULTS: Required<InMemoryBaselineOptions> = {
  windowMs: 5 * 60 * 1000,
  maxPrincipals: 10_000,
  maxApisPerPrincipal: 2_000,
  maxIpsPerPrincipal: 500,
  maxRegionsPerPrincipal: 64,
  maxWindowEntries: 10_000,
  maxRememberedEvents: 200_000,
};

interface PrincipalState {
  readonly apis: Set<string>;
  readonly ips: Set<string>;
  readonly regions: Set<string>;
  /** Event times of the calls in the window, ascending. */
  calls: number[];
  /** Event times of the denied calls in the window, ascending. */
  denied: number[];
  latest: number;
}

/** Adds to a bounded insertion-ordered set, forgetting the oldest entry when full. */
function addBounded<T>(set: Set<T>, value: T, max: number): void {
  if (set.has(value)) return;
  if (set.size >= max) {
    const oldest = set.values().next();
    if (!oldest.done) set.delete(oldest.value);
  }
  set.add(value);
}

/** Index of the first element ≥ value in an ascending array. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element > value in an ascending array. */
function upperBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? 0) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts keeping the order (appending in the common in-order case) and keeps at most `max` newest entries. */
function insertSorted(sorted: number[], value: number, max: number): number[] {
  const last = sorted[sorted.length - 1];
  if (last === undefined || value >= last) sorted.push(value);
  else sorted.splice(upperBound(sorted, value), 0, value);
  return sorted.length > max ? sorted.slice(sorted.length - max) : sorted;
}

/** Drops entries older than the cutoff; only slices when enough is stale, so the cost stays amortised. */
function prune(sorted: number[], cutoff: number): number[] {
  const stale = lowerBound(sorted, cutoff);
  return stale > 32 || stale === sorted.length ? sorted.slice(stale) : sorted;
}

function countInWindow(sorted: readonly number[], from: number, to: number): number {
  const length = sorted.length;
  if (length === 0) return 0;
  // In-order arrival (the common case): every entry is ≤ to, so the upper bound is the length.
  const last = sorted[length - 1] ?? 0;
  return (last <= to ? length : upperBound(sorted, to)) - lowerBound(sorted, from);
}

class InMemoryBaselineStore implements BaselineStore {
  private readonly options: Required<InMemoryBaselineOptions>;
  private readonly principals = new Map<string, PrincipalState>();
  /** eventId → its snapshot, packed into one number (no object per remembered event; a UUID not even a string). */
  private readonly remembered: RememberedEvents;

  constructor(options: InMemoryBaselineOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
    if (!(this.options.windowMs > 0)) throw new RangeError('InMemoryBaselineStore: windowMs must be > 0');
    this.remembered = new RememberedEvents(this.options.maxRememberedEvents);
  }

  /** Number of principals currently remembered (for tests and memory reports). */
  get principalCount(): number {
    return this.principals.size;
  }

  observe(observation: BaselineObservation): Promise<BaselineSnapshot> {
    return Promise.resolve(this.observeSync(observation));
  }

  /** The synchronous core of `observe`, for hot loops such as `scan`. */
  observeSync(observation: BaselineObservation): BaselineSnapshot {
    const known = this.remembered.get(observation.eventId);
    if (known !== undefined) return unpack(known);

    const state = this.principals.get(observation.principal);
    let snapshot: BaselineSnapshot;
    if (state) {
      snapshot = this.snapshotOf(state, observation);
      this.record(state, observation, snapshot);
    } else {
      snapshot = FIRST_CALL;
      this.record(this.createPrincipal(observation.principal), observation, undefined);
    }

    this.remembered.add(observation.eventId, pack(snapshot));
    return snapshot;
  }

  private snapshotOf(state: PrincipalState, observation: BaselineObservation): BaselineSnapshot {
    const from = observation.at - this.options.windowMs;
    return {
      principalSeenBefore: true,
      apiSeenBefore: state.apis.has(observation.api),
      ipSeenBefore: observation.sourceIp === undefined || state.ips.has(observation.sourceIp),
      regionSeenBefore: observation.region === undefined || state.regions.has(observation.region),
      recentCalls: countInWindow(state.calls, from, observation.at),
      recentDenied: countInWindow(state.denied, from, observation.at),
    };
  }

  private createPrincipal(principal: string): PrincipalState {
    if (this.principals.size >= this.options.maxPrincipals) {
      const oldest = this.principals.keys().next();
      if (!oldest.done) this.principals.delete(oldest.value);
    }
    const state: PrincipalState = {
      apis: new Set(),
      ips: new Set(),
      regions: new Set(),
      calls: [],
      denied: [],
      latest: Number.NEGATIVE_INFINITY,
    };
    this.principals.set(principal, state);
    return state;
  }

  /** Adds the observation to the principal's state; `seen` (the snapshot just taken, if any) skips known values. */
  private record(
    state: PrincipalState,
    observation: BaselineObservation,
    seen: BaselineSnapshot | undefined,
  ): void {
    const o = this.options;
    if (!seen?.apiSeenBefore) addBounded(state.apis, observation.api, o.maxApisPerPrincipal);
    if (observation.sourceIp !== undefined && !seen?.ipSeenBefore)
      addBounded(state.ips, observation.sourceIp, o.maxIpsPerPrincipal);
    if (observation.region !== undefined && !seen?.regionSeenBefore)
      addBounded(state.regions, observation.region, o.maxRegionsPerPrincipal);
    if (!Number.isFinite(observation.at)) return;
    state.latest = Math.max(state.latest, observation.at);
    const cutoff = state.latest - o.windowMs;
    state.calls = prune(insertSorted(state.calls, observation.at, o.maxWindowEntries), cutoff);
    if (observation.denied)
      state.denied = prune(insertSorted(state.denied, observation.at, o.maxWindowEntries), cutoff);
  }
}

/** Window counts above this are remembered as this (for idempotent replays only; 2^21 − 1 ≈ 2 million). */
const COUNT_CAP = 2 ** 21 - 1;
const FLAGS = 16;

/** Four flags and two counts in one float64-safe integer (4 + 21 + 21 bits). */
function pack(snapshot: BaselineSnapshot): number {
  const flags =
    (snapshot.principalSeenBefore ? 1 : 0) |
    (snapshot.apiSeenBefore ? 2 : 0) |
    (snapshot.ipSeenBefore ? 4 : 0) |
    (snapshot.regionSeenBefore ? 8 : 0);
  const calls = Math.min(snapshot.recentCalls, COUNT_CAP);
  const denied = Math.min(snapshot.recentDenied, COUNT_CAP);
  return flags + calls * FLAGS + denied * FLAGS * (COUNT_CAP + 1);
}

function unpack(packed: number): BaselineSnapshot {
  const flags = packed % FLAGS;
  const rest = Math.floor(packed / FLAGS);
  return {
    principalSeenBefore: (flags & 1) !== 0,
    apiSeenBefore: (flags & 2) !== 0,
    ipSeenBefore: (flags & 4) !== 0,
    regionSeenBefore: (flags & 8) !== 0,
    recentCalls: rest % (COUNT_CAP + 1),
    recentDenied: Math.floor(rest / (COUNT_CAP + 1)),
  };
}

const FIRST_CALL: BaselineSnapshot = Object.freeze({
  principalSeenBefore: false,
  apiSeenBefore: false,
  ipSeenBefore: false,
  regionSeenBefore: false,
  recentCalls: 0,
  recentDenied: 0,
});

export type { InMemoryBaselineOptions };
export { InMemoryBaselineStore };
