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

/** Opens (creating if needed, mode 0600) and migrates the database at `path`; `:memory:` for tests. */
export function openDatabase(path: string): Db {
  if (path !== ':memory:' && !existsSync(path)) {
    // Create the file private before SQLite opens it: never with the umask's permissions.
    closeSync(openSync(path, 'a', 0o600));
  }
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode is durable against process crashes (SIGKILL); only an OS crash may lose
  // the last commits, never corrupt the file.
  db.pragma('synchronous = NORMAL');
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
