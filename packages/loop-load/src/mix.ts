import type { SimulatedAccount } from '@aisaws/simulated-account';
import prand from 'pure-rand';
import { LOAD_NAME_PREFIX, LOOP_SCENARIOS, type LoopScenario, type LoopTarget } from './scenarios.js';

/**
 * The inputs of a load run, in delivery order: change events of the demo scenarios (each on a resource of its own),
 * redeliveries of some of them (EventBridge and CloudTrail deliver at least once) and malformed inputs. Generated
 * from a seed: the same seed and sizes give the same mix, scenario by scenario.
 */

interface ChangeInput {
  readonly kind: 'event';
  readonly scenario: LoopScenario;
  readonly target: LoopTarget;
  readonly eventId: string;
  readonly event: unknown;
}

interface DuplicateInput {
  readonly kind: 'duplicate';
  /** The change event delivered again (same envelope, same CloudTrail eventID). */
  readonly original: ChangeInput;
  readonly eventId: string;
  readonly event: unknown;
}

interface MalformedInput {
  readonly kind: 'malformed';
  /** What is wrong with it, e.g. `detail missing`. */
  readonly defect: string;
  readonly event: unknown;
}

type LoopInput = ChangeInput | DuplicateInput | MalformedInput;

interface MixOptions {
  readonly events: number;
  /** Share of inputs that redeliver an earlier event (default 0.10). */
  readonly duplicateShare?: number;
  /** Share of inputs that are not valid events (default 0.05). */
  readonly malformedShare?: number;
  /** Half the redeliveries arrive within this many inputs of their original (while it may still be in flight). */
  readonly nearWindow?: number;
  readonly seed?: number;
  readonly scenarios?: readonly LoopScenario[];
}

interface Mix {
  readonly inputs: readonly LoopInput[];
  readonly counts: { readonly events: number; readonly duplicates: number; readonly malformed: number };
}

class MixOptionsError extends Error {
  override readonly name = 'MixOptionsError';
}

function createRandom(seed: number) {
  const rng = prand.xoroshiro128plus(seed);
  return {
    /** Uniform in [0, 1). */
    next: () => prand.unsafeUniformIntDistribution(0, 0xffffffff, rng) / 0x100000000,
    /** Uniform integer in [min, max]. */
    int: (min: number, max: number) => prand.unsafeUniformIntDistribution(min, max, rng),
  };
}
type Random = ReturnType<typeof createRandom>;

function pickScenario(scenarios: readonly LoopScenario[], random: Random): LoopScenario {
  const total = scenarios.reduce((sum, scenario) => sum + scenario.weight, 0);
  let draw = random.next() * total;
  for (const scenario of scenarios) {
    draw -= scenario.weight;
    if (draw < 0) return scenario;
  }
  return scenarios[scenarios.length - 1] as LoopScenario;
}

function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const DEFECTS = ['detail missing', 'eventID missing', 'not an object', 'wrong field types'] as const;

/** A malformed input derived from a real event; each is unique (it carries its index), as real garbage is. */
function malformedFrom(source: ChangeInput, defect: (typeof DEFECTS)[number], index: number): unknown {
  const event = jsonCopy(source.event) as Record<string, unknown>;
  const detail = event.detail as Record<string, unknown>;
  switch (defect) {
    case 'detail missing':
      delete event.detail;
      return { ...event, id: `${String(event.id)}-truncated-${index}` };
    case 'eventID missing':
      delete detail.eventID;
      detail.requestID = `load-malformed-${index}`;
      return event;
    case 'not an object':
      return `${JSON.stringify(event).slice(0, 120)}… (cut off, input ${index})`;
    case 'wrong field types':
      detail.eventTime = `yesterday (${index})`;
      detail.eventSource = 42;
      return event;
  }
}

/**
 * Builds the inputs: sets up one resource per change event in the account, makes the risky call (its CloudTrail
 * record is the event), then places redeliveries after their original and malformed inputs anywhere.
 */
function generateMix(account: SimulatedAccount, options: MixOptions): Mix {
  const { events } = options;
  const duplicateShare = options.duplicateShare ?? 0.1;
  const malformedShare = options.malformedShare ?? 0.05;
  if (!Number.isInteger(events) || events < 1)
    throw new MixOptionsError(`events must be a positive integer, got ${events}`);
  if (duplicateShare < 0 || malformedShare < 0 || duplicateShare + malformedShare >= 1)
    throw new MixOptionsError('duplicateShare and malformedShare are ≥ 0 and add up to less than 1');
  const scenarios = options.scenarios ?? LOOP_SCENARIOS;
  const random = createRandom(options.seed ?? 17);
  const nearWindow = Math.max(1, options.nearWindow ?? 50);

  const malformed = Math.round(events * malformedShare);
  const duplicates = Math.round(events * duplicateShare);
  const valid = events - malformed - duplicates;
  if (valid < 1) throw new MixOptionsError(`${events} inputs leave no valid event after the shares`);

  const changes: ChangeInput[] = [];
  for (let index = 0; index < valid; index++) {
    const scenario = pickScenario(scenarios, random);
    const target = scenario.setup(account, { prefix: LOAD_NAME_PREFIX, tag: String(index) });
    const { record, event } = scenario.trigger(account, target);
    changes.push({ kind: 'event', scenario, target, eventId: String(record.eventID), event });
  }

  // Sort keys: a change event at its position, a redelivery shortly or long after its original, malformed anywhere.
  const keyed: { key: number; input: LoopInput }[] = changes.map((input, position) => ({
    key: position,
    input,
  }));
  for (let n = 0; n < duplicates; n++) {
    const position = random.int(0, valid - 1);
    const original = changes[position] as ChangeInput;
    const near = n % 2 === 0;
    const delay = near ? random.next() * nearWindow : random.next() * (valid - position);
    keyed.push({
      key: position + 0.001 + delay,
      input: { kind: 'duplicate', original, eventId: original.eventId, event: jsonCopy(original.event) },
    });
  }
  for (let n = 0; n < malformed; n++) {
    const defect = DEFECTS[n % DEFECTS.length] as (typeof DEFECTS)[number];
    const source = changes[random.int(0, valid - 1)] as ChangeInput;
    keyed.push({
      key: random.next() * valid,
      input: { kind: 'malformed', defect, event: malformedFrom(source, defect, n) },
    });
  }
  keyed.sort((a, b) => a.key - b.key);
  return {
    inputs: keyed.map((entry) => entry.input),
    counts: { events: valid, duplicates, malformed },
  };
}

export type { ChangeInput, DuplicateInput, LoopInput, MalformedInput, Mix, MixOptions };
export { generateMix, MixOptionsError };
