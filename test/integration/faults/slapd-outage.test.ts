/**
 * Fault suite: slapd is stopped for 30 s in the middle of a burst and started again
 * with the same database on the same port. The `serve` process (a real child) stays up, says in
 * its status that the directory cannot be reached, keeps delivering what it had already queued,
 * and once slapd is back catches up from its sync cookie: every change made before and after
 * the outage reaches pascom exactly once.
 *
 * The stop is real: SIGTERM to slapd, awaited until the process is gone (the fixture's
 * `restart()` stops and starts at once, so the pause is made here; `restart()` then finds the
 * process already exited and starts it again on the same port and database).
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StatusReport } from '../../../app/sync/status.js';
import type { PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import type { SlapdHandle } from '../../fixtures/slapd/index.js';
import { waitFor } from '../../fixtures/wait.js';
import type { ConnectorFixture } from '../../fixtures/connector.js';
import { expectExactState } from '../live/resilience-expect.js';
import { orderCheck, planBurst, slicesOf, type Burst, type LdifWriter } from './change-burst.js';
import { startBurstWorld, type BurstWorld } from './burst-world.js';
import { LIVE_REASON, StateDb, startServe, untilDrained, untilLive, type ServeProcess } from './serve-process.js';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '../../..');
const PREFIX = 'so-';
const BASE_DN = 'dc=example,dc=intranet';
const OUTAGE_MS = 30_000;

const burst: Burst = planBurst({
  prefix: PREFIX,
  users: 300,
  changes: 450,
  seed: 7_301,
  baseDn: BASE_DN,
  firstExtension: 20_000,
});

let slapd: SlapdHandle;
let sim: PascomSimulator;
let fixture: ConnectorFixture;
let writer: LdifWriter;
let world: BurstWorld | undefined;
let serve: ServeProcess | undefined;

beforeAll(async () => {
  world = await startBurstWorld(burst, BASE_DN);
  ({ slapd, sim, fixture, writer } = world);
}, 60_000);

afterAll(async () => {
  await serve?.kill();
  await world?.close();
});

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

/** A real stop that keeps the database; slapd.restart() starts it again. */
async function stopSlapdKeepingData(): Promise<void> {
  const pid = slapd.pid;
  process.kill(pid, 'SIGTERM');
  await waitFor(() => processGone(pid), { timeoutMs: 10_000, message: 'slapd did not stop' });
}

/** What `pascom-connector status --json` says (a separate process reading the state store). */
async function statusCommand(): Promise<StatusReport> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'app/cli/main.ts', 'status', '--json', '--config', fixture.configPath],
    { cwd: repoRoot, timeout: 30_000 },
  );
  return JSON.parse(stdout) as StatusReport;
}

const UNREACHABLE = /^waiting: .*ECONNREFUSED/;

it('survives slapd stopped for 30 s mid-burst, reports it, and delivers every change exactly', async () => {
  const state = new StateDb(fixture.dataDir);
  const [beforeStop, lastBeforeStop, afterRestart] = slicesOf(burst.changes, 3);
  serve = startServe(fixture.configPath);
  await untilLive(serve, state);
  const web = /pascom connector ready: (\S+)/.exec(serve.stderr())?.[1];
  // Deliveries take a few ms each, so the stop below lands with the burst still being delivered.
  sim.setLatency({ minMs: 5, maxMs: 15 });

  await writer.write(beforeStop ?? []);
  await writer.write(lastBeforeStop ?? []);
  // The listener is still streaming the last slice, pascom still receiving it.
  await stopSlapdKeepingData();
  const stoppedAt = sim.journal().at(-1)?.seq ?? 0;
  const outage = new Promise((done) => setTimeout(done, OUTAGE_MS));

  await waitFor(() => UNREACHABLE.test(state.listenerReason() ?? ''), {
    timeoutMs: 20_000,
    intervalMs: 100,
    message: 'the status never said that the directory is unreachable',
  });
  const status = await statusCommand();
  expect(status.listener.mode).toBe('syncrepl');
  expect(status.listener.reason).toMatch(UNREACHABLE);
  const health = await fetch(`${web}/healthz`);
  expect(health.status).toBe(200);
  // Queued changes carry the user's state: they go out without the directory.
  await untilDrained(state, OUTAGE_MS);
  expect(
    sim.journal().filter((e) => e.seq > stoppedAt && e.method !== 'GET').length,
    'writes still went to pascom after slapd stopped',
  ).toBeGreaterThan(0);
  await outage;
  expect(serve.alive(), serve.stderr()).toBe(true);
  expect(state.listenerReason()).toMatch(UNREACHABLE);

  await slapd.restart();
  // The listener's reconnect backoff is capped at 30 s (listener/reconnect.ts): allow that and more.
  await waitFor(() => state.listenerReason() === LIVE_REASON, {
    timeoutMs: 45_000,
    intervalMs: 100,
    message: 'the listener did not reconnect after slapd came back',
  });
  await writer.write(afterRestart ?? []);

  await expectExactState(sim, PREFIX, burst.expected, 30_000);
  await untilDrained(state, 10_000);
  expect(state.deadLetters(), 'no dead letter').toEqual([]);
  const order = orderCheck(sim.journal(), burst);
  expect(order.violations, 'each user’s writes in change order').toEqual([]);
  expect(order.checked).toBeGreaterThanOrEqual(Object.keys(burst.expected).length);
  expect(await serve.terminate(), serve.stderr()).toBe(0);
}, 150_000);
