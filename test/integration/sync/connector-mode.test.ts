/**
 * Connector mode (`pascom.delivery: connector`) end to end on real slapd and the simulator's
 * connector profile: the listener's creates, renames and deletes reach pascom as CSV pushes of the
 * WHOLE managed set (the profile removes what a push lacks), live changes are coalesced into few
 * pushes, and the full sync's Simulate and delete threshold work as in identity mode. No identity
 * write (POST/PUT/DELETE on …/identity/) is ever sent in this mode.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCsvRecords } from '../../../app/pascom/csv.js';
import type { JournalEntry, PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import type { SlapdHandle } from '../../fixtures/slapd/index.js';
import type { Udm } from '../../fixtures/udm.js';
import { waitFor } from '../../fixtures/wait.js';
import { identityOf, outboxDrained, startLive, startTestDirectory, stopTestDirectory } from '../live/live-harness.js';
import type { LiveConnector } from '../live/live-harness.js';
import { startHarness, type Harness } from './harness.js';

const PROFILE = 'UCS users';

let slapd: SlapdHandle;
let sim: PascomSimulator;
let udm: Udm;
let seq = 0;
const login = (): string => `cm${++seq}p${process.pid % 1000}`;

const isPush = (e: JournalEntry): boolean => e.method === 'POST' && e.path.endsWith('/connector/UCS%20users/push');
const identityWrites = (): JournalEntry[] =>
  sim.journal().filter((e) => e.method !== 'GET' && e.path.includes('/identity/'));
const pushes = (): JournalEntry[] => sim.journal().filter(isPush);
const loginsOf = (push: JournalEntry | undefined): string[] =>
  parseCsvRecords(String(push?.body ?? ''))
    .records.map((r) => r['003use_name'] ?? '')
    .sort();

const connectorMode = (intervalMs: number): Record<string, unknown> => ({
  pascom: { delivery: 'connector', connectorProfile: PROFILE, connectorPushIntervalMs: intervalMs },
});

beforeAll(async () => {
  ({ slapd, sim, udm } = await startTestDirectory());
});
afterAll(() => stopTestDirectory({ slapd, sim, udm }));

describe('connector mode, live', () => {
  let live: LiveConnector;

  afterEach(async () => {
    await live.stop();
    await live.fixture.cleanup();
  });

  it('creates, renames and deletes through pushes of the whole managed set', async () => {
    sim.reset();
    live = await startLive(slapd, sim, { listener: { mode: 'syncrepl' }, ...connectorMode(200) });
    const [a, b, renamed] = [login(), login(), login()];
    const userA = await udm.createUser({ username: a, firstname: 'Anna', lastname: 'Alpha', activated: true });
    await waitFor(() => identityOf(sim, a), { timeoutMs: 8000, message: `${a} never reached pascom` });
    await udm.createUser({ username: b, firstname: 'Bert', lastname: 'Beta', activated: true });
    await waitFor(() => identityOf(sim, b), { timeoutMs: 8000, message: `${b} never reached pascom` });
    // The push that created b carried a again: the profile would otherwise remove it.
    expect(loginsOf(pushes().at(-1))).toEqual(expect.arrayContaining([a, b]));
    expect(identityOf(sim, a)).toMatchObject({ '003use_bez': 'Anna Alpha', '003use_auth_method': 'EXTERN' });

    const newDn = await udm.renameUser(userA.dn, renamed);
    await waitFor(() => identityOf(sim, renamed) !== undefined && identityOf(sim, a) === undefined, {
      timeoutMs: 8000,
      message: 'the rename did not reach pascom',
    });
    await udm.modifyUser(newDn, { displayName: 'Anna Renamed' });
    await waitFor(() => identityOf(sim, renamed)?.['003use_bez'] === 'Anna Renamed', {
      timeoutMs: 8000,
      message: 'the edit did not reach pascom',
    });

    await udm.deactivate(newDn);
    await waitFor(() => identityOf(sim, renamed) === undefined, { timeoutMs: 8000, message: 'not removed' });
    await outboxDrained(live);
    expect(identityOf(sim, b), 'b stays').toBeDefined();
    // The last push is the managed set: exactly the anchors the connector keeps.
    const anchors = live.service
      .current()
      .store.anchors.allAnchors()
      .map((anchor) => anchor.login)
      .sort();
    expect(loginsOf(pushes().at(-1))).toEqual(anchors);
    expect(identityWrites(), 'no identity writes in connector mode').toEqual([]);
  }, 60_000);

  it('coalesces a burst of changes into a few pushes', async () => {
    sim.reset();
    live = await startLive(slapd, sim, { listener: { mode: 'syncrepl' }, ...connectorMode(1500) });
    const names = Array.from({ length: 12 }, () => login());
    const warmup = login();
    await udm.createUser({ username: warmup, firstname: 'Warm', lastname: 'Up', activated: true });
    await waitFor(() => identityOf(sim, warmup), { timeoutMs: 8000, message: 'warm-up user missing' });
    const before = pushes().length;
    for (const name of names)
      await udm.createUser({ username: name, firstname: 'Burst', lastname: name, activated: true });
    await waitFor(() => names.every((name) => identityOf(sim, name) !== undefined), {
      timeoutMs: 15_000,
      message: 'the burst did not reach pascom',
    });
    await outboxDrained(live);
    const burstPushes = pushes().length - before;
    expect(burstPushes).toBeGreaterThanOrEqual(1);
    expect(burstPushes, 'twelve changes in at most a few pushes').toBeLessThanOrEqual(3);
    expect(identityWrites()).toEqual([]);
  }, 60_000);

  it('refuses a push that would take a number held outside the profile, then converges', async () => {
    sim.reset();
    live = await startLive(slapd, sim, { listener: { mode: 'syncrepl' }, ...connectorMode(200) });
    const first = login();
    await udm.createUser({ username: first, firstname: 'First', lastname: 'One', activated: true });
    await waitFor(() => identityOf(sim, first), { timeoutMs: 8000, message: 'first user missing' });
    const taken = Number(identityOf(sim, first)?.['009ext_extension']) + 1;
    // Someone takes the next pool number in pascom directly: the connector's list is stale now.
    await fetch(`${sim.url}/${sim.instance}/services/identity/`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${sim.user}:${sim.password}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ '003use_name': 'intruder', '003use_bez': 'In Truder', '009ext_extension': String(taken) }),
    });
    const second = login();
    await udm.createUser({ username: second, firstname: 'Second', lastname: 'Two', activated: true });
    await waitFor(() => identityOf(sim, second), { timeoutMs: 15_000, message: 'second user missing' });
    await outboxDrained(live);
    expect(identityOf(sim, second)?.['009ext_extension']).not.toBe(String(taken));
    expect(identityOf(sim, 'intruder')?.['009ext_extension']).toBe(String(taken));
    expect(identityOf(sim, first)).toBeDefined();
    expect(
      pushes().some((e) => e.status === 409),
      'the stale number was refused once',
    ).toBe(true);
  }, 60_000);
});

describe('connector mode, full sync', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  it('plans like identity mode, pushes once per import, and holds back deletes over the threshold', async () => {
    const { sim: hsim, udm: hudm } = harness;
    const names = [login(), login(), login(), login()];
    const dns: string[] = [];
    for (const name of names)
      dns.push((await hudm.createUser({ username: name, firstname: 'Full', lastname: name, activated: true })).dn);

    const identityMode = await harness.connector();
    const identityPlan = await identityMode.app.fullSync.simulate('test');
    await identityMode.stop();
    const connector = await harness.connector({ ...connectorMode(100), deletes: { mode: 'delete', maxPerRun: 2 } });
    const { plan } = await connector.app.fullSync.simulate('test');
    expect(plan.summary).toEqual(identityPlan.plan.summary);
    expect(
      hsim.journal().filter((e) => e.method !== 'GET'),
      'Simulate changes nothing',
    ).toEqual([]);

    const imported = await connector.importNow();
    expect(imported.status).toBe('done');
    const pushed = hsim.journal().filter((e) => e.method === 'POST' && e.path.includes('/connector/'));
    expect(pushed.length, 'one import, few pushes').toBeLessThanOrEqual(2);
    for (const name of names) expect(identityOf(hsim, name)).toBeDefined();

    for (const dn of dns.slice(0, 3)) await hudm.deactivate(dn);
    const blocked = await connector.importNow();
    expect(blocked.status).toBe('blocked');
    expect(hsim.journal().filter((e) => e.method === 'POST' && e.path.includes('/connector/'))).toHaveLength(
      pushed.length,
    );
    for (const name of names) expect(identityOf(hsim, name), 'nothing deleted while blocked').toBeDefined();

    const confirmed = await connector.importNow(true);
    expect(confirmed.status).toBe('done');
    expect(names.filter((name) => identityOf(hsim, name) !== undefined)).toEqual([names[3]]);
    expect(hsim.journal().filter((e) => e.method !== 'GET' && e.path.includes('/identity/'))).toEqual([]);
  }, 60_000);
});
