/**
 * Fault suite: pascom accepts requests and does not answer in time, under a running listener
 * (syncrepl) with a short `pascom.timeoutMs`. The client gives up after the timeout, the rows
 * are retried, other users are not held up; requests pascom applies after the client gave up
 * (a late create, before or after the retry; a late stale update) never leave a duplicate or a
 * wrong final state once the connector has converged.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Store } from '../../../app/store/index.js';
import type { JournalEntry, PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import type { Udm } from '../../fixtures/udm.js';
import { waitFor } from '../../fixtures/wait.js';
import {
  identityOf,
  outboxDrained,
  startLive,
  startTestDirectory,
  stopTestDirectory,
  type LiveConnector,
  type TestDirectory,
} from '../live/live-harness.js';
import {
  createdPerLogin,
  expectExactState,
  loginOf,
  type KeyFields,
  type PascomState,
} from '../live/resilience-expect.js';

/** Short, but far above what a healthy request takes on a loaded 2-core CI machine. */
const TIMEOUT_MS = 1500;

let world: TestDirectory;
let sim: PascomSimulator;
let udm: Udm;
let live: LiveConnector;

beforeEach(async () => {
  // A world per test: a fresh listener's refresh must not replay another test's users into the faults.
  world = await startTestDirectory();
  ({ sim, udm } = world);
  live = await startLive(world.slapd, sim, {
    listener: { mode: 'syncrepl' },
    extensions: { digits: 4, pool: '9000-9999' },
    pascom: { timeoutMs: TIMEOUT_MS },
  });
});
afterEach(async () => {
  sim.clearFaults();
  sim.release();
  await live.stop();
  await live.fixture.cleanup();
  await stopTestDirectory(world);
});

const name = (login: string): string => `Hang ${login}`;

async function inactiveUser(login: string, extension: number): Promise<string> {
  const { dn } = await udm.createUser({
    username: login,
    firstname: 'Hang',
    lastname: login,
    phone: [`0441 5550-${extension}`],
    activated: false,
  });
  return dn;
}

/** One delivered user first: pascom's extension list is cached, so every later request is a write. */
async function warmUp(prefix: string): Promise<PascomState> {
  const login = `${prefix}warm`;
  await udm.activate(await inactiveUser(login, 3999));
  const state = { [login]: { name: name(login), extension: '3999' } };
  await expectExactState(sim, prefix, state);
  return state;
}

const isCreateOf =
  (login: string) =>
  (e: JournalEntry): boolean =>
    e.method === 'POST' && loginOf(e) === login;

const writesOf = (login: string): JournalEntry[] =>
  sim.journal().filter((e) => e.method !== 'GET' && loginOf(e) === login);

function elapsedMs(from: bigint, to: bigint | undefined): number {
  if (to === undefined) throw new Error('the request has not ended');
  return Number(to - from) / 1e6;
}

const drained = (): Promise<void> => outboxDrained(live);

/** The connector logged that it gave up waiting for pascom on at least `count` requests. */
function timeoutWarnings(): number {
  return live.logs.entries.filter(
    (e) => e.level === 'warn' && String(e.meta?.['error']).includes(`no answer from pascom within ${TIMEOUT_MS} ms`),
  ).length;
}

it('gives up on hung creates after the timeout and retries them, while the other users go through', async () => {
  const p = 'hg1-';
  const expected: Record<string, KeyFields> = { ...(await warmUp(p)) };
  const dns: string[] = [];
  for (let i = 0; i < 8; i++) {
    dns.push(await inactiveUser(`${p}u${i}`, 3100 + i));
    expected[`${p}u${i}`] = { name: name(`${p}u${i}`), extension: String(3100 + i) };
  }
  sim.hangNext(3);
  await Promise.all(dns.map((dn) => udm.activate(dn)));

  await expectExactState(sim, p, expected, 20_000);
  await drained();
  const journal = sim.journal();
  const hung = journal.filter((e) => e.fault === 'hang');
  expect(hung.map((e) => e.method)).toEqual(['POST', 'POST', 'POST']);
  for (const entry of hung) {
    expect(entry.status, 'a hung request is never answered').toBe(0);
    // The client ended it (closed the socket) at its timeout: not earlier, and not much later.
    const waited = elapsedMs(entry.receivedAtNs, entry.respondedAtNs);
    expect(waited).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(waited).toBeLessThan(TIMEOUT_MS + 2000);
    const login = String(loginOf(entry));
    const retried = journal.find((e) => e.seq > entry.seq && isCreateOf(login)(e) && e.status === 201);
    expect(retried, `${login} was retried and created`).toBeDefined();
  }
  // Not blocked: every other user was created before the first hung request was even given up on.
  const hungLogins = new Set(hung.map(loginOf));
  const givenUpAt = hung.map((e) => e.respondedAtNs ?? 0n).reduce((a, b) => (a < b ? a : b));
  const others = journal.filter((e) => e.method === 'POST' && e.status === 201 && !hungLogins.has(loginOf(e)));
  expect(others.map(loginOf).filter((l) => l !== `${p}warm`)).toHaveLength(5);
  for (const entry of others) expect(entry.respondedAtNs ?? givenUpAt, String(loginOf(entry))).toBeLessThan(givenUpAt);
  expect(timeoutWarnings()).toBeGreaterThanOrEqual(3);

  // Nothing is left waiting for an answer: pascom's late release finds no request to apply.
  expect(sim.release()).toBe(0);
  await expectExactState(sim, p, expected);
}, 40_000);

it('stops after the requests on the wire, releasing the changes queued behind them unsent; they go out once after the restart', async () => {
  const p = 'hg6-';
  const expected: Record<string, KeyFields> = { ...(await warmUp(p)) };
  const users = Array.from({ length: 24 }, (_, i) => ({ login: `${p}u${i}`, extension: 3500 + i }));
  const dns: string[] = [];
  for (const { login, extension } of users) {
    dns.push(await inactiveUser(login, extension));
    expected[login] = { name: name(login), extension: String(extension) };
  }
  sim.hangNext(1000);
  await Promise.all(dns.map((dn) => udm.activate(dn)));
  // pascom.concurrency (8) requests hang; the connector has claimed all 24 rows, 16 wait for a connection.
  await sim.waitForRequests((e) => e.fault === 'hang' && String(loginOf(e)).startsWith(p), 8, 10_000);
  await waitFor(() => live.service.current().store.outbox.stats().inflight === users.length, { timeoutMs: 10_000 });

  const stopAt = process.hrtime.bigint();
  await live.stop();

  const sentBeforeRestart = sim.journal().filter((e) => String(loginOf(e)).startsWith(p) && e.method === 'POST');
  expect(
    sentBeforeRestart.filter((e) => e.receivedAtNs > stopAt).map(loginOf),
    'no request is sent once the stop began',
  ).toEqual([]);
  const sentLogins = new Set(sentBeforeRestart.map(loginOf));
  const store = Store.open(live.fixture.dataDir);
  const waiting = store.outbox.list('pending', 100).map((row) => ({
    login: users.find((u) => row.payload.includes(`"${u.login}"`))?.login,
    attempts: row.attempts,
    tentative: store.anchors.anchor(row.uuid)?.tentativeFrom,
  }));
  store.close();
  const released = waiting.filter((row) => row.login !== undefined && !sentLogins.has(row.login));
  expect(released.length, 'at least one round of rows was still queued').toBeGreaterThanOrEqual(8);
  expect(waiting).toHaveLength(users.length);
  // A released row is as it was before its claim: no attempt counted, nothing remembered as sent.
  expect(released.filter((row) => row.attempts !== 0 || row.tentative !== undefined)).toEqual([]);

  sim.clearFaults();
  live = await live.restart();
  await expectExactState(sim, p, expected, 20_000);
  await drained();
  expect(createdPerLogin(sim.journal(), p)).toEqual(Object.fromEntries(Object.keys(expected).map((l) => [l, 1])));
  for (const row of released) {
    const posts = sim.journal().filter((e) => e.method === 'POST' && loginOf(e) === row.login);
    expect(
      posts.map((e) => e.status),
      `${String(row.login)} is sent once, after the restart`,
    ).toEqual([201]);
  }
}, 40_000);

it('takes an answer that comes late but within the timeout, without sending the change again', async () => {
  const p = 'hg2-';
  const warm = await warmUp(p);
  const dn = await inactiveUser(`${p}slow`, 3200);
  sim.hangNext(1);
  await udm.activate(dn);
  const [held] = await sim.waitForRequests((e) => isCreateOf(`${p}slow`)(e) && e.fault === 'hang', 1, 10_000);
  expect(sim.release()).toBe(1);

  await expectExactState(sim, p, { ...warm, [`${p}slow`]: { name: name(`${p}slow`), extension: '3200' } });
  await drained();
  expect(writesOf(`${p}slow`).map((e) => [e.seq, e.status])).toEqual([[held?.seq, 201]]);
  expect(timeoutWarnings()).toBe(0);
}, 30_000);

/**
 * The simulator applies a delayed request when its delay ends, whether or not the client still
 * waits: a latency above the timeout is "pascom applied it after the client gave up". The latency
 * is switched off as soon as the first create arrived, so only that one request is late.
 */
async function lateCreate(login: string, lateByMs: number, afterArrival: () => void): Promise<JournalEntry> {
  const dn = await inactiveUser(login, 3300);
  sim.setLatency(lateByMs);
  await udm.activate(dn);
  const [first] = await sim.waitForRequests(isCreateOf(login), 1, 10_000);
  sim.clearFaults();
  afterArrival();
  if (first === undefined) throw new Error('no create arrived');
  return first;
}

async function ended(seq: number): Promise<JournalEntry> {
  return waitFor(() => sim.journal().find((e) => e.seq === seq && e.respondedAtNs !== undefined), {
    timeoutMs: 15_000,
    message: `request ${seq} never ended`,
  });
}

it('adopts the identity when pascom applied a timed-out create before the retry arrived', async () => {
  const p = 'hg3-';
  const warm = await warmUp(p);
  const login = `${p}late`;
  // The retry (after the timeout plus up to 500 ms jitter) first asks pascom whether the create
  // landed; that GET gets 429 + Retry-After 2 s, so the attempt after it comes well after the late
  // create (at 1.5 × TIMEOUT_MS) has landed — and finds it: nothing is written again.
  const first = await lateCreate(login, TIMEOUT_MS * 1.5, () => sim.rateLimitNext(1, 2));

  expect((await ended(first.seq)).status, 'the late create was applied').toBe(201);
  await drained();
  await expectExactState(sim, p, { ...warm, [login]: { name: name(login), extension: '3300' } });
  const writes = writesOf(login).map((e) => [e.method, e.status]);
  expect(writes).toEqual([['POST', 201]]);
  expect(
    sim
      .journal()
      .filter((e) => e.method === 'GET' && e.login === login)
      .map((e) => e.status),
  ).toEqual([429, 200]);
  expect(timeoutWarnings()).toBeGreaterThanOrEqual(1);
  expect(createdPerLogin(sim.journal(), p)).toEqual({ [`${p}warm`]: 1, [login]: 1 });
  const audit = live.service
    .current()
    .store.audit.recent(50)
    .filter((e) => e.login === login);
  expect(audit.map((e) => [e.action, e.result])).toEqual([['adopt', 'ok']]);
}, 30_000);

it('keeps one identity when pascom applies a timed-out create after the retry created it', async () => {
  const p = 'hg4-';
  const warm = await warmUp(p);
  const login = `${p}late`;
  // Later than the retry can be (timeout + at most 500 ms jitter), plus a margin.
  const first = await lateCreate(login, TIMEOUT_MS * 2 + 500, () => undefined);

  expect((await ended(first.seq)).status, 'the late create found the login taken').toBe(409);
  await drained();
  expect(writesOf(login).map((e) => [e.method, e.status])).toEqual([
    ['POST', 409],
    ['POST', 201],
  ]);
  await expectExactState(sim, p, { ...warm, [login]: { name: name(login), extension: '3300' } });
}, 30_000);

/**
 * A limit of any client without conditional writes: an update pascom applies after the client
 * gave up can land after a newer one and overwrite it, and the listener cannot see that (its
 * record says the newer state was delivered). The scheduled full sync compares pascom itself with
 * the directory, so it is what puts this right.
 */
it('puts a stale update that pascom applied late right with the next full sync', async () => {
  const p = 'hg5-';
  const warm = await warmUp(p);
  const login = `${p}edit`;
  const dn = await inactiveUser(login, 3400);
  await udm.activate(dn);
  await expectExactState(sim, p, { ...warm, [login]: { name: name(login), extension: '3400' } });
  await drained();

  const before = sim.journal().at(-1)?.seq ?? 0;
  const after = (e: JournalEntry): boolean => e.seq > before && e.login === login;
  await udm.modifyUser(dn, { displayName: 'Stale B' });
  // The update reads the identity first, then replaces it: only the PUT is made late.
  await sim.waitForRequests((e) => after(e) && e.method === 'GET', 1, 10_000);
  sim.setLatency(TIMEOUT_MS * 3);
  const [late] = await sim.waitForRequests((e) => after(e) && e.method === 'PUT', 1, 10_000);
  sim.clearFaults();
  if (late === undefined) throw new Error('no update arrived');
  // The retry delivers B; then the user changes again and C is delivered before the late B lands.
  await sim.waitForRequests((e) => after(e) && e.method === 'PUT' && e.status === 200, 1, 10_000);
  await udm.modifyUser(dn, { displayName: 'Newest C' });
  const [newest] = await sim.waitForRequests(
    (e) => after(e) && e.method === 'PUT' && e.status === 200 && JSON.stringify(e.body).includes('Newest C'),
    1,
    10_000,
  );
  const landed = await ended(late.seq);
  expect(landed.status, 'pascom applied the abandoned update').toBe(200);
  expect(landed.respondedAtNs ?? 0n, 'after the newer one').toBeGreaterThan(newest?.respondedAtNs ?? 0n);
  await drained();
  expect(identityOf(sim, login)?.['003use_bez'], 'the listener alone does not see the overwrite').toBe('Stale B');

  const app = live.service.current();
  const result = await app.fullSync.import({
    trigger: 'test',
    confirmDeletes: false,
    waitMs: 15_000,
    runner: app.runner,
  });
  expect(result).toMatchObject({ status: 'done', failed: 0, queued: 0 });
  expect(result.plan.summary).toMatchObject({ create: 0, update: 1, delete: 0 });
  await expectExactState(sim, p, { ...warm, [login]: { name: 'Newest C', extension: '3400' } });
}, 40_000);
