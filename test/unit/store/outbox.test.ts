/** The outbox's delivery rules, on a real (in-memory) SQLite database. */
import { beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../../app/store/index.js';

let store: Store;
const T0 = 1_000_000;

beforeEach(() => {
  store = Store.open(':memory:');
});

function add(
  uuid: string,
  payload: unknown = {},
  options: { kind?: string; coalesce?: boolean; at?: number } = {},
): void {
  store.outbox.enqueue(
    { uuid, kind: options.kind ?? 'event', payload, source: 'test', coalesce: options.coalesce },
    options.at ?? T0,
  );
}

const ids = (rows: { uuid: string }[]) => rows.map((r) => r.uuid);

describe('outbox', () => {
  it('hands out rows in insertion order', () => {
    add('a');
    add('b');
    add('c');
    expect(ids(store.outbox.claim(T0, 10))).toEqual(['a', 'b', 'c']);
  });

  it('claims at most one row per anchor at a time', () => {
    add('a', 1);
    add('a', 2);
    add('b');
    expect(ids(store.outbox.claim(T0, 10))).toEqual(['a', 'b']);
    expect(store.outbox.claim(T0, 10)).toEqual([]);
  });

  it('releases the next row of an anchor once the earlier one is delivered', () => {
    add('a', 1);
    add('a', 2);
    const [first] = store.outbox.claim(T0, 10);
    store.outbox.complete(first!);
    const [second] = store.outbox.claim(T0, 10);
    expect(JSON.parse(second!.payload)).toBe(2);
  });

  it('does not let a dead row block later changes of the same anchor', () => {
    add('a', 1);
    add('a', 2);
    const [first] = store.outbox.claim(T0, 10);
    store.outbox.markDead(first!.id, 'refused');
    expect(store.outbox.claim(T0, 10).map((r) => JSON.parse(r.payload))).toEqual([2]);
  });

  it('keeps a row waiting for its retry time invisible until then, and blocks its anchor', () => {
    add('a', 1);
    add('a', 2);
    const [first] = store.outbox.claim(T0, 10);
    store.outbox.retryLater(first!.id, T0 + 500, 'timeout');
    expect(store.outbox.claim(T0 + 499, 10)).toEqual([]);
    expect(store.outbox.claim(T0 + 500, 10).map((r) => [JSON.parse(r.payload), r.attempts])).toEqual([[1, 2]]);
  });

  it('delivers rows left in flight by a crash again', () => {
    add('a');
    store.outbox.claim(T0, 10);
    expect(store.outbox.recoverInflight()).toBe(1);
    expect(ids(store.outbox.claim(T0, 10))).toEqual(['a']);
  });

  it('coalesces a waiting event of the same anchor into the newest state', () => {
    add('a', 'old', { coalesce: true });
    add('a', 'new', { coalesce: true });
    const rows = store.outbox.claim(T0, 10);
    expect(rows.map((r) => JSON.parse(r.payload))).toEqual(['new']);
    expect(store.outbox.stats().pending).toBe(0);
  });

  it('does not coalesce into a row already in flight', () => {
    add('a', 'old', { coalesce: true });
    store.outbox.claim(T0, 10);
    add('a', 'new', { coalesce: true });
    expect(store.outbox.stats()).toMatchObject({ pending: 1, inflight: 1 });
  });

  it('does not coalesce across a row of another kind', () => {
    add('a', 'e1', { coalesce: true });
    add('a', 'apply', { kind: 'apply' });
    add('a', 'e2', { coalesce: true });
    expect(store.outbox.stats().pending).toBe(3);
  });

  it('revives a dead letter and discards another', () => {
    add('a');
    add('b');
    const [a, b] = store.outbox.claim(T0, 10);
    store.outbox.markDead(a!.id, 'no');
    store.outbox.markDead(b!.id, 'no');
    expect(store.outbox.revive(a!.id, T0)).toBe(true);
    expect(store.outbox.discard(b!.id)).toBe(true);
    expect(store.outbox.stats()).toMatchObject({ pending: 1, dead: 0 });
    expect(store.outbox.revive(a!.id, T0)).toBe(false);
  });

  it('drops older dead letters of an anchor when a newer change is delivered', () => {
    add('a', 1);
    const [first] = store.outbox.claim(T0, 10);
    store.outbox.markDead(first!.id, 'refused');
    add('a', 2);
    const [second] = store.outbox.claim(T0, 10);
    store.outbox.complete(second!);
    expect(store.outbox.stats()).toMatchObject({ pending: 0, inflight: 0, dead: 0 });
  });

  it('reports the creation time of the oldest undelivered row as lag', () => {
    add('a', 1, { at: T0 + 5 });
    add('b', 1, { at: T0 + 9 });
    expect(store.outbox.stats().oldestCreatedAt).toBe(T0 + 5);
  });

  it('enqueues nothing when the surrounding transaction fails', () => {
    expect(() =>
      store.transaction(() => {
        add('a');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.outbox.stats().pending).toBe(0);
  });
});
