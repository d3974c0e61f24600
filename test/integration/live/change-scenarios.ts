/**
 * Every kind of directory change, as a list of tests any change source must pass: registered by
 * each source's test file (syncrepl, poll, translog) inside its own describe and beforeEach.
 */
import { expect, it } from 'vitest';
import type { PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import type { Udm } from '../../fixtures/udm.js';
import { waitFor } from '../../fixtures/wait.js';
import { identityOf } from './live-harness.js';

export interface ScenarioWorld {
  readonly sim: PascomSimulator;
  readonly udm: Udm;
  /** A login no other test uses (the tests share one directory). */
  readonly login: () => string;
}

let lastExtension = 300;
const nextExtension = (): string => String(++lastExtension);

export function changeScenarios(world: () => ScenarioWorld): void {
  const sim = (): PascomSimulator => world().sim;
  const udm = (): Udm => world().udm;
  const login = (): string => world().login();
  const present = (name: string) =>
    waitFor(() => identityOf(sim(), name), { timeoutMs: 8000, message: `${name} never reached pascom` });
  const absent = (name: string) =>
    waitFor(() => identityOf(sim(), name) === undefined, { timeoutMs: 8000, message: `${name} stayed in pascom` });
  const writesFor = (name: string) =>
    sim()
      .journal()
      .filter(
        (e) =>
          e.method !== 'GET' &&
          (e.login === name || (e.body as Record<string, unknown> | undefined)?.['003use_name'] === name),
      );

  it('an activated user gets an identity', async () => {
    const name = login();
    // A number of its own: users of earlier tests stay in the directory and keep theirs.
    const extension = nextExtension();
    await udm().createUser({
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
    const { dn } = await udm().createUser({ username: name, firstname: 'Ed', lastname: 'It', activated: true });
    await present(name);
    await udm().modifyUser(dn, { displayName: 'Edited Name' });
    await waitFor(() => identityOf(sim(), name)?.['003use_bez'] === 'Edited Name', {
      timeoutMs: 8000,
      message: 'update not delivered',
    });
    expect(writesFor(name).map((e) => e.method)).toEqual(['POST', 'PUT']);
  });

  it('an edit of an unmapped field sends nothing', async () => {
    const name = login();
    const marker = login();
    const { dn } = await udm().createUser({ username: name, firstname: 'Un', lastname: 'Mapped', activated: true });
    await present(name);
    await udm().modifyUser(dn, { password: 'Unmapped-Change-1' });
    // A later change of another user proves the listener has processed the earlier one.
    await udm().createUser({ username: marker, firstname: 'Mark', lastname: 'Er', activated: true });
    await present(marker);
    expect(writesFor(name).filter((e) => e.method !== 'POST')).toEqual([]);
  });

  it('a rename changes the login without delete and re-create', async () => {
    const name = login();
    const renamed = login();
    const { dn } = await udm().createUser({ username: name, firstname: 'Re', lastname: 'Name', activated: true });
    await present(name);
    await udm().renameUser(dn, renamed);
    await present(renamed);
    expect(identityOf(sim(), name)).toBeUndefined();
    expect(
      sim()
        .journal()
        .filter((e) => e.method === 'DELETE'),
    ).toEqual([]);
  });

  it('deactivation deletes the identity, re-activation creates it again', async () => {
    const name = login();
    const { dn } = await udm().createUser({ username: name, firstname: 'De', lastname: 'Act', activated: true });
    await present(name);
    await udm().deactivate(dn);
    await absent(name);
    await udm().activate(dn);
    await present(name);
  });

  it('disabling the UCS account deletes the identity', async () => {
    const name = login();
    const { dn } = await udm().createUser({ username: name, firstname: 'Dis', lastname: 'Abled', activated: true });
    await present(name);
    await udm().disableUser(dn);
    await absent(name);
  });

  it('deleting the user deletes the identity', async () => {
    const name = login();
    const { dn } = await udm().createUser({ username: name, firstname: 'Del', lastname: 'Eted', activated: true });
    await present(name);
    await udm().deleteUser(dn);
    await absent(name);
  });
}
