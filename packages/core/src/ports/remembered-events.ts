/**
 * The eventIds a baseline store has observed, each with a number (its packed snapshot), at most `max` of them: when
 * full, the oldest is forgotten (FIFO). Exact, like a Map keyed by the id, but an id written as a lowercase UUID (as
 * CloudTrail writes eventID) is kept as its 128 bits in typed arrays, not as a string: `scan` remembers up to 200,000
 * ids, and keeping each one's string alive (and a Map of that size growing) cost more than the rest of the baseline.
 * Any other id is kept in a Map. Two ids are the same exactly when their strings are equal (`ABC…` and `abc…` are
 * different ids: only lowercase hex is read as bits).
 *
 * Layout: a ring of entries in arrival order (entry i: 4 words of its UUID or its string, and its number) and an
 * open-addressing table (linear probing, at most half full) from a UUID's hash to its entry. Forgetting the oldest
 * entry deletes its table slot by backward shift, so no tombstones build up.
 */

const FIRST_CAPACITY = 1024;
const EMPTY = 0;

/** The 32 hex digits of a lowercase UUID (8-4-4-4-12) into 4 words; false for anything else. */
function readUuid(id: string, into: Int32Array): boolean {
  if (id.length !== 36) return false;
  let word = 0;
  let digits = 0;
  let w = 0;
  for (let i = 0; i < 36; i++) {
    const c = id.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 0x2d) return false;
      continue;
    }
    let value: number;
    if (c >= 0x30 && c <= 0x39) value = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) value = c - 0x57;
    else return false;
    word = (word << 4) | value;
    if (++digits === 8) {
      into[w++] = word;
      word = 0;
      digits = 0;
    }
  }
  return true;
}

function hashWords(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(
    a ^ Math.imul(b, 0x9e3779b1) ^ Math.imul(c, 0x85ebca6b) ^ Math.imul(d, 0xc2b2ae35),
    0x27d4eb2d,
  );
  h ^= h >>> 15;
  return h;
}

class RememberedEvents {
  private readonly max: number;
  /** Ring of entries: `words[4i…4i+3]` the UUID of entry i, `ids[i]` its id when it is not a UUID. */
  private words = new Int32Array(0);
  private values = new Float64Array(0);
  private ids: (string | undefined)[] = [];
  private capacity = 0;
  /** Ring index of the oldest entry, and how many there are. */
  private head = 0;
  private count = 0;
  /** Hash table of the UUID entries: entry index + 1, or EMPTY. */
  private slots = new Int32Array(0);
  private mask = -1;
  private uuids = 0;
  private readonly byId = new Map<string, number>();
  /** The UUID last read (get, then add, read the same id). */
  private readonly scratch = new Int32Array(4);
  private scratchId: string | undefined;
  private scratchIsUuid = false;

  constructor(max: number) {
    this.max = Math.max(1, Math.floor(max));
  }

  get size(): number {
    return this.count;
  }

  /** The number remembered for `id`, or undefined. */
  get(id: string): number | undefined {
    if (!this.read(id)) {
      const entry = this.byId.get(id);
      return entry === undefined ? undefined : this.values[entry];
    }
    const entry = this.find();
    return entry === -1 ? undefined : this.values[entry];
  }

  /** Remembers `id` (not remembered yet) with `value`, forgetting the oldest id when full. */
  add(id: string, value: number): void {
    if (this.count >= this.max) this.forgetOldest();
    if (this.count === this.capacity) this.grow();
    const entry = (this.head + this.count) % this.capacity;
    this.values[entry] = value;
    if (!this.read(id)) {
      this.ids[entry] = id;
      this.byId.set(id, entry);
      this.count++;
      return;
    }
    if (2 * (this.uuids + 1) > this.slots.length)
      this.rehash(Math.max(2 * FIRST_CAPACITY, 2 * this.slots.length));
    const { scratch, words } = this;
    this.ids[entry] = undefined;
    words[4 * entry] = scratch[0] as number;
    words[4 * entry + 1] = scratch[1] as number;
    words[4 * entry + 2] = scratch[2] as number;
    words[4 * entry + 3] = scratch[3] as number;
    this.insert(entry);
    this.uuids++;
    this.count++;
  }

  private read(id: string): boolean {
    if (this.scratchId !== id) {
      this.scratchIsUuid = readUuid(id, this.scratch);
      this.scratchId = id;
    }
    return this.scratchIsUuid;
  }

  private hashOf(entry: number): number {
    const w = this.words;
    return hashWords(
      w[4 * entry] as number,
      w[4 * entry + 1] as number,
      w[4 * entry + 2] as number,
      w[4 * entry + 3] as number,
    );
  }

  /** The entry holding the UUID in `scratch`, or -1. */
  private find(): number {
    if (this.uuids === 0) return -1;
    const { scratch, words, slots, mask } = this;
    const a = scratch[0] as number;
    const b = scratch[1] as number;
    const c = scratch[2] as number;
    const d = scratch[3] as number;
    for (let slot = hashWords(a, b, c, d) & mask; ; slot = (slot + 1) & mask) {
      const held = slots[slot] as number;
      if (held === EMPTY) return -1;
      const entry = held - 1;
      if (
        words[4 * entry] === a &&
        words[4 * entry + 1] === b &&
        words[4 * entry + 2] === c &&
        words[4 * entry + 3] === d
      )
        return entry;
    }
  }

  private insert(entry: number): void {
    const { slots, mask } = this;
    let slot = this.hashOf(entry) & mask;
    while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
    slots[slot] = entry + 1;
  }

  private forgetOldest(): void {
    const entry = this.head;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    const id = this.ids[entry];
    if (id !== undefined) {
      this.byId.delete(id);
      this.ids[entry] = undefined;
      return;
    }
    this.uuids--;
    // Delete its slot, then shift back the entries after it that probed past it.
    const { slots, mask } = this;
    let hole = this.hashOf(entry) & mask;
    while (slots[hole] !== entry + 1) hole = (hole + 1) & mask;
    slots[hole] = EMPTY;
    for (let slot = (hole + 1) & mask; slots[slot] !== EMPTY; slot = (slot + 1) & mask) {
      const held = slots[slot] as number;
      const home = this.hashOf(held - 1) & mask;
      // Moves back unless its home lies cyclically in (hole, slot].
      const stays = hole <= slot ? home > hole && home <= slot : home > hole || home <= slot;
      if (!stays) {
        slots[hole] = held;
        slots[slot] = EMPTY;
        hole = slot;
      }
    }
  }

  /** A larger ring (only while not full: entries then sit at 0 … count − 1, so their indexes stay). */
  private grow(): void {
    const capacity = Math.min(this.max, Math.max(FIRST_CAPACITY, this.capacity * 2));
    const words = new Int32Array(4 * capacity);
    words.set(this.words);
    const values = new Float64Array(capacity);
    values.set(this.values);
    this.words = words;
    this.values = values;
    this.capacity = capacity;
  }

  /** A table of `size` slots (a power of two) holding every UUID entry. */
  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    for (let i = 0; i < this.count; i++) {
      const entry = (this.head + i) % this.capacity;
      if (this.ids[entry] === undefined) this.insert(entry);
    }
  }
}

export { RememberedEvents };
