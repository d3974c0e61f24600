import { describe, expect, it } from 'vitest';

import { RefreshTracker, type SyncSinkEvent } from '../../../../listener/syncrepl/refresh-tracker.js';
import type { SyncEvent } from '../../../../listener/syncrepl/sync-events.js';

const A = '00000000-0000-0000-0000-00000000000a';
const B = '00000000-0000-0000-0000-00000000000b';
const C = '00000000-0000-0000-0000-00000000000c';

const add = (uuid: string, cookie?: string): SyncEvent => ({
  type: 'entry',
  state: 'add',
  uuid,
  dn: `uid=${uuid.slice(-1)},dc=x`,
  attributes: { uid: [uuid.slice(-1)] },
  cookie,
});
const present = (uuid: string): SyncEvent => ({
  type: 'entry',
  state: 'present',
  uuid,
  dn: `uid=${uuid.slice(-1)},dc=x`,
  attributes: {},
});
const upsert = (uuid: string): SyncSinkEvent => ({
  kind: 'upsert',
  uuid,
  user: { uuid, dn: `uid=${uuid.slice(-1)},dc=x`, attributes: { uid: [uuid.slice(-1)] } },
});
const presentSet = (...uuids: string[]): SyncSinkEvent => ({ kind: 'presentSet', uuids: new Set(uuids) });

/** Feeds events and concatenates the outputs; `cookies` lists the cookie of every output that carried one. */
function run(tracker: RefreshTracker, events: SyncEvent[]): { events: SyncSinkEvent[]; cookies: string[] } {
  const out: SyncSinkEvent[] = [];
  const cookies: string[] = [];
  for (const event of events) {
    const output = tracker.handle(event);
    // The tracker keeps the set compactly; compared here as a plain Set of its uuids.
    out.push(...output.events.map((e) => (e.kind === 'presentSet' ? { ...e, uuids: new Set(e.uuids) } : e)));
    if (output.cookie !== undefined) cookies.push(output.cookie);
  }
  return { events: out, cookies };
}

describe('RefreshTracker', () => {
  it('hands a present set of present, added and modified uuids to the caller when a present phase ends', () => {
    const result = run(new RefreshTracker(true), [
      present(A),
      add(B),
      { type: 'present', refreshDone: true, cookie: 'c1' },
      { type: 'refreshDone' },
    ]);
    expect(result).toEqual({ events: [upsert(B), presentSet(A, B)], cookies: ['c1'] });
  });

  it('counts uuids of a syncIdSet without refreshDeletes as present', () => {
    const result = run(new RefreshTracker(true), [
      { type: 'idSet', uuids: [A, C], refreshDeletes: false },
      { type: 'present', refreshDone: true },
    ]);
    expect(result.events).toEqual([presentSet(A, C)]);
  });

  it('turns a syncIdSet with refreshDeletes into gone events', () => {
    const result = run(new RefreshTracker(true), [
      { type: 'idSet', uuids: [A, B], refreshDeletes: true },
      { type: 'refreshDelete', refreshDone: true, cookie: 'c2' },
    ]);
    expect(result).toEqual({
      events: [
        { kind: 'gone', uuid: A },
        { kind: 'gone', uuid: B },
      ],
      cookies: ['c2'],
    });
  });

  it('sends no present set when a refresh from a cookie ends with a delete phase', () => {
    const result = run(new RefreshTracker(true), [add(A), { type: 'refreshDelete', refreshDone: true, cookie: 'c3' }]);
    expect(result.events).toEqual([upsert(A)]);
  });

  it('treats a refresh without a cookie as the complete content even when it ends with refreshDelete', () => {
    const result = run(new RefreshTracker(false), [
      add(A),
      add(B),
      { type: 'refreshDelete', refreshDone: true, cookie: 'c4' },
    ]);
    expect(result.events).toEqual([upsert(A), upsert(B), presentSet(A, B)]);
  });

  it('holds cookies seen during the refresh back until it ends', () => {
    const tracker = new RefreshTracker(true);
    expect(tracker.handle(add(A, 'mid')).cookie).toBeUndefined();
    expect(tracker.handle({ type: 'cookie', cookie: 'newer' }).cookie).toBeUndefined();
    expect(tracker.handle({ type: 'refreshDelete', refreshDone: true }).cookie).toBe('newer');
  });

  it('sends the present set when the present phase ends but keeps the cookie until the delete phase ends too', () => {
    const tracker = new RefreshTracker(true);
    const first = run(tracker, [present(A), { type: 'present', refreshDone: false, cookie: 'p' }]);
    expect(first).toEqual({ events: [presentSet(A)], cookies: [] });
    expect(
      run(tracker, [
        { type: 'idSet', uuids: [B], refreshDeletes: true },
        { type: 'refreshDelete', refreshDone: true },
      ]),
    ).toEqual({
      events: [{ kind: 'gone', uuid: B }],
      cookies: ['p'],
    });
  });

  it('drops a uuid deleted during the present phase from the present set', () => {
    const result = run(new RefreshTracker(true), [
      present(A),
      { type: 'delete', uuid: A, dn: 'uid=a,dc=x' },
      { type: 'present', refreshDone: true },
    ]);
    expect(result.events).toEqual([{ kind: 'gone', uuid: A, dn: 'uid=a,dc=x' }, presentSet()]);
  });

  it('passes persist-phase changes on with their own cookie at once', () => {
    const tracker = new RefreshTracker(true);
    tracker.handle({ type: 'refreshDelete', refreshDone: true });
    expect(tracker.persisting).toBe(true);
    expect(
      run(tracker, [add(C, 'c5'), { type: 'delete', uuid: A, cookie: 'c6' }, { type: 'cookie', cookie: 'c7' }]),
    ).toEqual({
      events: [upsert(C), { kind: 'gone', uuid: A, dn: undefined }],
      cookies: ['c5', 'c6', 'c7'],
    });
  });

  it('does not grow a present set in the persist phase', () => {
    const tracker = new RefreshTracker(false);
    tracker.handle({ type: 'refreshDelete', refreshDone: true });
    expect(run(tracker, [add(A), { type: 'present', refreshDone: true }]).events).toEqual([upsert(A)]);
  });

  it('ends a refreshOnly search at SearchResultDone with present semantics unless refreshDeletes', () => {
    expect(
      run(new RefreshTracker(true), [present(A), { type: 'done', code: 0, cookie: 'c8', refreshDeletes: false }]),
    ).toEqual({ events: [presentSet(A)], cookies: ['c8'] });
    expect(
      run(new RefreshTracker(true), [add(A), { type: 'done', code: 0, cookie: 'c9', refreshDeletes: true }]),
    ).toEqual({ events: [upsert(A)], cookies: ['c9'] });
  });
});
