/** UuidSet: a Set of entryUUID strings kept as 16-byte keys; it must answer as a Set<string> would. */
import { describe, expect, it } from 'vitest';
import { UuidSet } from '../../../../listener/syncrepl/uuid-set.js';

const uuid = (n: number): string => {
  const hex = n.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

describe('UuidSet', () => {
  it('holds what was added and nothing else', () => {
    const set = new UuidSet().add(uuid(1)).add(uuid(2));
    expect(set.has(uuid(1))).toBe(true);
    expect(set.has(uuid(2))).toBe(true);
    expect(set.has(uuid(3))).toBe(false);
    expect(set.size).toBe(2);
  });

  it('counts a uuid added twice once', () => {
    expect(new UuidSet().add(uuid(7)).add(uuid(7)).size).toBe(1);
  });

  it('forgets a deleted uuid and keeps finding the others (past the tombstone)', () => {
    const set = new UuidSet();
    for (let n = 0; n < 50; n++) set.add(uuid(n));
    expect(set.delete(uuid(10))).toBe(true);
    expect(set.delete(uuid(10))).toBe(false);
    expect(set.has(uuid(10))).toBe(false);
    for (let n = 0; n < 50; n++) if (n !== 10) expect(set.has(uuid(n))).toBe(true);
    expect(set.size).toBe(49);
  });

  it('grows past its first table and still holds every uuid, as a Set would (90,000 entries)', () => {
    const set = new UuidSet();
    const reference = new Set<string>();
    for (let n = 0; n < 90_000; n++) {
      const id = uuid(n * 7919 + 12_345);
      set.add(id);
      reference.add(id);
    }
    for (let n = 0; n < 90_000; n += 3) {
      const id = uuid(n * 7919 + 12_345);
      set.delete(id);
      reference.delete(id);
    }
    expect(set.size).toBe(reference.size);
    expect(new Set(set)).toEqual(reference);
    expect(set.has(uuid(12_345))).toBe(false);
    expect(set.has(uuid(7919 + 12_345))).toBe(true);
  });

  it('keeps strings that are not canonical UUIDs as they are (upper case is another string)', () => {
    const set = new UuidSet().add('not-a-uuid').add(uuid(0xabcdef).toUpperCase());
    expect(set.has('not-a-uuid')).toBe(true);
    expect(set.has(uuid(0xabcdef).toUpperCase())).toBe(true);
    expect(set.has(uuid(0xabcdef))).toBe(false);
    expect([...set].sort()).toEqual([uuid(0xabcdef).toUpperCase(), 'not-a-uuid'].sort());
  });
});
