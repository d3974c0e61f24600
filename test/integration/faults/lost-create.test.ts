/**
 * Fault suite, found by pascom-outage.test.ts: pascom applies a create but its answer
 * is lost (the connection drops, as when pascom goes down mid-request), and before the retry
 * the user changes in a way that changes the create — renamed, or deactivated. The retry must
 * still converge on the one identity pascom already made for the user: no orphan under the old
 * login, no dead letter. Each case is made deterministic: pascom goes down the moment it has
 * applied the create, stays down until the change is queued, then comes back.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectorFixture, type ConnectorFixture } from '../../fixtures/connector.js';
import { freePort } from '../../fixtures/free-port.js';
import { startPascomSimulator, type PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import { startSlapd, type SlapdHandle } from '../../fixtures/slapd/index.js';
import { userDn } from '../../fixtures/slapd/ucs-user-entry.js';
import { Udm } from '../../fixtures/udm.js';
import type { GeneratedUser } from '../../fixtures/user-generator.js';
import { waitFor } from '../../fixtures/wait.js';
import { expectExactState, loginOf } from '../live/resilience-expect.js';
import { phoneFor } from './change-burst.js';
import { StateDb, startServe, untilDrained, untilLive, type ServeProcess } from './serve-process.js';

const BASE_DN = 'dc=example,dc=intranet';
const CONTAINER = `cn=users,${BASE_DN}`;

function inactiveUser(username: string, extension: number): GeneratedUser {
  return {
    dn: userDn(username, CONTAINER),
    container: CONTAINER,
    username,
    firstname: 'Lost',
    lastname: username,
    phone: [phoneFor(extension)],
    activated: false,
  };
}

const renamed = inactiveUser('lc-ren', 40_001);
const dropped = inactiveUser('lc-drop', 40_002);

let slapd: SlapdHandle;
let sim: PascomSimulator;
let udm: Udm;
let fixture: ConnectorFixture;
let state: StateDb;
let serve: ServeProcess | undefined;

beforeAll(async () => {
  [slapd, sim] = await Promise.all([
    startSlapd({ users: [renamed, dropped], baseDn: BASE_DN }),
    startPascomSimulator(),
  ]);
  udm = new Udm(slapd);
  fixture = await connectorFixture(slapd, sim, {
    listener: { mode: 'syncrepl' },
    extensions: { digits: 5, pool: '90000-90999' },
    http: { host: '127.0.0.1', port: await freePort() },
  });
  state = new StateDb(fixture.dataDir);
  serve = startServe(fixture.configPath);
  await untilLive(serve, state);
}, 60_000);

afterAll(async () => {
  await serve?.kill();
  await udm?.close();
  await Promise.all([slapd?.stop(), sim?.stop()]);
  await fixture?.cleanup();
});

/** Activates the user; pascom applies its create, drops the answer and goes down at once. */
async function activateLosingTheAnswer(user: GeneratedUser): Promise<void> {
  sim.failAfterApplyNext(1, 'POST');
  await udm.activate(user.dn);
  await sim.waitForRequests((e) => e.fault === 'failAfterApply' && loginOf(e) === user.username, 1, 10_000);
  // In the same turn as the dropped answer: the connector's retry cannot have reached pascom yet.
  await sim.goDown();
  expect(sim.identities().map((i) => i['003use_name'])).toContain(user.username);
}

/** Waits until the listener has queued the user's newer state behind the failed create. */
async function untilQueued(matches: (payload: string) => boolean): Promise<void> {
  await waitFor(() => state.openPayloads().some(matches), {
    timeoutMs: 10_000,
    intervalMs: 25,
    message: 'the change was not queued',
  });
}

/** This user's dead letters (the tests share one data dir and run in any order). */
function deadLettersOf(uuid: string): { error: string | null }[] {
  return state.deadLetters().filter((dead) => dead.uuid === uuid);
}

it('renames the identity of a create whose answer was lost when the user was renamed before the retry', async () => {
  await activateLosingTheAnswer(renamed);
  const uuid = await udm.getUuid(renamed.dn);
  await udm.renameUser(renamed.dn, 'lc-ren2');
  await untilQueued((payload) => payload.includes('uid=lc-ren2,'));
  await sim.comeUp();

  await untilDrained(state, 30_000);
  expect(deadLettersOf(uuid), 'no dead letter').toEqual([]);
  await expectExactState(sim, 'lc-ren', { 'lc-ren2': { name: 'Lost lc-ren', extension: '40001' } }, 5_000);
}, 60_000);

it('deletes the identity of a create whose answer was lost when the user was deactivated before the retry', async () => {
  await activateLosingTheAnswer(dropped);
  const uuid = await udm.getUuid(dropped.dn);
  await udm.deactivate(dropped.dn);
  await untilQueued((payload) => payload.includes(uuid) && payload.includes('"kind":"gone"'));
  await sim.comeUp();

  await untilDrained(state, 30_000);
  expect(deadLettersOf(uuid), 'no dead letter').toEqual([]);
  await expectExactState(sim, 'lc-drop', {}, 5_000);
}, 60_000);
