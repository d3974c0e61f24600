/**
 * The live listener end to end, for each change source: every kind of directory change reaches
 * pascom as the right request, and nothing else is sent.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import type { SlapdHandle } from '../../fixtures/slapd/index.js';
import type { Udm } from '../../fixtures/udm.js';
import { waitFor } from '../../fixtures/wait.js';
import { identityOf, startLive, type LiveConnector, startTestDirectory, stopTestDirectory } from './live-harness.js';

let slapd: SlapdHandle;
let sim: PascomSimulator;
let udm: Udm;
let seq = 0;
const login = (): string => `live${++seq}p${process.pid % 1000}`;

beforeAll(async () => {
  ({ slapd, sim, udm } = await startTestDirectory());
});
afterAll(() => stopTestDirectory({ slapd, sim, udm }));

const MODES = [
  { mode: 'syncrepl', overrides: { listener: { mode: 'syncrepl' } } },
  { mode: 'poll', overrides: { listener: { mode: 'poll', pollIntervalMs: 200 } } },
];

describe.each(MODES)('live listener ($mode)', ({ mode, overrides }) => {
  let live: LiveConnector;

  beforeEach(async () => {
    sim.reset();
    live = await startLive(slapd, sim, overrides);
  });
  afterEach(async () => {
    await live.stop();
    await live.fixture.cleanup();
  });

  const present = (name: string) =>
    waitFor(() => identityOf(sim, name), { timeoutMs: 8000, message: `${name} never reached pascom` });
  const absent = (name: string) =>
    waitFor(() => identityOf(sim, name) === undefined, { timeoutMs: 8000, message: `${name} stayed in pascom` });
  const writesFor = (name: string) =>
    sim
      .journal()
      .filter(
        (e) =>
          e.method !== 'GET' &&
          (e.login === name || (e.body as Record<string, unknown> | undefined)?.['003use_name'] === name),
      );

  it('reports the chosen mode', async () => {
    const status = live.service.current().store.kv.get('listener.mode');
    expect(status).toBe(mode);
  });

  it('an activated user gets an identity', async () => {
    const name = login();
    // A number of its own: users of earlier tests stay in the directory and keep theirs.
    const extension = String(300 + seq);
    await udm.createUser({
      username: name,
      firstname: 'Li',
      lastname: 'Ve',
      phone: [`0441 1234-${extension}`],
      activated: true,
    });
    const identity = await present(name);
    expect(identity['009ext_extension']).toBe(extension);
  });

  it('an edit of a mapped field sends only an update', async () => {
    const name = login();
    const { dn } = await udm.createUser({ username: name, firstname: 'Ed', lastname: 'It', activated: true });
    await present(name);
    await udm.modifyUser(dn, { displayName: 'Edited Name' });
    await waitFor(() => identityOf(sim, name)?.['003use_bez'] === 'Edited Name', {
      timeoutMs: 8000,
      message: 'update not delivered',
    });
    expect(writesFor(name).map((e) => e.method)).toEqual(['POST', 'PUT']);
  });

  it('an edit of an unmapped field sends nothing', async () => {
    const name = login();
    const marker = login();
    const { dn } = await udm.createUser({ username: name, firstname: 'Un', lastname: 'Mapped', activated: true });
    await present(name);
    await udm.modifyUser(dn, { password: 'Unmapped-Change-1' });
    // A later change of another user proves the listener has processed the earlier one.
    await udm.createUser({ username: marker, firstname: 'Mark', lastname: 'Er', activated: true });
    await present(marker);
    expect(writesFor(name).filter((e) => e.method !== 'POST')).toEqual([]);
  });

  it('a rename changes the login without delete and re-create', async () => {
    const name = login();
    const renamed = login();
    const { dn } = await udm.createUser({ username: name, firstname: 'Re', lastname: 'Name', activated: true });
    await present(name);
    await udm.renameUser(dn, renamed);
    await present(renamed);
    expect(identityOf(sim, name)).toBeUndefined();
    expect(sim.journal().filter((e) => e.method === 'DELETE')).toEqual([]);
  });

  it('deactivation deletes the identity, re-activation creates it again', async () => {
    const name = login();
    const { dn } = await udm.createUser({ username: name, firstname: 'De', lastname: 'Act', activated: true });
    await present(name);
    await udm.deactivate(dn);
    await absent(name);
    await udm.activate(dn);
    await present(name);
  });

  it('disabling the UCS account deletes the identity', async () => {
    const name = login();
    const { dn } = await udm.createUser({ username: name, firstname: 'Dis', lastname: 'Abled', activated: true });
    await present(name);
    await udm.disableUser(dn);
    await absent(name);
  });

  it('deleting the user deletes the identity', async () => {
    const name = login();
    const { dn } = await udm.createUser({ username: name, firstname: 'Del', lastname: 'Eted', activated: true });
    await present(name);
    await udm.deleteUser(dn);
    await absent(name);
  });
});
