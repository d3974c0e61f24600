/**
 * The full sync and the listener on the unknowns of pascom's identity list: a list exactly as long
 * as pascom's default cap may be cut off, so a full sync stops with an actionable message instead
 * of planning creates, adoptions or deletes from it, and the listener does not take it for
 * complete either; with `pascom.api.paging` the whole list is read and the sync goes ahead. An
 * instance that answers an empty list with 204 is simply empty; one that needs an apply step after
 * writes gets it.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { PascomClient } from '../../../app/pascom/index.js';
import { waitFor } from '../../fixtures/wait.js';
import { identityOf, startLive } from '../live/live-harness.js';
import { startHarness, type Harness } from './harness.js';

let harness: Harness;
const UNMANAGED = 100;

beforeAll(async () => {
  harness = await startHarness();
  await harness.udm.createUser({ username: 'capuser1', firstname: 'Cap', lastname: 'One', activated: true });
});
afterAll(() => harness.close());

beforeEach(async () => {
  const { sim } = harness;
  sim.reset();
  sim.configureReads({ emptyReads: undefined, listCap: undefined, paging: undefined, applyEndpoint: false });
});

async function seedUnmanaged(count: number): Promise<void> {
  const { sim } = harness;
  const client = new PascomClient({ url: sim.url, instance: sim.instance, user: sim.user, password: sim.password });
  try {
    for (let i = 0; i < count; i++)
      await client.createIdentity({
        '003use_name': `other${i}`,
        '003use_bez': `Other ${i}`,
        '009ext_extension': String(8000 + i),
      });
  } finally {
    client.close();
  }
  sim.clearJournal();
}

it('a full sync stops on a list exactly as long as the cap, and plans nothing', async () => {
  await seedUnmanaged(UNMANAGED + 20);
  harness.sim.configureReads({ listCap: UNMANAGED });
  const connector = await harness.connector();
  await expect(connector.app.fullSync.simulate('test')).rejects.toThrow(
    /listed exactly 100 identities.*Set pascom\.api\.paging/,
  );
  const run = connector.app.fullSync.lastRun('simulate');
  expect(run?.status).toBe('failed');
  expect(run?.error).toMatch(/may be incomplete, so nothing was planned/);
  await expect(connector.importNow()).rejects.toThrow(/listed exactly 100 identities/);
  expect(
    harness.sim.journal().filter((e) => e.method !== 'GET'),
    'nothing written',
  ).toHaveLength(0);
});

it('with pascom.api.paging the full sync reads every page and plans from the whole list', async () => {
  await seedUnmanaged(UNMANAGED + 20);
  harness.sim.configureReads({ listCap: UNMANAGED, paging: { limitParam: 'limit', offsetParam: 'offset' } });
  const connector = await harness.connector({
    pascom: { api: { paging: { limitParam: 'limit', offsetParam: 'offset', pageSize: UNMANAGED } } },
  });
  const { plan } = await connector.app.fullSync.simulate('test');
  expect(plan.summary.create).toBeGreaterThanOrEqual(1);
  expect(harness.sim.journal().filter((e) => e.method === 'GET' && e.path.endsWith('/identity/'))).toHaveLength(2);
});

it('the listener does not take a capped list for complete', async () => {
  await seedUnmanaged(UNMANAGED);
  harness.sim.configureReads({ listCap: UNMANAGED });
  const live = await startLive(harness.slapd, harness.sim, { listener: { mode: 'syncrepl' } });
  try {
    await harness.udm.createUser({ username: 'capuser2', firstname: 'Cap', lastname: 'Two', activated: true });
    const outbox = live.service.current().store.outbox;
    await waitFor(() => outbox.list('dead').length > 0, { timeoutMs: 10_000, message: 'no dead letter' });
    expect(outbox.list('dead').map((row) => row.lastError)).toEqual(
      expect.arrayContaining([expect.stringMatching(/listed exactly 100 identities/)]),
    );
    expect(identityOf(harness.sim, 'capuser2'), 'no pool number drawn from a partial list').toBeUndefined();
  } finally {
    await live.stop();
    await live.fixture.cleanup();
  }
});

it('the listener still removes a user who left while the list is capped: deletes need no list', async () => {
  const first = await startLive(harness.slapd, harness.sim, { listener: { mode: 'syncrepl' } });
  let live = first;
  try {
    const { dn } = await harness.udm.createUser({
      username: 'capgone',
      firstname: 'Cap',
      lastname: 'Gone',
      activated: true,
    });
    await waitFor(() => identityOf(harness.sim, 'capgone') !== undefined, { message: 'capgone was not created' });
    await seedUnmanaged(UNMANAGED);
    harness.sim.configureReads({ listCap: UNMANAGED });
    live = await first.restart(); // a fresh process: pascom's list is not read yet

    await harness.udm.deactivate(dn);

    await waitFor(() => identityOf(harness.sim, 'capgone') === undefined, { message: 'capgone was not removed' });
    expect(live.service.current().store.outbox.list('dead')).toEqual([]);
  } finally {
    await live.stop();
    await live.fixture.cleanup();
  }
});

it('an instance answering its empty list with 204 is empty, not broken', async () => {
  harness.sim.configureReads({ emptyReads: '204' });
  const connector = await harness.connector();
  const { plan } = await connector.app.fullSync.simulate('test');
  expect(plan.summary.create).toBeGreaterThanOrEqual(1);
  const result = await connector.importNow();
  expect(result.status).toBe('done');
  expect(identityOf(harness.sim, 'capuser1')).toBeDefined();
});

it('an instance whose writes need an apply step gets one after the import’s writes', async () => {
  harness.sim.configureReads({ applyEndpoint: true });
  const connector = await harness.connector({ pascom: { api: { paths: { apply: 'apply' } } } });
  const result = await connector.importNow();
  expect(result.status).toBe('done');
  const journal = harness.sim.journal();
  const lastWrite = journal.filter((e) => e.method !== 'GET' && e.path.includes('/identity/')).at(-1);
  const applies = journal.filter((e) => e.method === 'POST' && e.path.endsWith('/services/apply'));
  expect(lastWrite).toBeDefined();
  expect(applies.length).toBeGreaterThanOrEqual(1);
  expect(applies.at(-1)?.seq ?? 0, 'an apply follows the last write').toBeGreaterThan(lastWrite?.seq ?? 0);
});
