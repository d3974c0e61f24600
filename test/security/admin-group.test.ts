/**
 * Who counts as an administrator: members of the one configured group entry (by default
 * `cn=Domain Admins,cn=groups,<base>`), directly or through nested groups as UCS nests them
 * (a group's DN in the admin group's uniqueMember) — never of a group that merely has the same
 * name elsewhere in the tree, such as one a delegated OU administrator created in "their" OU.
 * Real slapd; the groups are written as UDM writes them (univentionGroup, uniqueMember, memberUid).
 */
import { Attribute, Change, Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminGroupDn } from '../../app/web/auth/admin-check.js';
import { startWebHarness, type WebHarness } from '../web/harness.js';
import { mintToken } from '../web/sso.js';

const PASSWORD = 'Group-Test-Pass-5';
let h: WebHarness;
let root: Client;
let gid = 7000;

async function group(dn: string, members: readonly string[], memberUids: readonly string[] = []): Promise<void> {
  const cn = /^cn=([^,]+)/.exec(dn)?.[1] ?? 'group';
  await root.add(dn, {
    objectClass: ['top', 'posixGroup', 'univentionGroup', 'univentionObject'],
    cn,
    gidNumber: String(gid++),
    univentionObjectType: 'groups/group',
    ...(members.length > 0 ? { uniqueMember: [...members] } : {}),
    ...(memberUids.length > 0 ? { memberUid: [...memberUids] } : {}),
  });
}

async function addMember(groupDn: string, memberDn: string): Promise<void> {
  await root.modify(groupDn, [
    new Change({ operation: 'add', modification: new Attribute({ type: 'uniqueMember', values: [memberDn] }) }),
  ]);
}

async function user(username: string): Promise<string> {
  return (await h.udm.createUser({ username, lastname: username, password: PASSWORD })).dn;
}

const groupsDn = (): string => `cn=groups,${h.slapd.baseDn}`;

beforeAll(async () => {
  h = await startWebHarness();
  root = new Client({ url: h.slapd.url });
  await root.bind(h.slapd.rootDn, h.slapd.rootPassword);

  // A delegated OU administrator's own "Domain Admins" — and a second look-alike deeper down.
  const mallory = await user('mallory');
  await group(`cn=Domain Admins,${h.slapd.salesDn}`, [mallory], ['mallory']);
  await root.add(`ou=Team,${h.slapd.salesDn}`, { objectClass: ['top', 'organizationalUnit'], ou: 'Team' });
  const trudy = await user('trudy');
  await group(`cn=Domain Admins,ou=Team,${h.slapd.salesDn}`, [trudy], ['trudy']);
  // Only memberUid names her in the real group (no uniqueMember): a bare uid is not a membership.
  await user('uidonly');
  await root.modify(h.slapd.adminGroupDn, [
    new Change({ operation: 'add', modification: new Attribute({ type: 'memberUid', values: ['uidonly'] }) }),
  ]);

  // Nested two levels deep: Domain Admins ∋ Helpdesk Leads ∋ Helpdesk ∋ nested.
  const nested = await user('nested');
  await group(`cn=Helpdesk,${groupsDn()}`, [nested]);
  await group(`cn=Helpdesk Leads,${groupsDn()}`, [`cn=Helpdesk,${groupsDn()}`]);
  await addMember(h.slapd.adminGroupDn, `cn=Helpdesk Leads,${groupsDn()}`);

  // A cycle that does not reach Domain Admins: Loop A ∋ Loop B ∋ Loop A, looper in Loop B.
  const looper = await user('looper');
  await group(`cn=Loop A,${groupsDn()}`, [looper]);
  await group(`cn=Loop B,${groupsDn()}`, [`cn=Loop A,${groupsDn()}`]);
  await addMember(`cn=Loop A,${groupsDn()}`, `cn=Loop B,${groupsDn()}`);

  // A nested look-alike: a group in the OU that holds the attacker, listed in the OU's fake admins.
  const eve = await user('eve');
  await group(`cn=Eve Team,${h.slapd.salesDn}`, [eve]);
  await addMember(`cn=Domain Admins,${h.slapd.salesDn}`, `cn=Eve Team,${h.slapd.salesDn}`);
});
afterAll(async () => {
  await root.unbind();
  await h.close();
});

describe('the login form', () => {
  it.each(['mallory', 'trudy', 'eve'])(
    'refuses %s, a member of a look-alike "Domain Admins" in an OU, like a wrong password',
    async (username) => {
      const res = await h.client().login(username, PASSWORD);
      expect(res.status).toBe(401);
      expect(
        h.logs.entries.some((e) => e.message.includes('not in the admin group') && e.meta?.['user'] === username),
      ).toBe(true);
    },
  );

  it('refuses a user named only by memberUid (uniqueMember is the membership UCS keeps)', async () => {
    expect((await h.client().login('uidonly', PASSWORD)).status).toBe(401);
  });

  it('signs in a user of a group nested two levels inside Domain Admins', async () => {
    const res = await h.client().login('nested', PASSWORD);
    expect(res.status).toBe(303);
  });

  it('ends on a cycle of groups that never reaches Domain Admins', async () => {
    expect((await h.client().login('looper', PASSWORD)).status).toBe(401);
  });

  it('still signs in the real Domain Admins member', async () => {
    expect((await h.client().login('Administrator', h.slapd.adminPassword)).status).toBe(303);
  });
});

describe('single sign-on', () => {
  it.each(['mallory', 'eve'])('refuses a token for %s (look-alike group)', async (sub) => {
    const client = h.client();
    expect((await client.get(`/sso?token=${mintToken(h.ssoSecret, { sub })}`)).status).toBe(401);
    expect((await client.get('/status')).status).toBe(303);
  });

  it('accepts a token for the nested member', async () => {
    expect((await h.client().get(`/sso?token=${mintToken(h.ssoSecret, { sub: 'nested' })}`)).status).toBe(303);
  });
});

describe('http.adminGroupDn', () => {
  it('grants exactly the members of the configured group, and refuses all when it does not exist', async () => {
    // Each harness has a slapd of its own, with the same base DN.
    const pbxAdmins = `cn=PBX Admins,${groupsDn()}`;
    const own = await startWebHarness({ config: { http: { adminGroupDn: pbxAdmins } } });
    const missing = await startWebHarness({ config: { http: { adminGroupDn: 'cn=No Such Group,dc=nowhere' } } });
    try {
      const pbxadmin = await own.udm.createUser({ username: 'pbxadmin', lastname: 'x', password: PASSWORD });
      const ownRoot = new Client({ url: own.slapd.url });
      await ownRoot.bind(own.slapd.rootDn, own.slapd.rootPassword);
      await ownRoot.add(pbxAdmins, {
        objectClass: ['top', 'posixGroup', 'univentionGroup', 'univentionObject'],
        cn: 'PBX Admins',
        gidNumber: '7999',
        univentionObjectType: 'groups/group',
        uniqueMember: pbxadmin.dn,
      });
      await ownRoot.unbind();
      expect((await own.client().login('pbxadmin', PASSWORD)).status).toBe(303);
      // Administrator is in Domain Admins, which is no longer the configured group.
      expect((await own.client().login('Administrator', own.slapd.adminPassword)).status).toBe(401);
      expect((await missing.client().login('Administrator', missing.slapd.adminPassword)).status).toBe(401);
      expect(missing.logs.entries.some((e) => e.message.includes('the admin group does not exist'))).toBe(true);
    } finally {
      await Promise.all([own.close(), missing.close()]);
    }
  });
});

describe('adminGroupDn', () => {
  it('builds the default place from http.adminGroup and the domain part of ucs.baseDn', () => {
    expect(adminGroupDn({ adminGroup: 'Domain Admins' }, 'ou=Sales,dc=example,dc=intranet')).toBe(
      'cn=Domain Admins,cn=groups,dc=example,dc=intranet',
    );
    expect(adminGroupDn({ adminGroup: 'PBX, Admins' }, 'dc=x')).toBe('cn=PBX\\, Admins,cn=groups,dc=x');
    expect(adminGroupDn({ adminGroup: 'x', adminGroupDn: 'cn=Own,ou=G,dc=x' }, 'dc=x')).toBe('cn=Own,ou=G,dc=x');
  });
});
