/**
 * Users whose login has non-ASCII letters (UDM allows "jürgen") are found by every filter the
 * page builds: the login form, the authentication test and the mapping preview. Filters carry
 * UTF-8 as is and escape only what RFC 4515 requires; the filter slapd received is checked too.
 */
import { Attribute, Change, Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHarness, type WebHarness } from '../web/harness.js';
import { equalityValue, spyOnLdapFilters, type FilterSpy } from './ldap-filter-spy.js';

/** Each login with the ASCII name the fixture creates the account under (its homeDirectory and
 * krb5PrincipalName are IA5 strings in slapd's schema), then renamed to the login. */
const USERS = { jürgen: 'juergen', 'björn.weiß': 'bjoern.weiss', zoë: 'zoe' } as const;
const LOGINS = Object.keys(USERS) as Array<keyof typeof USERS>;
const PASSWORD = 'Umlaut-Pass-9';
let h: WebHarness;
let spy: FilterSpy;

beforeAll(async () => {
  h = await startWebHarness();
  const root = new Client({ url: h.slapd.url });
  await root.bind(h.slapd.rootDn, h.slapd.rootPassword);
  try {
    for (const login of LOGINS) {
      const created = await h.udm.createUser({
        username: USERS[login],
        lastname: 'Müller',
        password: PASSWORD,
        activated: true,
      });
      await root.modifyDN(created.dn, `uid=${login}`);
      const dn = `uid=${login},${h.slapd.usersDn}`;
      await root.modify(h.slapd.adminGroupDn, [
        new Change({ operation: 'add', modification: new Attribute({ type: 'uniqueMember', values: [dn] }) }),
      ]);
    }
  } finally {
    await root.unbind();
  }
  spy = spyOnLdapFilters();
});
afterAll(async () => {
  spy?.restore();
  await h.close();
});

describe.each(LOGINS)('%s', (login) => {
  it('signs in at the login form', async () => {
    spy.clear();
    const res = await h.client().login(login, PASSWORD);
    expect(res.status).toBe(303);
    // The filter names the login in UTF-8, not as escaped bytes.
    expect(spy.filters.map((f) => equalityValue(f, 'uid'))).toContain(login);
  });

  it('passes the authentication test', async () => {
    const res = await (await h.admin()).post('/authentication/test', { login, password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toContain('UCS accepted the password');
  });

  it('is found by the mapping preview', async () => {
    const res = await (await h.admin()).get(`/mapping?login=${encodeURIComponent(login)}`);
    expect(res.status).toBe(200);
    expect(res.body.match(/class="preview-user"/g)?.length).toBe(1);
  });
});
