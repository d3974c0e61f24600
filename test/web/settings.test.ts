/** Connection, Mapping, Automate, Authentication and the language switch, over HTTP. */
import { readFile, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startWebHarness, type WebHarness } from './harness.js';

let h: WebHarness;
const JDOE_PASSWORD = 'jdoe-Pass-77';

beforeAll(async () => {
  h = await startWebHarness({
    env: { LDAP_HOSTDN: 'cn=pascom,cn=computers,dc=example,dc=intranet', LDAP_SERVER_NAME: '127.0.0.1' },
  });
  await h.udm.createUser({
    username: 'jdoe',
    firstname: 'John',
    lastname: 'Doe',
    password: JDOE_PASSWORD,
    activated: true,
    phone: ['+49 441 1234-101'],
  });
  await h.udm.createUser({ username: 'other', firstname: 'Ot', lastname: 'Her', activated: true });
});
afterAll(async () => h.close());

async function configFile(): Promise<Record<string, Record<string, unknown>>> {
  return parse(await readFile(h.fixture.configPath, 'utf8')) as Record<string, Record<string, unknown>>;
}

function ucsForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    url: h.slapd.url,
    tls: 'none',
    caFile: '',
    baseDn: h.slapd.baseDn,
    bindDn: h.slapd.computerDn,
    password: '',
    userFilter: '(&(univentionObjectType=users/user)(mobydickActivated=TRUE))',
    action: 'save',
    ...overrides,
  };
}

function mappingForm(
  rows: Array<Record<string, string | string[]>>,
  extra: Record<string, string> = {},
): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = { ...extra };
  rows.forEach((row, i) => {
    for (const [key, value] of Object.entries(row)) form[`rule${i}.${key}`] = value;
  });
  return form;
}

const LOGIN_ROW = {
  field: '003use_name',
  sources: 'uid',
  transforms: ['trim', 'lowercase'],
  policy: 'force',
  required: '1',
};
const NAME_ROW = {
  field: '003use_bez',
  sources: 'displayName\n{givenName} {sn}',
  transforms: ['trim'],
  policy: 'force',
  required: '1',
};

describe('Connection', () => {
  it('never renders a password, not even as an empty value attribute', async () => {
    const page = await (await h.admin()).get('/connection');
    expect(page.body).not.toContain(h.slapd.computerPassword);
    expect(page.body).not.toContain(h.sim.password);
    expect(page.body).not.toMatch(/type="password"[^>]*value=/);
  });

  it('saves the UCS settings: file changed, mode 0600, the new password written but not shown', async () => {
    const client = await h.admin();
    const res = await client.post(
      '/connection/ucs',
      ucsForm({
        userFilter: '(&(univentionObjectType=users/user)(mobydickActivated=TRUE)(uid=*))',
        password: h.slapd.computerPassword,
      }),
    );
    expect(res.status).toBe(303);
    const file = await configFile();
    expect(file['ucs']?.['userFilter']).toBe('(&(univentionObjectType=users/user)(mobydickActivated=TRUE)(uid=*))');
    expect((await stat(h.fixture.configPath)).mode & 0o777).toBe(0o600);
    const page = await client.follow(res);
    expect(page.body).toContain('Saved.');
    expect(page.body).not.toContain(h.slapd.computerPassword);
    expect(h.app().config.ucs.userFilter).toContain('(uid=*)');
  });

  it('keeps the stored password when the field is left empty', async () => {
    const client = await h.admin();
    const before = (await configFile())['ucs'];
    expect(
      (await client.post('/connection/ucs', ucsForm({ userFilter: '(univentionObjectType=users/user)' }))).status,
    ).toBe(303);
    const after = (await configFile())['ucs'];
    expect(after?.['userFilter']).toBe('(univentionObjectType=users/user)');
    expect([after?.['password'], after?.['passwordFile']]).toEqual([before?.['password'], before?.['passwordFile']]);
    expect(h.app().config.ucs.password).toBe(h.slapd.computerPassword);
  });

  it('uses the machine account: bind DN from LDAP_HOSTDN and the machine secret file', async () => {
    const client = await h.admin();
    // The machine secret goes only to the own LDAP server ($LDAP_SERVER_NAME) over TLS.
    const form = ucsForm({ useMachine: '1', bindDn: 'ignored', tls: 'starttls' });
    expect((await client.post('/connection/ucs', form)).status).toBe(303);
    const ucs = (await configFile())['ucs'];
    expect(ucs?.['bindDn']).toBe('cn=pascom,cn=computers,dc=example,dc=intranet');
    expect(ucs?.['passwordFile']).toBe(h.machineSecretFile);
    expect(ucs?.['password']).toBeUndefined();
    // Back to the harness's plain connection for the other tests (this slapd has no TLS).
    const restore = ucsForm({ password: h.slapd.computerPassword });
    expect((await client.post('/connection/ucs', restore)).status).toBe(303);
  });

  it('shows validation errors next to the field, in German, and changes nothing', async () => {
    const client = await h.admin();
    await client.post('/language', { lang: 'de', back: '/connection' });
    const before = await readFile(h.fixture.configPath, 'utf8');
    const res = await client.post('/connection/ucs', ucsForm({ url: 'http://not-ldap', userFilter: 'uid=x' }));
    expect(res.status).toBe(422);
    expect(res.body).toContain('Erwartet wird eine ldap://- oder ldaps://-URL');
    expect(res.body).toContain('Erwartet wird ein LDAP-Filter');
    expect(await readFile(h.fixture.configPath, 'utf8')).toBe(before);
  });

  it('asks for the password again when the server changes (the stored one is not sent elsewhere)', async () => {
    const res = await (
      await h.admin()
    ).post('/connection/ucs', ucsForm({ url: 'ldap://other.example:389', action: 'test' }));
    expect(res.status).toBe(422);
    expect(res.body).toContain('This field is required.');
  });

  it('tests the UCS connection step by step', async () => {
    const res = await (
      await h.admin()
    ).post('/connection/ucs', ucsForm({ action: 'test', password: h.slapd.computerPassword }));
    expect(res.status).toBe(200);
    for (const step of ['TCP connection', 'TLS and certificate', 'Sign-in (bind)', 'A user is readable'])
      expect(res.body).toContain(step);
    expect(res.body).toContain('All checks passed.');
    expect(res.body).toContain('not encrypted');
  });

  it('reports a refused bind with what to do', async () => {
    const res = await (
      await h.admin()
    ).post('/connection/ucs', ucsForm({ action: 'test', password: 'wrong-password' }));
    expect(res.body).toContain('The connection test failed.');
    expect(res.body).toContain('The server refused the bind DN or the password');
    expect(res.body).not.toContain('wrong-password');
  });

  it('reports a closed port at the TCP step', async () => {
    const res = await (
      await h.admin()
    ).post('/connection/ucs', ucsForm({ action: 'test', url: 'ldap://127.0.0.1:1', password: 'x' }));
    expect(res.body).toContain('Nothing listens there');
  });

  it('tests the pascom connection', async () => {
    const res = await (
      await h.admin()
    ).post('/connection/pascom', {
      url: h.sim.url,
      instance: h.sim.instance,
      user: h.sim.user,
      password: '',
      action: 'test',
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain('All checks passed.');
    expect(res.body).toContain('REST credentials');
  });

  it('saves the pascom settings with a new password that is never shown', async () => {
    const client = await h.admin();
    const res = await client.post('/connection/pascom', {
      url: h.sim.url,
      instance: h.sim.instance,
      user: h.sim.user,
      password: h.sim.password,
      action: 'save',
    });
    expect(res.status).toBe(303);
    expect((await configFile())['pascom']?.['password']).toBe(h.sim.password);
    expect((await client.follow(res)).body).not.toContain(h.sim.password);
  });
});

describe('Mapping', () => {
  it('shows the rules as an editable table', async () => {
    const page = await (await h.admin()).get('/mapping');
    expect(page.body).toContain('name="rule0.field" value="003use_name"');
    expect(page.body).toContain('{givenName} {sn}');
  });

  it('adds and removes rows without JavaScript', async () => {
    const client = await h.admin();
    const added = await client.post('/mapping', mappingForm([LOGIN_ROW, NAME_ROW], { action: 'add' }));
    expect(added.body).toContain('name="rule2.field" value=""');
    const removed = await client.post('/mapping', mappingForm([LOGIN_ROW, NAME_ROW], { remove: '1' }));
    expect(removed.body).not.toContain('value="003use_bez"');
  });

  it('shows errors next to the row and saves nothing', async () => {
    const before = await readFile(h.fixture.configPath, 'utf8');
    const res = await (
      await h.admin()
    ).post(
      '/mapping',
      mappingForm([LOGIN_ROW, { ...NAME_ROW, sources: 'display name' }, { ...NAME_ROW }], { action: 'save' }),
    );
    expect(res.status).toBe(422);
    expect(res.body).toContain('&#34;display name&#34; is neither an attribute name nor a template');
    expect(res.body).toContain('This field is already mapped in row 2.');
    expect(await readFile(h.fixture.configPath, 'utf8')).toBe(before);
  });

  it('requires a rule for the login field', async () => {
    const res = await (await h.admin()).post('/mapping', mappingForm([NAME_ROW], { action: 'save' }));
    expect(res.status).toBe(422);
    expect(res.body).toContain('needs exactly one row for the login field 003use_name');
  });

  it('saves the mapping into the config file and the running app', async () => {
    const rows = [
      LOGIN_ROW,
      NAME_ROW,
      {
        field: '028pho_mobile',
        sources: 'mobile, homePhone',
        transforms: ['phone'],
        policy: 'createOnly',
        default: '',
      },
    ];
    const res = await (await h.admin()).post('/mapping', mappingForm(rows, { action: 'save' }));
    expect(res.status).toBe(303);
    const mapping = (await configFile())['mapping'] as unknown as Array<Record<string, unknown>>;
    expect(mapping[2]).toEqual({
      field: '028pho_mobile',
      sources: ['mobile', 'homePhone'],
      transforms: ['phone'],
      required: false,
      policy: 'createOnly',
    });
    expect(h.app().rules.mapping).toHaveLength(3);
  });

  it('previews a searched user with the mapping in the form', async () => {
    const rows = [LOGIN_ROW, { ...NAME_ROW, sources: '{sn}, {givenName}\nuid' }];
    const res = await (await h.admin()).post('/mapping', mappingForm(rows, { action: 'preview', login: 'jdoe' }));
    expect(res.status).toBe(200);
    expect(res.body).toContain('Doe, John');
    expect(res.body).toContain('not in pascom yet');
    expect(res.body).not.toContain('uid=other');
  });

  it.each(['*', 'j*', '*)(uid=*'])('does not let the preview search %j match other users', async (login) => {
    const res = await (
      await h.admin()
    ).post('/mapping', mappingForm([LOGIN_ROW, NAME_ROW], { action: 'preview', login }));
    expect(res.body).toContain('No matching enabled user found.');
  });

  it('previews the first enabled users with the saved mapping', async () => {
    const res = await (await h.admin()).get('/mapping?preview=1');
    expect(res.body).toContain('uid=jdoe');
    expect(res.body).toContain('uid=other');
  });
});

describe('Automate', () => {
  it.each([
    ['en', 'At 04:30, Monday through Friday'],
    ['de', 'Um 04:30, Montag bis Freitag'],
  ])('saves a schedule and describes it in %s with the next five runs', async (lang, description) => {
    const client = await h.admin();
    await client.post('/language', { lang, back: '/automate' });
    const res = await client.post('/automate', { enabled: '1', schedule: '30 4 * * 1-5' });
    expect(res.status).toBe(303);
    const page = await client.follow(res);
    expect(page.body).toContain(description);
    expect(page.body.match(/<li>/g)?.length).toBe(5);
    expect((await configFile())['schedule']).toBe('30 4 * * 1-5');
  });

  it('shows a validation error for an invalid schedule and keeps the old one', async () => {
    const before = await readFile(h.fixture.configPath, 'utf8');
    const res = await (await h.admin()).post('/automate', { enabled: '1', schedule: '61 * * *' });
    expect(res.status).toBe(422);
    expect(res.body).toContain('is not a valid schedule');
    expect(await readFile(h.fixture.configPath, 'utf8')).toBe(before);
  });

  it('turns the schedule off with an empty value', async () => {
    const client = await h.admin();
    const res = await client.post('/automate', { schedule: '30 4 * * 1-5' });
    expect(res.status).toBe(303);
    expect((await configFile())['schedule']).toBe('');
    expect((await client.follow(res)).body).toContain('No scheduled full sync.');
  });
});

describe('Authentication', () => {
  it('saves Authentication NO and YES', async () => {
    const client = await h.admin();
    await client.post('/authentication', { ucs: 'no' });
    expect((await configFile())['auth']?.['ucs']).toBe(false);
    await client.post('/authentication', { ucs: 'yes' });
    expect((await configFile())['auth']?.['ucs']).toBe(true);
  });

  it('runs the authentication test and shows each step without echoing the password', async () => {
    const res = await (await h.admin()).post('/authentication/test', { login: 'jdoe', password: JDOE_PASSWORD });
    expect(res.status).toBe(200);
    for (const step of ['Find the user', 'Enabled for pascom', 'Account active', 'Password', 'pascom identity exists'])
      expect(res.body).toContain(step);
    expect(res.body).toContain('pascom has no identity for this user yet');
    expect(res.body).not.toContain(JDOE_PASSWORD);
    expect(JSON.stringify(h.logs.entries)).not.toContain(JDOE_PASSWORD);
  });

  it('reports a wrong password at the password step', async () => {
    const res = await (await h.admin()).post('/authentication/test', { login: 'jdoe', password: 'nope-nope' });
    expect(res.body).toContain('UCS refused the password.');
  });

  it('limits the authentication test to ten a minute per session', async () => {
    const client = await h.admin();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await client.post('/authentication/test', { login: 'nobody', password: 'x' })).status);
    expect(statuses[10]).toBe(429);
  });
});

describe('language', () => {
  it('follows Accept-Language', async () => {
    const client = await h.admin();
    const res = await client.get('/status', { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' });
    expect(res.body).toContain('<html lang="de">');
    expect(res.body).toContain('Warteschlange');
  });

  it('switches with the language cookie, and back', async () => {
    const client = await h.admin();
    const res = await client.post('/language', { lang: 'de', back: '/sync' });
    expect(res.location).toBe('/pascom-connector/sync');
    expect((await client.get('/sync')).body).toContain('Simulieren und importieren');
    await client.post('/language', { lang: 'en', back: '/sync' });
    expect((await client.get('/sync')).body).toContain('Simulate and import');
  });

  it('never redirects to another host', async () => {
    const res = await (await h.admin()).post('/language', { lang: 'de', back: '//evil.example/x' });
    expect(res.location).toBe('/pascom-connector/status');
  });

  it.each(['en', 'de'])('has a text for every key used on every page (%s)', async (lang) => {
    const client = await h.admin();
    await client.post('/language', { lang, back: '/status' });
    for (const path of [
      '/status',
      '/connection',
      '/mapping?preview=1',
      '/sync',
      '/automate',
      '/authentication',
      '/nowhere',
    ]) {
      expect((await client.get(path)).body).not.toContain('⟦');
    }
  });
});
