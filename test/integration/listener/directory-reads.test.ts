/**
 * The narrow directory reads the listener uses instead of a raw LDAP client, against a real
 * slapd: the base entry's entryUUID (the database identity), the users at given DNs, and
 * lookups of entries by DN where a missing entry is `undefined`, not an error.
 */
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlapd, type SlapdHandle } from '../../fixtures/slapd/index.js';
import { Udm } from '../../fixtures/udm.js';
import { directoryFor } from './translog-harness.js';

let slapd: SlapdHandle;
let udm: Udm;

beforeAll(async () => {
  slapd = await startSlapd();
  udm = new Udm(slapd);
});
afterAll(async () => {
  await udm.close();
  await slapd.stop();
});

async function baseUuidAsRoot(): Promise<string> {
  const client = new Client({ url: slapd.url });
  try {
    await client.bind(slapd.rootDn, slapd.rootPassword);
    const { searchEntries } = await client.search(slapd.baseDn, { scope: 'base', attributes: ['entryUUID'] });
    return String(searchEntries[0]?.['entryUUID']);
  } finally {
    await client.unbind();
  }
}

describe('UcsDirectory reads for the listener', () => {
  it('baseEntryUuid() returns the base entry’s entryUUID', async () => {
    expect(await directoryFor(slapd).baseEntryUuid()).toBe(await baseUuidAsRoot());
  });

  it('usersAt() maps each DN holding a UDM user (enabled or not) to its entryUUID and leaves out the rest', async () => {
    const on = await udm.createUser({ username: 'readson', lastname: 'On', activated: true });
    const off = await udm.createUser({ username: 'readsoff', lastname: 'Off', activated: false });
    const missing = `uid=nobody-here,${slapd.baseDn}`;
    const users = await directoryFor(slapd).usersAt([on.dn, off.dn, missing, slapd.baseDn]);
    expect(users).toEqual(
      new Map([
        [on.dn, on.uuid.toLowerCase()],
        [off.dn, off.uuid.toLowerCase()],
      ]),
    );
  });

  it('readEntries() reads many DNs in order, undefined where no entry is', async () => {
    const user = await udm.createUser({ username: 'readsmany', lastname: 'Many', activated: true });
    const [found, absent] = await directoryFor(slapd).readEntries('test', (reader) =>
      reader.readAt([user.dn, `uid=absent,${slapd.baseDn}`], ['uid']),
    );
    expect(found).toEqual({ uid: ['readsmany'] });
    expect(absent).toBeUndefined();
  });
});
