/**
 * Opens the SQLite state store (better-sqlite3 12.x) with the pragmas the outbox relies on and
 * brings the schema up to date. One writer process per data directory: `lockDataDir` (app/store/lock.ts)
 * enforces that for `serve`.
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

export class StoreError extends Error {
  override readonly name = 'StoreError';
}

/**
 * How a commit reaches the disk. `normal` (the default) is safe wherever a lost commit is read
 * again (see below); `full` syncs each commit, for a process whose input is deleted as soon as
 * it exits.
 */
export type Durability = 'normal' | 'full';

/** Opens (creating if needed, mode 0600) and migrates the database at `path`; `:memory:` for tests. */
export function openDatabase(path: string, durability: Durability = 'normal'): Db {
  if (path !== ':memory:' && !existsSync(path)) {
    // Create the file private before SQLite opens it: never with the umask's permissions.
    closeSync(openSync(path, 'a', 0o600));
  }
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit is a write to the WAL without an fsync (the WAL is synced at
  // checkpoints). A process crash (SIGKILL, a full disk) loses nothing committed; only an OS crash
  // or power loss may lose the last commits, never corrupt the file. Why that loses no change of
  // the serving process: its sources store their resume point (sync cookie, translog id) in the
  // same transaction as the events it covers, so a lost commit rolls the resume point back with
  // them and the source reads those changes again; a lost settlement leaves its row in flight, to
  // be delivered again at the next start (the handlers converge). Not covered against an OS
  // crash: an input deleted as soon as the commit returns (the App Center listener files, which
  // the converter removes when the trigger command exits): that command opens the store `full`.
  db.pragma(durability === 'full' ? 'synchronous = FULL' : 'synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  if (path !== ':memory:') {
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(path + suffix)) chmodSync(path + suffix, 0o600);
    }
  }
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > MIGRATIONS.length) {
    throw new StoreError(
      `the state database has schema version ${current}, newer than this program knows (${MIGRATIONS.length}); ` +
        'upgrade the connector or restore the backup taken before the downgrade',
    );
  }
  MIGRATIONS.slice(current).forEach((sql, index) => {
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${current + index + 1}`);
    })();
  });
}
