/**
 * A database recreated (or restored) under the same name may accept an old cookie and send only
 * what changed after it, so users that vanished with the old database would never be reported
 * gone. The base entry's entryUUID identifies the database: when it changed, the cookie is
 * dropped, so the next sync starts with a full refresh whose present set reveals every vanished user.
 */
import type { Logger } from '../../app/core/ports.js';
import type { UcsDirectory } from '../../app/directory/index.js';
import type { Store } from '../../app/store/index.js';
import { CHECKPOINT_KEYS } from './source-context.js';

/** The base entry's entryUUID when the cookie was stored: a new one means a new database. */
const SYNC_DATABASE_KEY = 'syncrepl.baseEntryUuid';

export interface DatabaseIdentityDeps {
  readonly directory: Pick<UcsDirectory, 'baseEntryUuid'>;
  readonly store: Store;
  readonly logger: Logger;
  readonly baseDn: string;
}

export async function forgetCookieOfOtherDatabase(deps: DatabaseIdentityDeps): Promise<void> {
  const { directory, store, logger } = deps;
  let current: string | undefined;
  try {
    current = await directory.baseEntryUuid();
  } catch (error) {
    logger.warn('could not read the base entry to identify the directory database', { error: String(error) });
    return;
  }
  if (current === undefined) return;
  const known = store.kv.get(SYNC_DATABASE_KEY);
  if (known === current) return;
  store.transaction(() => {
    if (known !== undefined) store.kv.delete(CHECKPOINT_KEYS.syncrepl);
    store.kv.set(SYNC_DATABASE_KEY, current);
  });
  if (known !== undefined)
    logger.warn('the directory database was recreated: full refresh from scratch', { base: deps.baseDn });
}
