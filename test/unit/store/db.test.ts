/** The state database file: private, migrated once, and guarded against a second `serve`. */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../app/store/migrations.js';
import { acquireDataDirLock, DataDirLockedError, Store, StoreError } from '../../../app/store/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'store-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('state database', () => {
  it('is created with mode 0600', () => {
    Store.open(dir).close();
    expect(statSync(join(dir, 'state.sqlite')).mode & 0o777).toBe(0o600);
  });

  it('migrates once and opens again without changes', () => {
    const first = Store.open(dir);
    first.anchors.save({ uuid: 'u', login: 'l', dn: 'd', record: { a: '1' } }, 1);
    first.close();
    const second = Store.open(dir);
    expect(second.anchors.anchor('u')?.record).toEqual({ a: '1' });
    expect(Number(second.db.pragma('user_version', { simple: true }))).toBe(MIGRATIONS.length);
    second.close();
  });

  it('refuses a database written by a newer version', () => {
    const raw = new Database(join(dir, 'state.sqlite'));
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => Store.open(dir)).toThrow(StoreError);
  });
});

describe('data directory lock', () => {
  it('refuses a second holder while the first is alive', () => {
    writeFileSync(join(dir, 'serve.lock'), `${process.ppid}\n`);
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
  });

  it('takes over a lock whose owner is gone', () => {
    writeFileSync(join(dir, 'serve.lock'), '999999999\n');
    const release = acquireDataDirLock(dir);
    release();
  });

  it('can be taken again after release', () => {
    acquireDataDirLock(dir)();
    acquireDataDirLock(dir)();
  });
});

describe('durability of commits', () => {
  it('syncs commits to disk at checkpoints by default (a lost commit is read again by its source)', () => {
    const store = Store.open(dir);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    store.close();
  });

  it('syncs every commit when opened full (listener-trigger: the App Center deletes its files on exit)', () => {
    const store = Store.open(dir, 'full');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    store.close();
  });
});
