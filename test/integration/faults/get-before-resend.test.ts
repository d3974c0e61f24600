/**
 * A create whose answer was lost is checked with a GET of the login before it is sent again, so
 * pascom never sees a second POST for an identity it already holds. Two ways to lose the answer:
 * the real `serve` process is SIGKILLed while its creates are in flight (pascom applies them and
 * answers a dead socket), and, in process, pascom applies a create and drops the connection.
 * Either way the simulator's journal must hold at most one POST per login.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorFixture } from '../../fixtures/connector.js';
import type { JournalEntry, PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import type { Udm } from '../../fixtures/udm.js';
import type { GeneratedUser } from '../../fixtures/user-generator.js';
import { waitFor } from '../../fixtures/wait.js';
import { startHarness, type Harness } from '../sync/harness.js';
import {
  StateDb,
  startKillWorld,
  untilDrained,
  untilLive,
  type KillWorld,
  type ServeProcess,
} from './serve-process.js';

const USERS = 24;

const postedLogin = (e: JournalEntry): string | undefined =>
  e.method === 'POST' && e.path.endsWith('/identity/')
    ? ((e.body as Record<string, unknown> | undefined)?.['003use_name'] as string | undefined)
    : undefined;

/** Logins POSTed more than once, with how often. */
function duplicatePosts(journal: readonly JournalEntry[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const entry of journal) {
    const login = postedLogin(entry);
    if (login !== undefined) counts.set(login, (counts.get(login) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].filter(([, n]) => n > 1));
}

describe('after a SIGKILL of serve during creates', () => {
  let world: KillWorld;
  let users: readonly GeneratedUser[];
  let sim: PascomSimulator;
  let udm: Udm;
  let fixture: ConnectorFixture;

  beforeAll(async () => {
    world = await startKillWorld('gbr', USERS, { extensions: { pool: '7000-7999' } });
    ({ users, sim, udm, fixture } = world);
  }, 60_000);

  afterAll(() => world?.close());

  const serve = (): ServeProcess => world.serve();

  it('sends no second POST for a login pascom already created', async () => {
    const state = new StateDb(fixture.dataDir);
    let current = serve();
    await untilLive(current, state);
    // Slow answers: the kill lands while creates are in flight, after pascom received them.
    sim.setLatency(400);
    for (const user of users) await udm.activate(user.dn);
    await sim.waitForRequests((e) => postedLogin(e) !== undefined, 1, 20_000);
    const inFlight = sim.journal().filter((e) => postedLogin(e) !== undefined && e.respondedAtNs === undefined);
    await current.kill();
    expect(inFlight.length, 'creates in flight at the kill').toBeGreaterThan(0);
    // pascom applies what it received (its answers go to a dead socket).
    await waitFor(() => sim.counters().inFlight === 0, { timeoutMs: 10_000, message: 'pascom still busy' });
    const created = new Set(sim.identities().map((i) => i['003use_name']));
    expect(
      inFlight.every((e) => created.has(postedLogin(e) ?? '')),
      'the cut creates were applied',
    ).toBe(true);

    sim.setLatency(0);
    current = serve();
    await untilLive(current, state);
    await untilDrained(state, 30_000);
    await waitFor(() => users.every((u) => sim.identities().some((i) => i['003use_name'] === u.username)), {
      timeoutMs: 10_000,
      message: 'not every user reached pascom',
    });
    expect(state.deadLetters(), 'no dead letter').toEqual([]);
    expect(duplicatePosts(sim.journal()), 'logins POSTed twice').toEqual({});
    // The cut creates were looked up, not re-sent.
    for (const entry of inFlight) {
      const login = postedLogin(entry) ?? '';
      expect(sim.journal().some((e) => e.method === 'GET' && e.login === login && e.seq > entry.seq)).toBe(true);
    }
    expect(await current.terminate(), current.stderr()).toBe(0);
  }, 120_000);
});

describe('a full sync create whose answer was lost', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  it('is looked up and adopted on its retry, not POSTed again', async () => {
    const { sim, udm } = harness;
    const names = ['gbrfs1', 'gbrfs2', 'gbrfs3'];
    for (const name of names)
      await udm.createUser({ username: name, firstname: 'Lost', lastname: name, activated: true });
    const connector = await harness.connector({ extensions: { pool: '7100-7199' } });
    sim.failAfterApplyNext(2, 'POST');
    const result = await connector.importNow();
    expect(result.status).toBe('done');
    expect(sim.journal().filter((e) => e.fault === 'failAfterApply')).toHaveLength(2);
    expect(duplicatePosts(sim.journal())).toEqual({});
    for (const name of names) expect(sim.identities().some((i) => i['003use_name'] === name)).toBe(true);
    const adopted = connector.app.store.audit.recent(50).filter((entry) => entry.action === 'adopt');
    expect(adopted.map((entry) => entry.detail)).toEqual([
      'pascom had applied the earlier create whose answer was lost',
      'pascom had applied the earlier create whose answer was lost',
    ]);
  }, 60_000);
});
