import { readFileSync } from 'node:fs';
import net from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DirectoryUser } from '../../../app/core/types.js';
import { UcsDirectory, type UcsDirectoryOptions } from '../../../app/directory/ucs-directory.js';
import {
  LdapBindError,
  LdapConnectionError,
  LdapResultError,
  LdapTimeoutError,
  LdapTlsError,
} from '../../../app/ldap/errors.js';
import { type SlapdHandle, startSlapd } from '../../fixtures/slapd/index.js';
import { freePort } from '../../fixtures/slapd/process.js';
import { Udm } from '../../fixtures/udm.js';

const USER_FILTER = '(&(univentionObjectType=users/user)(mobydickActivated=TRUE))';
const ATTRIBUTES = ['uid', 'displayName', 'givenName', 'sn', 'mailPrimaryAddress', 'telephoneNumber', 'mobile'];
const PASSWORD = 'Correct-Horse-9';

let slapd: SlapdHandle;
let udm: Udm;
let jurgen: { dn: string; uuid: string };
let sales: { dn: string; uuid: string };
let inactive: { dn: string; uuid: string };
let neverActivated: { dn: string; uuid: string };

function pem(file: string | undefined): string {
  if (file === undefined) throw new Error('the fixture was started without TLS');
  return readFileSync(file, 'utf8');
}

function directory(overrides: Partial<UcsDirectoryOptions> = {}): UcsDirectory {
  return new UcsDirectory({
    url: slapd.url,
    starttls: false,
    tlsVerify: true,
    timeoutMs: 5_000,
    baseDn: slapd.baseDn,
    bindDn: slapd.computerDn,
    password: slapd.computerPassword,
    userFilter: USER_FILTER,
    attributes: ATTRIBUTES,
    ...overrides,
  });
}

/** Runs `fn` against a TCP server on 127.0.0.1 that treats each connection with `onConnection`. */
async function withFakeServer(
  onConnection: (socket: net.Socket) => void,
  fn: (url: string) => Promise<void>,
): Promise<void> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  try {
    await fn(`ldap://127.0.0.1:${address.port}`);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}

beforeAll(async () => {
  slapd = await startSlapd({ tls: true });
  udm = new Udm(slapd);
  jurgen = await udm.createUser({
    username: 'Juergen.Gross',
    firstname: 'Jürgen',
    lastname: 'Groß',
    mailPrimaryAddress: 'juergen.gross@example.org',
    phone: ['+49 441 1234-100', '+49 441 1234-101'],
    password: PASSWORD,
    activated: true,
  });
  sales = await udm.createUser({ username: 'sales1', lastname: 'Seller', activated: true, container: slapd.salesDn });
  inactive = await udm.createUser({ username: 'inactive', lastname: 'Off', activated: false });
  neverActivated = await udm.createUser({ username: 'plain', lastname: 'Plain' });
});

afterAll(async () => {
  await udm.close();
  await slapd.stop();
});

describe('UcsDirectory.readEnabledUsers', () => {
  it('returns exactly the users activated for pascom, wherever they live', async () => {
    const users = await directory().readEnabledUsers();
    expect(users.map((user) => user.uuid).sort()).toEqual([jurgen.uuid, sales.uuid].map((u) => u.toLowerCase()).sort());
  });

  it('hands the same users over one at a time with forEachEnabledUser (what a full sync streams)', async () => {
    const streamed: DirectoryUser[] = [];
    await directory().forEachEnabledUser((user) => streamed.push(user));
    expect(streamed).toEqual(await directory().readEnabledUsers());
    expect(streamed).toHaveLength(2);
  });

  it('includes users outside cn=users with their DN', async () => {
    const users = await directory().readEnabledUsers();
    expect(users.find((user) => user.uuid === sales.uuid.toLowerCase())?.dn).toBe(sales.dn);
  });

  it('keeps every value of a multi-valued attribute and umlauts intact', async () => {
    const users = await directory().readEnabledUsers();
    const user = users.find((candidate) => candidate.uuid === jurgen.uuid.toLowerCase());
    expect(user?.attributes).toMatchObject({
      uid: ['Juergen.Gross'],
      givenName: ['Jürgen'],
      sn: ['Groß'],
      telephoneNumber: ['+49 441 1234-100', '+49 441 1234-101'],
    });
  });

  it('names attributes in the requested spelling, not the schema spelling', async () => {
    const users = await directory({ attributes: ['UID', 'telephonenumber'] }).readEnabledUsers();
    const user = users.find((candidate) => candidate.uuid === jurgen.uuid.toLowerCase());
    expect(Object.keys(user?.attributes ?? {}).sort()).toEqual(['UID', 'telephonenumber']);
  });

  it('returns the anchor in lower case and not among the attributes', async () => {
    const users = await directory({ attributes: ['entryUUID', 'uid'] }).readEnabledUsers();
    for (const user of users) {
      expect(user.uuid).toBe(user.uuid.toLowerCase());
      expect(Object.keys(user.attributes)).toEqual(['uid']);
    }
  });

  it('omits attributes the user does not have', async () => {
    const users = await directory().readEnabledUsers();
    const user = users.find((candidate) => candidate.uuid === sales.uuid.toLowerCase());
    expect(user?.attributes).not.toHaveProperty('mobile');
  });
});

describe('UcsDirectory over TLS', () => {
  it('reads over ldaps:// with the right CA', async () => {
    const users = await directory({ url: slapd.ldapsUrl ?? '', ca: pem(slapd.caFile) }).readEnabledUsers();
    expect(users).toHaveLength(2);
  });

  it('refuses ldaps:// with the wrong CA and names ucs.caFile', async () => {
    const read = directory({ url: slapd.ldapsUrl ?? '', ca: pem(slapd.wrongCaFile) }).readEnabledUsers();
    await expect(read).rejects.toBeInstanceOf(LdapTlsError);
    await expect(read).rejects.toThrow(/ucs\.caFile/);
  });

  it('reads after StartTLS with the right CA', async () => {
    const users = await directory({ starttls: true, ca: pem(slapd.caFile) }).readEnabledUsers();
    expect(users).toHaveLength(2);
  });

  it('refuses StartTLS with the wrong CA and names ucs.caFile', async () => {
    const read = directory({ starttls: true, ca: pem(slapd.wrongCaFile) }).readEnabledUsers();
    await expect(read).rejects.toBeInstanceOf(LdapTlsError);
    await expect(read).rejects.toThrow(/ucs\.caFile/);
  });

  // tlsVerify: false exists for diagnosis only (is it the certificate or something else?).
  it.each([
    ['ldaps://', { ldaps: true, starttls: false }],
    ['StartTLS', { ldaps: false, starttls: true }],
  ])('accepts the wrong CA over %s when verification is off', async (_name, how) => {
    const url = how.ldaps ? (slapd.ldapsUrl ?? '') : slapd.url;
    const users = await directory({
      url,
      starttls: how.starttls,
      ca: pem(slapd.wrongCaFile),
      tlsVerify: false,
    }).readEnabledUsers();
    expect(users).toHaveLength(2);
  });
});

describe('UcsDirectory failures', () => {
  it('reports a wrong password as LdapBindError', async () => {
    await expect(directory({ password: 'wrong' }).readEnabledUsers()).rejects.toBeInstanceOf(LdapBindError);
  });

  it('reports a closed port as LdapConnectionError', async () => {
    const port = await freePort();
    const read = directory({ url: `ldap://127.0.0.1:${port}` }).readEnabledUsers();
    await expect(read).rejects.toBeInstanceOf(LdapConnectionError);
  });

  it('reports a base that does not exist as LdapResultError 32', async () => {
    const read = directory({ baseDn: `ou=missing,${slapd.baseDn}` }).readEnabledUsers();
    await expect(read).rejects.toBeInstanceOf(LdapResultError);
    await expect(read).rejects.toMatchObject({ code: 32 });
  });

  it('reports a server that accepts but never answers as LdapTimeoutError', async () => {
    await withFakeServer(
      () => undefined,
      async (url) => {
        const read = directory({ url, timeoutMs: 300 }).readEnabledUsers();
        await expect(read).rejects.toBeInstanceOf(LdapTimeoutError);
      },
    );
  });

  it('reports a server that does not speak LDAP as LdapConnectionError', async () => {
    const http = (socket: net.Socket): void => {
      socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
    };
    await withFakeServer(http, async (url) => {
      await expect(directory({ url }).readEnabledUsers()).rejects.toBeInstanceOf(LdapConnectionError);
    });
  });
});

describe('UcsDirectory.findByLogin', () => {
  it('finds a user by login regardless of case', async () => {
    const users = await directory().findByLogin('SALES1');
    expect(users.map((user) => user.dn)).toEqual([sales.dn]);
  });

  it.each(['*', '*)(uid=*', 'x\\', 'sales*', '(uid=sales1)'])(
    'treats %j as a literal login, matching nobody',
    async (login) => {
      expect(await directory().findByLogin(login)).toEqual([]);
    },
  );
});

describe('UcsDirectory.readUser', () => {
  it('returns an activated user by anchor', async () => {
    expect((await directory().readUser(jurgen.uuid.toLowerCase()))?.dn).toBe(jurgen.dn);
  });

  it.each([
    ['deactivated', () => inactive.uuid],
    ['never activated', () => neverActivated.uuid],
  ])('returns undefined for a %s user', async (_name, uuid) => {
    expect(await directory().readUser(uuid())).toBeUndefined();
  });
});

describe('UcsDirectory.verifyPassword', () => {
  it('accepts the right password', async () => {
    await expect(directory().verifyPassword(jurgen.dn, PASSWORD)).resolves.toBeUndefined();
  });

  it.each([
    ['a wrong', 'Wrong-Horse-9'],
    ['an empty', ''],
  ])('refuses %s password with LdapBindError', async (_name, password) => {
    await expect(directory().verifyPassword(jurgen.dn, password)).rejects.toBeInstanceOf(LdapBindError);
  });
});

describe('UcsDirectory poll support', () => {
  it('lists the anchors of exactly the enabled users', async () => {
    const uuids = await directory().enabledUuids();
    expect([...uuids].sort()).toEqual([jurgen.uuid, sales.uuid].map((u) => u.toLowerCase()).sort());
  });

  it('lists every UDM user, enabled or not, when asked for all changes', async () => {
    const changed = await directory().changedSince(undefined);
    const uuids = changed.map((entry) => entry.uuid);
    for (const user of [jurgen, sales, inactive, neverActivated]) expect(uuids).toContain(user.uuid.toLowerCase());
    expect(changed.every((entry) => /^\d{14}Z$/.test(entry.modifyTimestamp ?? ''))).toBe(true);
  });

  it('includes a user changed at the given time and excludes everything for a future time', async () => {
    const all = await directory().changedSince(undefined);
    const stamp = all.find((entry) => entry.uuid === inactive.uuid.toLowerCase())?.modifyTimestamp;
    if (stamp === undefined) throw new Error('no modifyTimestamp');
    expect((await directory().changedSince(stamp)).map((entry) => entry.uuid)).toContain(inactive.uuid.toLowerCase());
    expect(await directory().changedSince('29991231235959Z')).toEqual([]);
  });
});
