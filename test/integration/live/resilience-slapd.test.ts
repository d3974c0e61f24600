/**
 * The directory goes away under a running listener: a restarted slapd (same database) is
 * reconnected to and later changes flow; a recreated one (new database, the stored cookie is
 * stale) is handled by a reset and a full refresh, whose present set shows that the old users
 * are gone — so, with `deletes.mode: delete`, their identities are deleted.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { STATUS_KEYS } from '../../../app/sync/status.js';
import type { PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import type { SlapdHandle } from '../../fixtures/slapd/index.js';
import type { Udm } from '../../fixtures/udm.js';
import { waitFor } from '../../fixtures/wait.js';
import { startLive, type LiveConnector, startTestDirectory, stopTestDirectory } from './live-harness.js';
import { expectExactState, type PascomState } from './resilience-expect.js';

const LIVE = 'live (refreshAndPersist)';

let slapd: SlapdHandle;
let sim: PascomSimulator;
let udm: Udm;
let live: LiveConnector;

beforeAll(async () => {
  ({ slapd, sim, udm } = await startTestDirectory());
});
afterAll(() => stopTestDirectory({ slapd, sim, udm }));
beforeEach(async () => {
  live = await startLive(slapd, sim, { listener: { mode: 'syncrepl' }, extensions: { digits: 4, pool: '9000-9999' } });
});
afterEach(async () => {
  await live.stop();
  await live.fixture.cleanup();
});

const listenerReason = (): string | undefined => live.service.current().store.kv.get(STATUS_KEYS.listenerReason);

function createUser(login: string, extension: number): Promise<{ dn: string; uuid: string }> {
  return udm.createUser({
    username: login,
    firstname: 'Dir',
    lastname: login,
    phone: [`0441 5550-${extension}`],
    activated: true,
  });
}

it('reconnects after slapd restarts mid-stream, and later changes flow', async () => {
  const p = 'sr1-';
  const expected: Record<string, { name: string; extension: string }> = {};
  const first = await createUser(`${p}u0`, 2000);
  expected[`${p}u0`] = { name: `Dir ${p}u0`, extension: '2000' };
  for (let i = 1; i < 5; i++) {
    await createUser(`${p}u${i}`, 2000 + i);
    expected[`${p}u${i}`] = { name: `Dir ${p}u${i}`, extension: String(2000 + i) };
  }
  // No wait for delivery: the connection drops while the listener is still streaming.
  await slapd.restart();
  for (let i = 5; i < 10; i++) {
    await createUser(`${p}u${i}`, 2000 + i);
    expected[`${p}u${i}`] = { name: `Dir ${p}u${i}`, extension: String(2000 + i) };
  }
  await udm.modifyUser(first.dn, { displayName: 'After Restart' });
  expected[`${p}u0`] = { name: 'After Restart', extension: '2000' };

  await expectExactState(sim, p, expected);
  expect(listenerReason()).toBe(LIVE);
  expect(live.logs.entries.filter((e) => e.message === 'syncrepl: reconnecting').length).toBeGreaterThan(0);
});

it('handles the stale cookie of a recreated directory: reset, full refresh, the vanished users deleted', async () => {
  const p = 'sr2-';
  const before: PascomState = {
    [`${p}a`]: { name: `Dir ${p}a`, extension: '2101' },
    [`${p}b`]: { name: `Dir ${p}b`, extension: '2102' },
    [`${p}c`]: { name: `Dir ${p}c`, extension: '2103' },
  };
  await createUser(`${p}a`, 2101);
  await createUser(`${p}b`, 2102);
  await createUser(`${p}c`, 2103);
  await expectExactState(sim, p, before);

  await slapd.recreate();
  // The recreated directory holds only the base entries: every user of this test is gone.
  await expectExactState(sim, p, {});
  await waitFor(() => listenerReason() === LIVE, { timeoutMs: 10_000, message: 'the listener did not go live again' });
  await createUser(`${p}fresh`, 2104);
  await expectExactState(sim, p, { [`${p}fresh`]: { name: `Dir ${p}fresh`, extension: '2104' } });

  expect(live.logs.entries.map((e) => e.message)).toContain(
    'syncrepl: the server requires a full refresh; dropping the cookie',
  );
  expect(live.logs.entries.filter((e) => e.level === 'error')).toEqual([]);
  expect(listenerReason()).toBe(LIVE);
});
