/**
 * A ReadonlyMap answered by lookups instead of stored entries (an index in SQLite, a union of
 * two maps): subclasses give `get`, `has` and `entries`; the rest of the interface follows.
 */
export abstract class ReadonlyMapView<K, V> implements ReadonlyMap<K, V> {
  abstract get(key: K): V | undefined;
  abstract has(key: K): boolean;
  abstract entries(): MapIterator<[K, V]>;

  get size(): number {
    let n = 0;
    for (const _ of this.entries()) n++;
    return n;
  }

  *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(fn: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void {
    for (const [key, value] of this.entries()) fn(value, key, this);
  }
}
