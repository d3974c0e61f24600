#!/usr/bin/env node
/**
 * A consistent online copy of a SQLite database through better-sqlite3's backup API (safe while
 * `serve` writes to it; the sqlite3 shell is not in the image). The copy is private (0600) and
 * appears atomically. Used by the App Center `store_data` script and for a manual restore:
 *
 *   sqlite-backup.mjs --from SOURCE.sqlite --to DESTINATION.sqlite
 */
import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import console from 'node:console';
import process from 'node:process';

export async function backupDatabase(from, to) {
  const source = new Database(from, { fileMustExist: true });
  const tmp = `${to}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
    // Created private first: SQLite keeps the mode of an existing file.
    closeSync(openSync(tmp, 'w', 0o600));
    await source.backup(tmp);
    // The copy inherits WAL mode; one self-contained file is what a backup should be.
    const copy = new Database(tmp);
    copy.pragma('journal_mode = DELETE');
    copy.close();
  } catch (error) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(tmp + suffix, { force: true });
    throw error;
  } finally {
    source.close();
  }
  renameSync(tmp, to);
}

function parseArgs(argv) {
  const from = argv[argv.indexOf('--from') + 1];
  const to = argv[argv.indexOf('--to') + 1];
  if (!argv.includes('--from') || !argv.includes('--to') || from === undefined || to === undefined) {
    throw new Error('usage: sqlite-backup.mjs --from SOURCE --to DESTINATION');
  }
  return { from, to };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const { from, to } = parseArgs(process.argv.slice(2));
    await backupDatabase(from, to);
    console.log(`pascom-connector: ${from} copied to ${to}`);
  } catch (error) {
    console.error(`pascom-connector: backup failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
