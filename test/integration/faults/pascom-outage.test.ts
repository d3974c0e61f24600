/**
 * Fault suite: pascom refuses every connection for 60 s in the middle of a burst
 * written to slapd under a running `serve` process. Meanwhile each queued change is retried with
 * the outbox's capped exponential backoff — often enough to show it is retried, never more often
 * than that backoff allows (retry-bounds.ts derives both limits). When pascom is back the queue
 * drains: nothing lost, nothing created twice, every user's writes in change order.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { JournalEntry, PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import type { ConnectorFixture } from '../../fixtures/connector.js';
import { expectExactState } from '../live/resilience-expect.js';
import { orderCheck, planBurst, slicesOf, type Burst, type LdifWriter } from './change-burst.js';
import { maxAttempts, minAttempts, OUTBOX_BACKOFF } from './retry-bounds.js';
import { startBurstWorld, type BurstWorld } from './burst-world.js';
import { StateDb, startServe, untilDrained, untilLive, type OpenRow, type ServeProcess } from './serve-process.js';

const PREFIX = 'po-';
const BASE_DN = 'dc=example,dc=intranet';
const OUTAGE_MS = 60_000;
/** Room for the runner's own work between a row's retries (claims, commits, a loaded CI machine). */
const SLACK_MS = 5_000;

const burst: Burst = planBurst({
  prefix: PREFIX,
  users: 300,
  changes: 450,
  seed: 60_013,
  baseDn: BASE_DN,
  firstExtension: 30_000,
});

let sim: PascomSimulator;
let fixture: ConnectorFixture;
let writer: LdifWriter;
let world: BurstWorld | undefined;
let serve: ServeProcess | undefined;

beforeAll(async () => {
  world = await startBurstWorld(burst, BASE_DN);
  ({ sim, fixture, writer } = world);
}, 60_000);

afterAll(async () => {
  await serve?.kill();
  await world?.close();
});

const isWrite = (e: JournalEntry): boolean => e.method !== 'GET';

/** The oldest open row of each user: only it is tried (a user's later row waits behind it). */
function headRows(rows: readonly OpenRow[]): OpenRow[] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    if (seen.has(row.uuid)) return false;
    seen.add(row.uuid);
    return true;
  });
}

it('retries with bounded backoff through 60 s without pascom, then drains exactly', async () => {
  const state = new StateDb(fixture.dataDir);
  const [beforeOutage, duringOutage, lateInOutage] = slicesOf(burst.changes, 3);
  serve = startServe(fixture.configPath);
  await untilLive(serve, state);
  sim.setLatency({ minMs: 2, maxMs: 6 });

  const writing = writer.write(beforeOutage ?? []);
  await sim.waitForRequests(isWrite, 30, 20_000);
  await sim.goDown();
  const downAt = Date.now();
  const outage = new Promise((done) => setTimeout(done, OUTAGE_MS));
  await writing;
  await writer.write(duringOutage ?? []);
  await writer.write(lateInOutage ?? []);
  await outage;

  const rows = state.openRows();
  const windowMs = Date.now() - downAt + SLACK_MS;
  const limit = maxAttempts(windowMs, rows.length);
  const heads = headRows(rows);
  expect(heads.length, 'changes were queued while pascom was down').toBeGreaterThan(0);
  expect(Math.max(...rows.map((r) => r.attempts)), `at most ${limit} attempts in ${windowMs} ms`).toBeLessThanOrEqual(
    limit,
  );
  // Every user's oldest change was tried (and failed) as often as the backoff's ceilings force.
  const tooFew = heads.filter(
    (r) => r.lastError === null || r.attempts < minAttempts(Date.now() - r.createdAt, SLACK_MS),
  );
  expect(tooFew, `retried at least as the ${OUTBOX_BACKOFF.baseMs} ms backoff requires`).toEqual([]);
  expect(serve.alive(), serve.stderr()).toBe(true);

  await sim.comeUp();
  // A row may have just been told to wait the whole 60 s cap before its next attempt.
  await untilDrained(state, OUTBOX_BACKOFF.capMs + 30_000);
  // A create cut off by the outage after pascom applied it, for a user renamed or deactivated before
  // the retry, ends as a dead letter or an orphan identity: see lost-create.test.ts.
  expect(state.deadLetters(), 'no dead letter').toEqual([]);
  await expectExactState(sim, PREFIX, burst.expected, 10_000);
  const order = orderCheck(sim.journal(), burst);
  expect(order.violations, 'each user’s writes in change order').toEqual([]);
  expect(order.checked).toBeGreaterThanOrEqual(Object.keys(burst.expected).length);
  expect(await serve.terminate(), serve.stderr()).toBe(0);
}, 200_000);
