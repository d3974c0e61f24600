import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DirectoryUser } from '../../../app/core/types.js';
import { searchUsersWithLdapts } from '../../../app/directory/ldapts-user-search.js';
import { UcsDirectory, type UcsDirectoryOptions } from '../../../app/directory/ucs-directory.js';
import { LdapResultError } from '../../../app/ldap/errors.js';
import { openLdap } from '../../../app/ldap/ldap-connection.js';
import { type SlapdHandle, startSlapd } from '../../fixtures/slapd/index.js';
import { type GeneratedUser, generateUsers } from '../../fixtures/user-generator.js';

// 1,200 generated users, ~70 % activated: more enabled users than the server's size limit of
// 500 for anyone but the computer account, so only paging reads them all.
const USER_FILTER = '(&(univentionObjectType=users/user)(mobydickActivated=TRUE))';
const ATTRIBUTES = [
  'uid',
  'displayName',
  'givenName',
  'sn',
  'mailPrimaryAddress',
  'telephoneNumber',
  'homePhone',
  'mobile',
  'sambaAcctFlags',
  'shadowExpire',
];

let slapd: SlapdHandle;
let generated: GeneratedUser[];

function directory(overrides: Partial<UcsDirectoryOptions> = {}): UcsDirectory {
  return new UcsDirectory({
    url: slapd.url,
    starttls: false,
    tlsVerify: true,
    timeoutMs: 10_000,
    baseDn: slapd.baseDn,
    bindDn: slapd.computerDn,
    password: slapd.computerPassword,
    userFilter: USER_FILTER,
    attributes: ATTRIBUTES,
    ...overrides,
  });
}

function byUuid(users: readonly DirectoryUser[]): DirectoryUser[] {
  return [...users].sort((a, b) => a.uuid.localeCompare(b.uuid));
}

beforeAll(async () => {
  generated = generateUsers(1200);
  slapd = await startSlapd({ users: generated });
});

afterAll(async () => {
  await slapd.stop();
});

describe('paged read of a directory larger than the size limit', () => {
  it('has more enabled users than the size limit (the premise of these tests)', () => {
    expect(generated.filter((user) => user.activated === true).length).toBeGreaterThan(500);
  });

  it.each([
    ['one page (the default size)', undefined],
    ['several pages of 200', 200],
  ])('reads every activated user as the computer account in %s', async (_name, pageSize) => {
    const users = await directory({ pageSize }).readEnabledUsers();
    const expected = generated.filter((user) => user.activated === true).map((user) => user.dn);
    expect(users.map((user) => user.dn).sort()).toEqual(expected.sort());
  });

  it('hits the size limit as an account without a limits exception', async () => {
    const read = directory({ bindDn: slapd.adminDn, password: slapd.adminPassword }).readEnabledUsers();
    await expect(read).rejects.toBeInstanceOf(LdapResultError);
    await expect(read).rejects.toMatchObject({ code: 4 });
  });

  it('returns the same users with small pages as with the default page size', async () => {
    const small = await directory({ pageSize: 37 }).readEnabledUsers();
    expect(byUuid(small)).toEqual(byUuid(await directory().readEnabledUsers()));
  });

  it('returns the same users and attributes as the ldapts reader', async () => {
    const reader = directory({ pageSize: 250 });
    const fast = await reader.readEnabledUsers();
    const client = await openLdap(
      { url: slapd.url, starttls: false, tlsVerify: true, timeoutMs: 30_000 },
      slapd.computerDn,
      slapd.computerPassword,
    );
    const reference = await searchUsersWithLdapts(client, {
      baseDn: slapd.baseDn,
      filter: USER_FILTER,
      attributes: ['entryUUID', ...ATTRIBUTES],
      pageSize: 1000,
    }).finally(() => client.unbind());
    expect(fast.length).toBe(reference.length);
    expect(byUuid(fast)).toEqual(byUuid(reference));
  });

  it('lists the same anchors in enabledUuids as readEnabledUsers returns', async () => {
    const reader = directory();
    const uuids = await reader.enabledUuids();
    expect([...uuids].sort()).toEqual((await reader.readEnabledUsers()).map((user) => user.uuid).sort());
  });

  it('lists every generated user in changedSince', async () => {
    const changed = await directory({ pageSize: 100 }).changedSince(undefined);
    const dns = new Set(changed.map((entry) => entry.dn));
    expect(generated.every((user) => dns.has(user.dn))).toBe(true);
  });
});
