import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../../app/store/index.js';
import { readFirstRun, recordConnectionTest, recordMappingReviewed } from '../../../app/sync/first-run.js';
import { STATUS_KEYS } from '../../../app/sync/status.js';

const SUMMARY = { create: 5, update: 0, delete: 0, unchanged: 0, rejected: 1, blocked: 0 };
let store: Store;

beforeEach(() => {
  store = Store.open(':memory:');
});
afterEach(() => store.close());

function run(kind: 'simulate' | 'import', status: 'done' | 'blocked' | 'failed' | 'partial'): void {
  const id = store.runs.start(kind, 'admin:anna', 1000);
  store.runs.finish(id, status, status === 'failed' ? undefined : SUMMARY, undefined, 2000);
}

function listener(mode: string, reason: string): void {
  store.kv.set(STATUS_KEYS.listenerMode, mode);
  store.kv.set(STATUS_KEYS.listenerReason, reason);
}

describe('the first-run checklist', () => {
  it('starts with every step to do on a fresh install that waits for its first import', () => {
    listener('waiting', 'live sync starts after the first Import (Simulate, then Import now)');
    const state = readFirstRun(store);
    expect(state.steps).toEqual({
      ucs: 'open',
      pascom: 'open',
      mapping: 'open',
      simulate: 'open',
      import: 'open',
      live: 'open',
    });
    expect(state.pending).toBe(true);
    expect(state.complete).toBe(false);
  });

  it('remembers connection tests (the last one counts) and the reviewed mapping', () => {
    recordConnectionTest(store, 'ucs', false, 10);
    recordConnectionTest(store, 'pascom', true, 11);
    expect(readFirstRun(store).steps.ucs).toBe('failed');
    recordConnectionTest(store, 'ucs', true, 12);
    recordMappingReviewed(store, 13);
    const state = readFirstRun(store);
    expect([state.steps.ucs, state.steps.pascom, state.steps.mapping]).toEqual(['done', 'done', 'done']);
    expect(state.ucsTest).toEqual({ ok: true, at: 12 });
    expect(state.mappingReviewedAt).toBe(13);
  });

  it('counts a blocked import as not done, and a delivered one as done', () => {
    listener('waiting', 'live sync starts after the first Import (Simulate, then Import now)');
    run('simulate', 'done');
    run('import', 'blocked');
    let state = readFirstRun(store);
    expect([state.steps.simulate, state.steps.import]).toEqual(['done', 'open']);
    expect(state.lastSimulate?.summary).toEqual(SUMMARY);
    run('import', 'partial');
    state = readFirstRun(store);
    expect(state.steps.import).toBe('done');
    expect(state.pending).toBe(true);
  });

  it('is complete once live sync runs, and no longer shown', () => {
    recordConnectionTest(store, 'ucs', true, 1);
    recordConnectionTest(store, 'pascom', true, 1);
    recordMappingReviewed(store, 1);
    run('simulate', 'done');
    run('import', 'done');
    listener('syncrepl', 'live (refreshAndPersist)');
    const state = readFirstRun(store);
    expect(state.complete).toBe(true);
    expect(state.pending).toBe(false);
  });

  it('marks live sync failed while the listener is in trouble, and an install that runs live as imported', () => {
    listener('syncrepl', 'failed: invalid credentials');
    const state = readFirstRun(store);
    expect(state.steps.live).toBe('failed');
    expect(state.imported).toBe(true);
  });
});
