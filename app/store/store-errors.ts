/**
 * What a failed write to the state database means for the admin. SQLite reports a full disk,
 * a read-only file or an I/O error by code; the message names the data directory and what to
 * do, and says that nothing is lost (the change stays where it was: in LDAP, or in the queue).
 */
const HINTS: Readonly<Record<string, string>> = {
  SQLITE_FULL: 'the disk holding the data directory is full: free space there',
  SQLITE_READONLY: 'the state database is read-only: check the owner and mode of the data directory',
  SQLITE_IOERR: 'the disk holding the data directory reported an I/O error: check it',
  SQLITE_CANTOPEN: 'the state database cannot be opened: check that the data directory exists and is writable',
};

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code: unknown = Reflect.get(error, 'code');
  return typeof code === 'string' ? code : undefined;
}

/** The SQLite code family (`SQLITE_IOERR_WRITE` → `SQLITE_IOERR`), if `error` is a storage failure we can name. */
export function storageFailureOf(error: unknown): string | undefined {
  const code = codeOf(error);
  if (code === undefined) return undefined;
  return Object.keys(HINTS).find((family) => code === family || code.startsWith(`${family}_`));
}

/** A message for the log and the page: the cause, then what to do. */
export function describeStoreError(error: unknown, dataDir: string | undefined): string {
  const family = storageFailureOf(error);
  const detail = error instanceof Error ? error.message : String(error);
  const where = dataDir === undefined ? '' : ` (${dataDir})`;
  if (family === undefined) return `the state database failed: ${detail}`;
  return `${HINTS[family] ?? detail}${where}; the connector retries by itself once it is fixed (${detail})`;
}
