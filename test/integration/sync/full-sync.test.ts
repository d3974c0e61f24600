/**
 * Full sync against the real directory and the pascom simulator: Simulate changes nothing,
 * Import applies the plan, and every sync rule (docs/architecture.md) holds end to end.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Identity } from '../../fixtures/pascom-simulator/index.js';
import { startHarness, type Connector, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

/** Each test gets its own users: unique names keep tests independent in one directory. */
let seq = 0;
function name(prefix: string): string {
  seq += 1;
  return `${prefix}${seq}x${process.pid % 1000}`;
}

function identity(login: string): Identity | undefined {
  return h.sim.identities().find((i) => i['003use_name'] === login);
}

function writes(since: number) {
  return h.sim.journal().filter((e) => e.seq > since && e.method !== 'GET');
}

function lastSeq(): number {
  return h.sim.journal().at(-1)?.seq ?? 0;
}

describe('full sync', () => {
  let c: Connector;

  beforeEach(async () => {
    h.sim.reset();
    c = await h.connector();
  });
  afterEach(async () => {
    await c.stop();
  });

  it('simulate plans creates for activated users and sends nothing but reads', async () => {
    const login = name('sim');
    await h.udm.createUser({ username: login, firstname: 'Sim', lastname: 'Ulate', activated: true });
    const before = lastSeq();

    const { plan } = await c.app.fullSync.simulate('test');

    expect(plan.operations.some((op) => op.kind === 'create' && op.login === login)).toBe(true);
    expect(writes(before)).toEqual([]);
    expect(identity(login)).toBeUndefined();
  });

  it('import creates the identity with the mapped fields', async () => {
    const login = name('anna');
    await h.udm.createUser({
      username: login,
      firstname: 'Anna',
      lastname: 'Müller',
      mailPrimaryAddress: `${login}@Example.com`,
      phone: ['+49 441 12345-101'],
      mobileTelephoneNumber: ['+49 170 555 0101'],
      activated: true,
    });

    const result = await c.importNow();

    expect(result.status).toBe('done');
    expect(identity(login)).toEqual({
      '003use_name': login,
      '003use_bez': 'Anna Müller',
      '009ext_extension': '101',
      '016voi_email': `${login}@example.com`,
      '003use_auth_method': 'EXTERN',
      post: {
        phonebook: [
          {
            '028pho_bez': 'Anna Müller',
            '028pho_firstname': 'Anna',
            '028pho_lastname': 'Müller',
            '028pho_email': `${login}@example.com`,
            '028pho_mobile': '+491705550101',
          },
        ],
      },
    });
  });

  it('a second import right after the first changes nothing and sends only reads', async () => {
    const login = name('twice');
    await h.udm.createUser({ username: login, lastname: 'Twice', firstname: 'Tom', activated: true });
    await c.importNow();
    const before = lastSeq();

    const second = await c.importNow();

    expect(second.plan.summary.create + second.plan.summary.update + second.plan.summary.delete).toBe(0);
    expect(writes(before)).toEqual([]);
  });

  it('lowercases a login with capitals instead of rejecting it', async () => {
    const login = name('J.Doe');
    await h.udm.createUser({ username: login, firstname: 'J', lastname: 'Doe', activated: true });

    await c.importNow();

    expect(identity(login.toLowerCase())).toBeDefined();
  });

  it('an edit of a mapped field updates only that field', async () => {
    const login = name('edit');
    const { dn } = await h.udm.createUser({ username: login, firstname: 'Eda', lastname: 'Old', activated: true });
    await c.importNow();
    await h.udm.modifyUser(dn, { lastname: 'New', displayName: 'Eda New' });
    const before = lastSeq();

    const result = await c.importNow();

    const update = result.plan.operations.find((op) => op.kind === 'update' && op.login === login);
    expect(update?.kind === 'update' ? Object.keys(update.changes).sort() : []).toEqual([
      '003use_bez',
      '028pho_bez',
      '028pho_lastname',
    ]);
    expect(writes(before).map((e) => `${e.method} ${e.login}`)).toEqual([`PUT ${login}`]);
    expect(identity(login)?.['003use_bez']).toBe('Eda New');
  });

  it('an edit of an unmapped field sends nothing', async () => {
    const login = name('unmapped');
    const { dn } = await h.udm.createUser({ username: login, firstname: 'U', lastname: 'Mapped', activated: true });
    await c.importNow();
    await h.udm.modifyUser(dn, { homeTelephoneNumber: null, password: 'n3w-Secret!' });
    const before = lastSeq();

    await c.importNow();

    expect(writes(before)).toEqual([]);
  });

  it('a uid rename updates the login and never deletes and re-creates', async () => {
    const login = name('old');
    const renamed = name('new');
    const { dn } = await h.udm.createUser({ username: login, firstname: 'Re', lastname: 'Name', activated: true });
    await c.importNow();
    expect(identity(login)).toBeDefined();
    await h.udm.renameUser(dn, renamed);
    const before = lastSeq();

    await c.importNow();

    expect(writes(before).map((e) => `${e.method} ${e.login}`)).toEqual([`PUT ${login}`]);
    expect(identity(login)).toBeUndefined();
    expect(identity(renamed)).toBeDefined();
  });

  it('a deactivated user is deleted from pascom', async () => {
    const login = name('deact');
    const { dn } = await h.udm.createUser({ username: login, firstname: 'De', lastname: 'Act', activated: true });
    await c.importNow();
    expect(identity(login)).toBeDefined();
    await h.udm.deactivate(dn);

    const result = await c.importNow();

    expect(result.plan.operations).toContainEqual(expect.objectContaining({ kind: 'delete', login }));
    expect(identity(login)).toBeUndefined();
  });

  it('a deleted user is deleted from pascom', async () => {
    const login = name('gone');
    const { dn } = await h.udm.createUser({ username: login, firstname: 'Go', lastname: 'Ne', activated: true });
    await c.importNow();
    expect(identity(login)).toBeDefined();
    await h.udm.deleteUser(dn);

    await c.importNow();

    expect(identity(login)).toBeUndefined();
  });

  it('a disabled UCS user is removed by default', async () => {
    const login = name('dis');
    const { dn } = await h.udm.createUser({ username: login, firstname: 'Dis', lastname: 'Abled', activated: true });
    await c.importNow();
    expect(identity(login)).toBeDefined();
    await h.udm.disableUser(dn);

    await c.importNow();

    expect(identity(login)).toBeUndefined();
  });

  it('a user without a phone number gets the next free number of the pool, and keeps it', async () => {
    const login = name('pool');
    const { dn } = await h.udm.createUser({ username: login, firstname: 'Po', lastname: 'Ol', activated: true });
    await c.importNow();
    const first = identity(login)?.['009ext_extension'];
    await h.udm.modifyUser(dn, { lastname: 'Ol2' });

    await c.importNow();

    expect(first).toMatch(/^5\d\d$/);
    expect(identity(login)?.['009ext_extension']).toBe(first);
  });

  it('an existing unmanaged identity with the same login is adopted, not duplicated', async () => {
    const login = name('adopt');
    await c.app.pascom.createIdentity({ '003use_name': login, '003use_bez': 'Made In Pascom' });
    await h.udm.createUser({ username: login, firstname: 'Ad', lastname: 'Opt', activated: true });
    const before = lastSeq();

    const result = await c.importNow();

    expect(result.plan.operations).toContainEqual(expect.objectContaining({ kind: 'update', login, adopt: true }));
    expect(
      writes(before)
        .filter((e) => e.login === login || (e.body as Identity | undefined)?.['003use_name'] === login)
        .map((e) => e.method),
    ).toEqual(['PUT']);
    expect(identity(login)?.['003use_bez']).toBe('Ad Opt');
  });

  it('never changes or deletes identities the connector does not manage', async () => {
    const stranger = name('stranger');
    await c.app.pascom.createIdentity({
      '003use_name': stranger,
      '003use_bez': 'Not From UCS',
      '009ext_extension': '999',
    });

    await c.importNow();
    await c.importNow();

    expect(identity(stranger)).toEqual({
      '003use_name': stranger,
      '003use_bez': 'Not From UCS',
      '009ext_extension': '999',
    });
    expect(h.sim.journal().filter((e) => e.login === stranger && e.method !== 'GET' && e.method !== 'POST')).toEqual(
      [],
    );
  });

  it('rejects a user pascom refuses and still creates the others', async () => {
    const bad = name('bad');
    const good = name('good');
    // 999 is held by an identity the connector does not manage.
    await c.app.pascom.createIdentity({
      '003use_name': name('holder'),
      '003use_bez': 'Holder',
      '009ext_extension': '777',
    });
    await h.udm.createUser({ username: bad, firstname: 'Ba', lastname: 'D', phone: ['777'], activated: true });
    await h.udm.createUser({ username: good, firstname: 'Go', lastname: 'Od', activated: true });

    const result = await c.importNow();

    const rejected = result.plan.operations.find((op) => op.kind === 'rejected' && op.dn.includes(bad));
    expect(rejected?.kind === 'rejected' ? rejected.reasons.map((r) => r.code) : []).toEqual([
      'extension-taken-by-unmanaged',
    ]);
    expect(identity(good)).toBeDefined();
    expect(identity(bad)).toBeUndefined();
  });
});

describe('full sync delete rules', () => {
  beforeEach(() => {
    h.sim.reset();
  });

  it('keep mode never deletes', async () => {
    const c = await h.connector({ deletes: { mode: 'keep' } });
    const login = name('keep');
    const { dn } = await h.udm.createUser({ username: login, firstname: 'Ke', lastname: 'Ep', activated: true });
    await c.importNow();
    expect(identity(login)).toBeDefined();
    await h.udm.deactivate(dn);

    const result = await c.importNow();

    expect(result.plan.summary.delete).toBe(0);
    expect(identity(login)).toBeDefined();
    await c.stop();
  });

  it('more deletes than deletes.maxPerRun block the import until confirmed', async () => {
    const c = await h.connector({ deletes: { mode: 'delete', maxPerRun: 1 } });
    const users = [];
    for (let i = 0; i < 2; i++) {
      const login = name('thr');
      users.push({
        login,
        ...(await h.udm.createUser({ username: login, firstname: 'Th', lastname: 'Resh', activated: true })),
      });
    }
    await c.importNow();
    expect(users.every((u) => identity(u.login) !== undefined)).toBe(true);
    for (const u of users) await h.udm.deactivate(u.dn);

    const blocked = await c.importNow(false);
    expect(blocked.status).toBe('blocked');
    expect(users.every((u) => identity(u.login) !== undefined)).toBe(true);

    const confirmed = await c.importNow(true);
    expect(confirmed.status).toBe('done');
    expect(users.every((u) => identity(u.login) === undefined)).toBe(true);
    await c.stop();
  });

  it('a user moved out of the configured base is deleted', async () => {
    const c = await h.connector({ ucs: { baseDn: h.slapd.usersDn } });
    const login = name('mover');
    const { dn } = await h.udm.createUser({ username: login, firstname: 'Mo', lastname: 'Ver', activated: true });
    await c.importNow();
    expect(identity(login)).toBeDefined();
    await h.udm.moveUser(dn, h.slapd.outsideDn);

    await c.importNow();

    expect(identity(login)).toBeUndefined();
    await c.stop();
  });

  it('disabledUsers: sync keeps disabled users in pascom', async () => {
    const c = await h.connector({ ucs: { disabledUsers: 'sync' } });
    const login = name('dsync');
    await h.udm.createUser({ username: login, firstname: 'Ds', lastname: 'Ync', activated: true, disabled: true });

    await c.importNow();

    expect(identity(login)).toBeDefined();
    await c.stop();
  });
});
