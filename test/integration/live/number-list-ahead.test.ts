/**
 * Once live sync runs, `serve` reads pascom's number list ahead while the queue is dry, so the
 * first new user after a start does not wait for it; when pascom cannot answer then, the list is
 * read when a new user needs it, and nothing is lost.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  startPascomSimulator,
  type JournalEntry,
  type PascomSimulator,
} from '../../fixtures/pascom-simulator/index.js';
import { startSlapd, type SlapdHandle } from '../../fixtures/slapd/index.js';
import { Udm } from '../../fixtures/udm.js';
import { waitFor } from '../../fixtures/wait.js';
import { identityOf, outboxDrained, startLive, type LiveConnector } from './live-harness.js';

let slapd: SlapdHandle;
let sim: PascomSimulator;
let udm: Udm;
let live: LiveConnector | undefined;
/** Users a test created: removed after it, so each test starts from a directory without new users. */
const created: string[] = [];

// An identity pascom holds outside the connector's care, on the pool's first number.
const OUTSIDE = { '003use_name': 'empfang', '003use_bez': 'Empfang Zentrale', '009ext_extension': '9000' };
const SETTINGS = {
  listener: { mode: 'syncrepl', startAfterFirstImport: false },
  extensions: { digits: 4, pool: '9000-9999' },
};

const isListRead = (entry: JournalEntry): boolean =>
  entry.method === 'GET' && entry.login === undefined && entry.path.endsWith('/identity/');
const listReads = (): number => sim.journal().filter(isListRead).length;

beforeAll(async () => {
  [slapd, sim] = await Promise.all([startSlapd(), startPascomSimulator({ identities: [OUTSIDE] })]);
  udm = new Udm(slapd);
});
afterEach(async () => {
  await live?.stop();
  await live?.fixture.cleanup();
  live = undefined;
  for (const dn of created.splice(0)) await udm.deleteUser(dn);
  sim.reset();
});
afterAll(async () => {
  await udm.close();
  await Promise.all([slapd.stop(), sim.stop()]);
});

it('reads the number list before the first new user needs it, and not again for that user', async () => {
  live = await startLive(slapd, sim, SETTINGS);
  await sim.waitForRequests(isListRead, 1, 8000);
  expect(listReads()).toBe(1);

  const { dn } = await udm.createUser({
    username: 'joerg.neumann',
    firstname: 'Jörg',
    lastname: 'Neumann',
    activated: true,
  });
  created.push(dn);
  await waitFor(() => identityOf(sim, 'joerg.neumann'), { timeoutMs: 8000, message: 'the new user did not arrive' });
  await outboxDrained(live);

  // 9000 is held outside the connector's care: the plan saw it in the list read ahead.
  expect(identityOf(sim, 'joerg.neumann')?.['009ext_extension']).toBe('9001');
  expect(listReads()).toBe(1);
});

it('reads the list when the first new user needs it after pascom could not answer the read-ahead', async () => {
  sim.setServerErrorRate(1, { status: 503 });
  live = await startLive(slapd, sim, SETTINGS);
  const logs = live.logs;
  await waitFor(() => logs.entries.some((entry) => entry.message.includes('could not be read ahead')), {
    timeoutMs: 15_000,
    message: 'the failed read-ahead was not logged',
  });
  sim.clearFaults();

  const { dn } = await udm.createUser({ username: 'zoe.uenal', firstname: 'Zoë', lastname: 'Ünal', activated: true });
  created.push(dn);
  await waitFor(() => identityOf(sim, 'zoe.uenal'), { timeoutMs: 8000, message: 'the new user did not arrive' });
  await outboxDrained(live);

  expect(identityOf(sim, 'zoe.uenal')?.['009ext_extension']).toBe('9001');
  expect(logs.entries.filter((entry) => entry.level === 'error')).toEqual([]);
});
