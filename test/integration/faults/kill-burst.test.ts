/**
 * Fault suite: a 5,000-change burst (activations, display-name and phone edits,
 * renames, deactivations) is written to slapd while `serve` runs as a real process; the process is
 * SIGKILLed five times at seeded-random points — each after a random number of further writes to
 * pascom — and started again each time. The burst goes out in twelve slices: before each start
 * one while no service runs (caught up from the sync cookie), after it one while it runs.
 * Afterwards pascom holds exactly the expected identities, no login was ever created twice,
 * every user's writes kept change order, and the outbox is empty with no dead letter.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { JournalEntry, PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import { mulberry32 } from '../../fixtures/prng.js';
import type { ConnectorFixture } from '../../fixtures/connector.js';
import { expectExactState } from '../live/resilience-expect.js';
import { orderCheck, planBurst, slicesOf, type Burst, type Change, type LdifWriter } from './change-burst.js';
import { startBurstWorld, type BurstWorld } from './burst-world.js';
import { StateDb, startServe, untilDrained, untilLive, type ServeProcess } from './serve-process.js';

const PREFIX = 'kb-';
const KILLS = 5;
const SEED = 20_251;
const BASE_DN = 'dc=example,dc=intranet';

const burst: Burst = planBurst({
  prefix: PREFIX,
  users: 1600,
  changes: 5000,
  seed: SEED,
  baseDn: BASE_DN,
  firstExtension: 10_000,
});

let sim: PascomSimulator;
let fixture: ConnectorFixture;
let writer: LdifWriter;
let world: BurstWorld | undefined;
const processes: ServeProcess[] = [];

beforeAll(async () => {
  world = await startBurstWorld(burst, BASE_DN);
  ({ sim, fixture, writer } = world);
}, 60_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill()));
  await world?.close();
});

const isWrite = (e: JournalEntry): boolean => e.method !== 'GET';

function serve(): ServeProcess {
  const started = startServe(fixture.configPath);
  processes.push(started);
  return started;
}

/** Users a slice touches: each yields at least one write to pascom once the slice is seen (edits of one user coalesce). */
function usersTouched(slice: readonly Change[]): number {
  return new Set(slice.map((c) => (c.kind === 'rename' ? c.newDn : c.dn))).size;
}

it('converges exactly after five SIGKILLs at random points of a 5,000-change burst', async () => {
  const state = new StateDb(fixture.dataDir);
  const killAfter = mulberry32(SEED + 1);
  // Per start: one slice written while no service runs (caught up from the cookie), one while it runs.
  const slices = slicesOf(burst.changes, 2 * (KILLS + 1));
  const kills: { afterWrites: number; inFlight: number }[] = [];
  // Slow enough that every kill lands with requests in flight and most of the burst still queued.
  sim.setLatency({ minMs: 1, maxMs: 8 });

  let current: ServeProcess | undefined;
  let writing: Promise<void> = Promise.resolve();
  for (let start = 0; start <= KILLS; start++) {
    const whileDead = slices[2 * start] ?? [];
    await writer.write(whileDead);
    const mark = sim.journal().at(-1)?.seq ?? 0;
    current = serve();
    await untilLive(current, state);
    writing = writer.write(slices[2 * start + 1] ?? []);
    if (start === KILLS) break;
    // A random point within the writes this start surely has to make (a quarter of the users the dead slice touched).
    const further = 1 + Math.floor(killAfter() * usersTouched(whileDead) * 0.25);
    await sim.waitForRequests((e) => isWrite(e) && e.seq > mark, further, 60_000);
    const inFlight = sim.journal().filter((e) => isWrite(e) && e.respondedAtNs === undefined).length;
    await current.kill();
    kills.push({ afterWrites: further, inFlight });
    await writing;
  }
  await writing;
  if (current === undefined) throw new Error('serve never started');

  await untilDrained(state, 60_000);
  expect(state.deadLetters(), 'no dead letter').toEqual([]);
  await expectExactState(sim, PREFIX, burst.expected, 30_000);
  const order = orderCheck(sim.journal(), burst);
  expect(order.violations, 'each user’s writes in change order').toEqual([]);
  expect(order.checked).toBeGreaterThanOrEqual(Object.keys(burst.expected).length);
  expect(state.anchoredLogins(PREFIX)).toBe(Object.keys(burst.expected).length);
  expect(kills, 'five kills, each after further deliveries').toHaveLength(KILLS);
  expect(
    kills.some((k) => k.inFlight > 0),
    `some kill cut requests in flight: ${JSON.stringify(kills)}`,
  ).toBe(true);
  expect(await current.terminate(), current.stderr()).toBe(0);
}, 150_000);
