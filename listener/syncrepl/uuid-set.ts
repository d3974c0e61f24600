/**
 * A set of entryUUIDs kept as 16-byte keys in one buffer: a refresh of 90,000 users notes every
 * uuid it sees, and as strings in a `Set` they would take some 8 MB of heap (plus their table's
 * rehash copies) for the length of the refresh. Here they take 2 MB outside the heap. Strings
 * that are not canonical UUIDs (never sent by slapd, but a test may use them) go into a plain
 * `Set`, so the set behaves the same for any string.
 */
const KEY = 16;
const EMPTY = 0;
const USED = 1;
const DELETED = 2;
const CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class UuidSet implements Iterable<string> {
  private capacity = 1024;
  private keys = Buffer.alloc(this.capacity * KEY);
  private states = new Uint8Array(this.capacity);
  private used = 0;
  /** Slots taken by keys or tombstones: what the load factor counts. */
  private taken = 0;
  private readonly others = new Set<string>();
  private readonly scratch = Buffer.alloc(KEY);

  get size(): number {
    return this.used + this.others.size;
  }

  has(uuid: string): boolean {
    if (!CANONICAL.test(uuid)) return this.others.has(uuid);
    return this.find(this.encode(uuid)) >= 0;
  }

  add(uuid: string): this {
    if (!CANONICAL.test(uuid)) {
      this.others.add(uuid);
      return this;
    }
    const key = this.encode(uuid);
    if (this.find(key) >= 0) return this;
    if ((this.taken + 1) * 10 > this.capacity * 7) this.grow();
    this.insert(key);
    return this;
  }

  delete(uuid: string): boolean {
    if (!CANONICAL.test(uuid)) return this.others.delete(uuid);
    const slot = this.find(this.encode(uuid));
    if (slot < 0) return false;
    this.states[slot] = DELETED;
    this.used -= 1;
    return true;
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let slot = 0; slot < this.capacity; slot++)
      if (this.states[slot] === USED) yield decode(this.keys.subarray(slot * KEY, slot * KEY + KEY));
    yield* this.others;
  }

  /** The slot holding `key`, or -1. */
  private find(key: Buffer): number {
    const mask = this.capacity - 1;
    for (let slot = home(key, this.capacity), probes = 0; probes < this.capacity; slot = (slot + 1) & mask, probes++) {
      const state = this.states[slot];
      if (state === EMPTY) return -1;
      if (state === USED && this.keys.compare(key, 0, KEY, slot * KEY, slot * KEY + KEY) === 0) return slot;
    }
    return -1;
  }

  private insert(key: Buffer): void {
    const mask = this.capacity - 1;
    let slot = home(key, this.capacity);
    while (this.states[slot] === USED) slot = (slot + 1) & mask;
    if (this.states[slot] === EMPTY) this.taken += 1;
    key.copy(this.keys, slot * KEY);
    this.states[slot] = USED;
    this.used += 1;
  }

  /** Doubles the table (or rebuilds it at the same size when tombstones fill it) and re-inserts every key. */
  private grow(): void {
    const { keys, states, capacity } = this;
    if (this.used * 2 > capacity) this.capacity = capacity * 2;
    this.keys = Buffer.alloc(this.capacity * KEY);
    this.states = new Uint8Array(this.capacity);
    this.used = 0;
    this.taken = 0;
    for (let slot = 0; slot < capacity; slot++)
      if (states[slot] === USED) this.insert(keys.subarray(slot * KEY, slot * KEY + KEY));
  }

  private encode(uuid: string): Buffer {
    this.scratch.write(uuid.replace(/-/g, ''), 'hex');
    return this.scratch;
  }
}

/** The home slot of `key` in a table of `capacity` (a power of two) slots: Fibonacci hashing, top bits. */
function home(key: Buffer, capacity: number): number {
  const mixed = key.readUInt32BE(0) ^ key.readUInt32BE(4) ^ key.readUInt32BE(8) ^ key.readUInt32BE(12);
  return Math.imul(mixed, 0x9e3779b1) >>> (32 - Math.log2(capacity));
}

function decode(key: Buffer): string {
  const hex = key.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
