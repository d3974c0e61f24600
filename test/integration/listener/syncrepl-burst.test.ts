import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type SlapdHandle, startSlapd } from '../../fixtures/slapd/index.js';
import { generateUsers } from '../../fixtures/user-generator.js';
import { MemoryStore, connectionOptions, startSource, waitUntilPersisting } from './syncrepl-harness.js';

const USERS = 10_000;
let slapd: SlapdHandle;

beforeAll(async () => {
  const users = generateUsers(USERS, { seed: 4533 }).map((user) => ({ ...user, activated: true }));
  slapd = await startSlapd({ users });
}, 120_000);

afterAll(async () => {
  await slapd.stop();
});

describe('SyncreplSource with a large initial refresh', () => {
  it('hands 10 000 entries to the sink in few batches', async () => {
    const store = new MemoryStore();
    const startedAt = performance.now();
    const source = startSource(store, connectionOptions(slapd));
    try {
      await waitUntilPersisting(source, 60_000);
    } finally {
      await source.stop();
    }
    const upserts = store.batches.flatMap((batch) => batch.events).filter((event) => event.kind === 'upsert').length;
    console.log(
      JSON.stringify({
        metric: 'syncrepl initial refresh',
        entries: upserts,
        sinkCalls: store.batches.length,
        ms: Math.round(performance.now() - startedAt),
      }),
    );
    expect(upserts).toBe(USERS);
    expect(store.users.size).toBe(USERS);
    expect(store.batches.length).toBeLessThan(USERS / 20);
  });
});
