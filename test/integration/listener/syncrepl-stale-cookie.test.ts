import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { type SlapdHandle, startSlapd } from '../../fixtures/slapd/index.js';
import { Udm } from '../../fixtures/udm.js';
import { MemoryStore, connectionOptions, eventually, startSource, waitUntilPersisting } from './syncrepl-harness.js';

let slapd: SlapdHandle;
let udm: Udm;

beforeAll(async () => {
  slapd = await startSlapd();
  udm = new Udm(slapd);
});

beforeEach(async () => {
  await slapd.recreate();
});

afterAll(async () => {
  await udm.close();
  await slapd.stop();
});

/** Runs a source until it persists, then stops it: the store keeps users and cookie. */
async function syncOnce(store: MemoryStore): Promise<void> {
  const source = startSource(store, connectionOptions(slapd));
  try {
    await waitUntilPersisting(source);
  } finally {
    await source.stop();
  }
}

describe('SyncreplSource with a cookie the server cannot continue from', () => {
  // A recreated database may accept the old cookie and send only what changed after it, so the
  // source alone cannot see that the old users are gone: the listener runtime detects the new
  // database by its base entry's entryUUID and drops the cookie (test/integration/live).
  it('keeps delivering after the database was recreated', async () => {
    const old = await udm.createUser({ username: 'olduser', lastname: 'O', activated: true });
    const store = new MemoryStore();
    await syncOnce(store);
    expect(store.users.has(old.uuid)).toBe(true);

    await slapd.recreate();
    const fresh = await udm.createUser({ username: 'newuser', lastname: 'N', activated: true });
    await syncOnce(store);
    expect(store.users.has(fresh.uuid)).toBe(true);
  });

  it('drops its state on 53 (cookie newer than the server, e.g. a restored backup) and refreshes fully', async () => {
    const gone = await udm.createUser({ username: 'goneuser', lastname: 'G', activated: true });
    const kept = await udm.createUser({ username: 'keptuser', lastname: 'K', activated: true });
    const store = new MemoryStore();
    await syncOnce(store);
    await udm.deleteUser(gone.dn);
    // The directory is rolled back behind the cookie: move the cookie's CSN into the future.
    store.cookie = store.cookie?.replace(/csn=\d{4}/, 'csn=2099');
    const source = startSource(store, connectionOptions(slapd));
    try {
      await eventually(
        () => store.resets === 1 && source.states.at(-1) === 'persisting',
        'reset and full refresh',
        10_000,
      );
      expect(store.users.has(gone.uuid)).toBe(false);
      expect(store.users.has(kept.uuid)).toBe(true);
      expect(store.cookie).toMatch(/csn=20[0-8]\d/);
    } finally {
      await source.stop();
    }
  });
});
