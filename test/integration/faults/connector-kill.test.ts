/**
 * Connector mode after a SIGKILL of the real `serve` while a push is in flight: pascom applies the
 * push, the process never learns it. After the restart the connector converges — every activated
 * user in pascom, no dead letter — and no later push lacks an identity the cut push created (a
 * push that lacked it would make the profile remove it).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseCsvRecords } from '../../../app/pascom/csv.js';
import type { ConnectorFixture } from '../../fixtures/connector.js';
import type { JournalEntry, PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import type { Udm } from '../../fixtures/udm.js';
import type { GeneratedUser } from '../../fixtures/user-generator.js';
import { waitFor } from '../../fixtures/wait.js';
import {
  StateDb,
  startKillWorld,
  untilDrained,
  untilLive,
  type KillWorld,
  type ServeProcess,
} from './serve-process.js';

const isPush = (e: JournalEntry): boolean => e.method === 'POST' && e.path.includes('/connector/');
const loginsOf = (e: JournalEntry): Set<string> =>
  new Set(parseCsvRecords(String(e.body ?? '')).records.map((r) => r['003use_name'] ?? ''));

let world: KillWorld;
let users: readonly GeneratedUser[];
let sim: PascomSimulator;
let udm: Udm;
let fixture: ConnectorFixture;

beforeAll(async () => {
  world = await startKillWorld('ck', 16, {
    extensions: { pool: '7200-7299' },
    pascom: { delivery: 'connector', connectorProfile: 'ucs', connectorPushIntervalMs: 200 },
  });
  ({ users, sim, udm, fixture } = world);
}, 60_000);

afterAll(() => world?.close());

const serve = (): ServeProcess => world.serve();

it('converges after a kill during a push, and never pushes a set without what the cut push created', async () => {
  const state = new StateDb(fixture.dataDir);
  let current = serve();
  await untilLive(current, state);
  sim.setLatency(600);
  const [first, second] = [users.slice(0, 8), users.slice(8)];
  for (const user of first) await udm.activate(user.dn);
  const [cut] = await sim.waitForRequests((e) => isPush(e) && (e.body as string | undefined) !== undefined, 1, 20_000);
  await current.kill();
  await waitFor(() => sim.counters().inFlight === 0, { timeoutMs: 10_000, message: 'pascom still busy' });
  if (cut === undefined) throw new Error('no push');
  const created = loginsOf(cut);
  expect(created.size, 'the cut push created identities').toBeGreaterThan(0);
  for (const login of created) expect(sim.identities().some((i) => i['003use_name'] === login)).toBe(true);

  sim.setLatency(0);
  current = serve();
  await untilLive(current, state);
  for (const user of second) await udm.activate(user.dn);
  await waitFor(() => users.every((u) => sim.identities().some((i) => i['003use_name'] === u.username)), {
    timeoutMs: 20_000,
    message: 'not every user reached pascom',
  });
  await untilDrained(state, 20_000);
  expect(state.deadLetters()).toEqual([]);
  const later = sim.journal().filter((e) => isPush(e) && e.seq > cut.seq && e.status === 200);
  expect(later.length).toBeGreaterThan(0);
  for (const push of later) {
    const missing = [...created].filter((login) => !loginsOf(push).has(login));
    expect(missing, `push ${push.seq} lacks identities the cut push created`).toEqual([]);
  }
  expect(sim.journal().filter((e) => e.method !== 'GET' && e.path.includes('/identity/'))).toEqual([]);
  expect(await current.terminate(), current.stderr()).toBe(0);
}, 120_000);
