/**
 * pascom misbehaves under a running listener: down for a while, rate limiting, random 5xx.
 * Every change still arrives exactly once, in order per user, and Retry-After is honoured.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { JournalEntry, PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import type { SlapdHandle } from '../../fixtures/slapd/index.js';
import type { Udm } from '../../fixtures/udm.js';
import { waitFor } from '../../fixtures/wait.js';
import { startLive, type LiveConnector, startTestDirectory, stopTestDirectory } from './live-harness.js';
import { expectExactState, loginOf, type PascomState } from './resilience-expect.js';

let slapd: SlapdHandle;
let sim: PascomSimulator;
let udm: Udm;
let live: LiveConnector;

beforeAll(async () => {
  ({ slapd, sim, udm } = await startTestDirectory());
});
afterAll(() => stopTestDirectory({ slapd, sim, udm }));
beforeEach(async () => {
  sim.clearFaults();
  live = await startLive(slapd, sim, { listener: { mode: 'syncrepl' }, extensions: { digits: 4, pool: '9000-9999' } });
});
afterEach(async () => {
  sim.clearFaults();
  await sim.comeUp();
  await live.stop();
  await live.fixture.cleanup();
});

function createUser(login: string, extension: number, activated = true): Promise<{ dn: string; uuid: string }> {
  return udm.createUser({
    username: login,
    firstname: 'Pbx',
    lastname: login,
    phone: [`0441 5550-${extension}`],
    activated,
  });
}

/** Successful writes about `login`, in arrival order. */
function writesFor(login: string): JournalEntry[] {
  return sim.journal().filter((e) => e.method !== 'GET' && e.status >= 200 && e.status < 300 && loginOf(e) === login);
}

function displayNameSent(entry: JournalEntry): unknown {
  return typeof entry.body === 'object' && entry.body !== null
    ? (entry.body as Record<string, unknown>)['003use_bez']
    : undefined;
}

/** Creates `count` users that are not activated yet; returns their DNs and the state once they all are. */
async function inactiveUsers(
  prefix: string,
  count: number,
  firstExtension: number,
): Promise<{ dns: string[]; expected: PascomState }> {
  const dns: string[] = [];
  const expected: Record<string, { name: string; extension: string }> = {};
  for (let i = 0; i < count; i++) {
    const login = `${prefix}u${i}`;
    dns.push((await createUser(login, firstExtension + i, false)).dn);
    expected[login] = { name: `Pbx ${login}`, extension: String(firstExtension + i) };
  }
  return { dns, expected };
}

/** One delivered user, so the extension list is cached and the burst's requests all name a login. */
async function warmUp(login: string, extension: number): Promise<void> {
  await createUser(login, extension);
  await waitFor(() => sim.identities().some((i) => i['003use_name'] === login), {
    timeoutMs: 8000,
    message: 'warm-up user not delivered',
  });
}

it('drains the backlog after pascom was down, keeping each user’s changes in order', async () => {
  const p = 'pd1-';
  const edited = await createUser(`${p}edited`, 3001);
  const renamed = await createUser(`${p}renamed`, 3002);
  const dropped = await createUser(`${p}dropped`, 3003);
  const witness = await createUser(`${p}witness`, 3004);
  await expectExactState(sim, p, {
    [`${p}edited`]: { name: `Pbx ${p}edited`, extension: '3001' },
    [`${p}renamed`]: { name: `Pbx ${p}renamed`, extension: '3002' },
    [`${p}dropped`]: { name: `Pbx ${p}dropped`, extension: '3003' },
    [`${p}witness`]: { name: `Pbx ${p}witness`, extension: '3004' },
  });

  await sim.goDown();
  await udm.modifyUser(edited.dn, { displayName: 'Edit One' });
  await udm.modifyUser(edited.dn, { displayName: 'Edit Two' });
  await udm.renameUser(renamed.dn, `${p}renamed2`);
  await udm.deactivate(dropped.dn);
  await createUser(`${p}new`, 3005);
  const outbox = live.service.current().store.outbox;
  // The backlog is real: every change was tried and failed before pascom comes back.
  await waitFor(() => outbox.list('pending').filter((r) => r.lastError !== null).length >= 4, {
    timeoutMs: 8000,
    message: 'the changes were not tried while pascom was down',
  });
  await sim.comeUp();

  // A slow pascom keeps a witness change in flight while the next ones arrive.
  sim.setLatency(40);
  const witnessNames = ['Witness 1', 'Witness 2', 'Witness 3', 'Witness 4', 'Witness 5'];
  for (const name of witnessNames) await udm.modifyUser(witness.dn, { displayName: name });

  await expectExactState(
    sim,
    p,
    {
      [`${p}edited`]: { name: 'Edit Two', extension: '3001' },
      [`${p}renamed2`]: { name: `Pbx ${p}renamed`, extension: '3002' },
      [`${p}witness`]: { name: 'Witness 5', extension: '3004' },
      [`${p}new`]: { name: `Pbx ${p}new`, extension: '3005' },
    },
    30_000,
  );
  const sentToWitness = writesFor(`${p}witness`).slice(1).map(displayNameSent);
  const order = sentToWitness.map((name) => witnessNames.indexOf(String(name)));
  expect(
    order.every((index, i) => index >= 0 && (i === 0 || index > (order[i - 1] ?? -1))),
    `witness writes in change order: ${JSON.stringify(sentToWitness)}`,
  ).toBe(true);
  expect(sentToWitness.at(-1)).toBe('Witness 5');
  expect(writesFor(`${p}edited`).slice(1).map(displayNameSent).at(-1)).toBe('Edit Two');
}, 45_000);

it('delivers a burst through a 429 storm, never retrying a rate-limited user before Retry-After', async () => {
  const p = 'pr1-';
  await warmUp(`${p}warm`, 3100);
  const { dns, expected } = await inactiveUsers(p, 30, 3110);
  sim.rateLimitNext(20, 1);
  await Promise.all(dns.map((dn) => udm.activate(dn)));

  await expectExactState(sim, p, { ...expected, [`${p}warm`]: { name: `Pbx ${p}warm`, extension: '3100' } }, 30_000);
  const journal = sim.journal();
  const limited = journal.filter((e) => e.status === 429);
  expect(limited).toHaveLength(20);
  for (const entry of limited) {
    const login = loginOf(entry);
    expect(login, `429 on a request without a login: ${entry.method} ${entry.path}`).toBeDefined();
    const next = journal.find((e) => e.seq > entry.seq && loginOf(e) === login);
    expect(next, `${String(login)} was never retried`).toBeDefined();
    const waitedMs = Number((next?.receivedAtNs ?? 0n) - entry.receivedAtNs) / 1e6;
    // 1 ms of slack: the connector schedules in whole Date.now() milliseconds.
    expect(waitedMs, `${String(login)} retried too early`).toBeGreaterThanOrEqual(999);
  }
}, 45_000);

it('delivers a burst through 10 % server errors without duplicates', async () => {
  const p = 'pe1-';
  await warmUp(`${p}warm`, 3200);
  const { dns, expected } = await inactiveUsers(p, 40, 3210);
  // At most 5 errors: even all on one user, its retries (backoff ceilings 0.5 + 1 + 2 + 4 + 8 s)
  // end inside the 30 s wait, whatever order the concurrent requests draw their fates in.
  sim.setServerErrorRate(0.1, { seed: 7, limit: 5 });
  await Promise.all(dns.map((dn) => udm.activate(dn)));

  await expectExactState(sim, p, { ...expected, [`${p}warm`]: { name: `Pbx ${p}warm`, extension: '3200' } }, 30_000);
  expect(sim.journal().filter((e) => e.status >= 500).length, 'the fault was exercised').toBeGreaterThan(0);
}, 45_000);
