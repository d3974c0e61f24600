import { readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LdapBindError, LdapTlsError } from '../../../app/ldap/errors.js';
import { probe } from '../../../listener/syncrepl/probe.js';
import type { SyncEvent } from '../../../listener/syncrepl/sync-events.js';
import { SyncreplConnection, type SyncreplConnectionOptions } from '../../../listener/syncrepl/syncrepl-connection.js';
import { type SlapdHandle, startSlapd } from '../../fixtures/slapd/index.js';
import { Udm } from '../../fixtures/udm.js';
import { waitFor } from '../../fixtures/wait.js';
import { connectionOptions } from './syncrepl-harness.js';

let slapd: SlapdHandle;
let udm: Udm;
let user: { dn: string; uuid: string };

function file(path: string | undefined): Buffer {
  if (path === undefined) throw new Error('the fixture was started without TLS');
  return readFileSync(path);
}

/** Runs a refreshOnly search to its end and returns every event. */
async function refreshOnly(options: SyncreplConnectionOptions): Promise<SyncEvent[]> {
  const events: SyncEvent[] = [];
  const connection = await SyncreplConnection.open(options, { mode: 'refreshOnly' }, (event) => events.push(event));
  await connection.closed;
  return events;
}

beforeAll(async () => {
  slapd = await startSlapd({ tls: true });
  udm = new Udm(slapd);
  user = await udm.createUser({ username: 'tls-user', lastname: 'T', activated: true });
});

afterAll(async () => {
  await udm.close();
  await slapd.stop();
});

describe('SyncreplConnection against slapd', () => {
  it('ends a refreshOnly search with done after delivering the matching users', async () => {
    const events = await refreshOnly(connectionOptions(slapd));
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'entry', state: 'add', uuid: user.uuid, dn: user.dn }),
    );
    expect(events.at(-1)).toMatchObject({ type: 'done', code: 0 });
  });

  it('always returns entryUUID and modifyTimestamp with the requested attributes', async () => {
    const events = await refreshOnly(connectionOptions(slapd, { attributes: ['uid'] }));
    const entry = events.find((event) => event.type === 'entry' && event.uuid === user.uuid);
    expect(entry?.type === 'entry' && Object.keys(entry.attributes).sort()).toEqual([
      'entryUUID',
      'modifyTimestamp',
      'uid',
    ]);
  });

  it('works over StartTLS with the right CA', async () => {
    const events = await refreshOnly(connectionOptions(slapd, { startTls: true, ca: file(slapd.caFile) }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'entry', uuid: user.uuid }));
  });

  it('works over ldaps with the right CA', async () => {
    const events = await refreshOnly(connectionOptions(slapd, { url: slapd.ldapsUrl, ca: file(slapd.caFile) }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'entry', uuid: user.uuid }));
  });

  it.each([
    ['ldaps', { startTls: false }],
    ['StartTLS', { startTls: true }],
  ])('refuses %s with a certificate from another CA as LdapTlsError', async (mode, extra) => {
    const url = mode === 'ldaps' ? slapd.ldapsUrl : slapd.url;
    const open = SyncreplConnection.open(
      connectionOptions(slapd, { url, ca: file(slapd.wrongCaFile), ...extra }),
      { mode: 'refreshOnly' },
      () => undefined,
    );
    await expect(open).rejects.toBeInstanceOf(LdapTlsError);
  });

  it('refuses a wrong password as LdapBindError', async () => {
    const open = SyncreplConnection.open(
      connectionOptions(slapd, { password: 'wrong' }),
      { mode: 'refreshOnly' },
      () => undefined,
    );
    await expect(open).rejects.toBeInstanceOf(LdapBindError);
  });

  it('resolves close() once the socket of a persisting search is closed, without further events', async () => {
    const events: SyncEvent[] = [];
    const connection = await SyncreplConnection.open(connectionOptions(slapd), { mode: 'refreshAndPersist' }, (event) =>
      events.push(event),
    );
    await waitFor(() => events.some((event) => event.type === 'refreshDone'), { message: 'refresh done' });
    await connection.close();
    const count = events.length;
    await udm.modifyUser(user.dn, { lastname: 'AfterClose' });
    expect(events.slice(count)).toEqual([]);
    expect(events.some((event) => event.type === 'error')).toBe(false);
  });
});

describe('probe()', () => {
  it('reports content synchronisation as available on a server with syncprov', async () => {
    await expect(probe(connectionOptions(slapd))).resolves.toEqual({ available: true });
  });

  it('throws the bind error instead of guessing when the credentials are wrong', async () => {
    await expect(probe(connectionOptions(slapd, { password: 'wrong' }))).rejects.toBeInstanceOf(LdapBindError);
  });
});
