/**
 * LDAP filter injection through
 * the three places a typed value reaches a filter: the login form, the authentication test and
 * the Mapping preview. Many payloads here would *work* if unescaped (`Administrato*`,
 * `Administrator)(uid=*`, `Administrato\2a` all match exactly one user, the administrator),
 * so a missing escape signs in or passes instead of failing. The filters slapd received are
 * watched too and decoded independently.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHarness, type WebHarness } from '../web/harness.js';
import { equalityValue, spyOnLdapFilters, unescapeFilterValue, type FilterSpy } from './ldap-filter-spy.js';

const JDOE_PASSWORD = 'jdoe-Inject-Pass-5';
let h: WebHarness;
let spy: FilterSpy;

beforeAll(async () => {
  h = await startWebHarness();
  await h.udm.createUser({
    username: 'jdoe',
    firstname: 'John',
    lastname: 'Doe',
    password: JDOE_PASSWORD,
    activated: true,
  });
  await h.udm.createUser({ username: 'jane', firstname: 'Jane', lastname: 'Roe', activated: true });
  // A literal asterisk in a user name (LDAP allows it): the only user a search for "star*" may find.
  await h.udm.createUser({ username: 'star*', firstname: 'Literal', lastname: 'Star', activated: true });
  await h.udm.createUser({ username: 'starfish', firstname: 'Fish', lastname: 'Star', activated: true });
  spy = spyOnLdapFilters();
});
afterAll(async () => {
  spy.restore();
  await h.close();
});

/** Payloads aimed at the user name "Administrator" (the login form) or "jdoe" (the other two). */
function payloadsFor(name: string): Array<[string, string]> {
  const stem = name.slice(0, -1);
  return [
    ['a lone asterisk', '*'],
    ['a trailing wildcard', `${stem}*`],
    ['a leading wildcard', `*${name.slice(1)}`],
    ['an inner wildcard', `${name[0] ?? ''}*${name.slice(-1)}`],
    ['a closed component and a match-all', `${name})(uid=*`],
    ['an OR that matches everyone', `${name})(|(uid=*`],
    ['a classic break-out', '*)(uid=*'],
    ['an escaped asterisk typed by hand', `${stem}\\2a`],
    ['a lone \\2a', '\\2a'],
    ['a NUL that a C library would cut at', `${name}\u0000)(uid=*`],
    ['an open parenthesis', '('],
    ['a closing parenthesis', `${name})`],
    ['a backslash', `${name}\\`],
    ['a 4000-character name', `${name}${'x'.repeat(4000)}*`],
    ['unicode around a wildcard', `Ä*☃${stem}*`],
  ];
}

describe('the login form', () => {
  it.each(payloadsFor('Administrator'))(
    'does not sign in with %s as user name and the right password',
    async (_case, username) => {
      spy.clear();
      const client = h.client();
      const res = await client.login(username, h.slapd.adminPassword);
      expect(res.status).toBe(401);
      expect((await client.get('/status')).status).toBe(303);
      // slapd was asked for exactly the typed name, as one escaped value.
      const asked = spy.filters.map((filter) => equalityValue(filter, 'uid')).filter((v) => v !== undefined);
      expect(asked.length).toBeGreaterThan(0);
      for (const value of asked) {
        expect(value).not.toMatch(/[*()]/);
        expect(value.includes('\u0000')).toBe(false);
        expect(unescapeFilterValue(value)).toBe(username.trim());
      }
    },
  );

  it('still signs in with the real user name, case-insensitively as LDAP compares it', async () => {
    const res = await h.client().login('administrator', h.slapd.adminPassword);
    expect(res.status).toBe(303);
  });
});

describe('the authentication test', () => {
  it.each(payloadsFor('jdoe'))('finds nobody for %s with the right password of jdoe', async (_case, login) => {
    const client = await h.admin(); // a new session each: the test is limited to ten a minute per session
    spy.clear();
    const res = await client.post('/authentication/test', { login, password: JDOE_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toContain('no UCS user with the user name');
    expect(res.body).not.toContain('UCS accepted the password');
    const asked = spy.filters.map((filter) => equalityValue(filter, 'uid')).filter((v) => v !== undefined);
    expect(asked.map(unescapeFilterValue)).toContain(login);
  });

  it('passes the password step for jdoe himself (the payloads failed for the right reason)', async () => {
    const res = await (await h.admin()).post('/authentication/test', { login: 'jdoe', password: JDOE_PASSWORD });
    expect(res.body).toContain('UCS accepted the password');
  });
});

describe('the Mapping preview', () => {
  it.each(payloadsFor('jdoe'))('finds no user for %s', async (_case, login) => {
    const client = await h.admin();
    spy.clear();
    const res = await client.get(`/mapping?login=${encodeURIComponent(login)}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('No matching enabled user found.');
    const asked = spy.filters.map((filter) => equalityValue(filter, 'uid')).filter((v) => v !== undefined);
    expect(asked.map(unescapeFilterValue)).toEqual([login]);
  });

  it('finds only the literal match for "star*", not "starfish"', async () => {
    const res = await (await h.admin()).get(`/mapping?login=${encodeURIComponent('star*')}`);
    expect(res.body.match(/class="preview-user"/g)?.length).toBe(1);
    expect(res.body).toContain('uid=star*');
    expect(res.body).not.toContain('starfish');
  });

  it('finds no user through the form either (the draft-mapping preview)', async () => {
    const client = await h.admin();
    await client.get('/mapping');
    const res = await client.post('/mapping', {
      action: 'preview',
      login: 'jdoe)(uid=*',
      'rule0.field': '003use_name',
      'rule0.sources': 'uid',
      'rule0.transforms': ['trim', 'lowercase'],
      'rule0.policy': 'force',
      'rule0.required': '1',
      'rule1.field': '003use_bez',
      'rule1.sources': '{givenName} {sn}',
      'rule1.policy': 'force',
      'rule1.required': '1',
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain('No matching enabled user found.');
  });
});
