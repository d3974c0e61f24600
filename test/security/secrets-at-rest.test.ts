/**
 * After a full run — import and listener through the CLI and `serve`'s services, every page of
 * the admin page, connection and authentication tests with right and wrong passwords, a
 * password change, single sign-on — no secret appears in any file of the data directory (log,
 * state database with its WAL, lock) except the config file that holds them by design, nor in
 * the page's own log, nor in any page; and every file there is 0600.
 *
 * The session cookie's signing secret is random per process and only in memory
 * (app/web/index.ts): it has no value a test could search for. What it protects, the session
 * id and its CSRF token, is searched for instead.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../app/web/index.js';
import { waitFor } from '../fixtures/wait.js';
import { cli } from '../integration/cli/cli-harness.js';
import { startWebHarness, type WebHarness } from '../web/harness.js';
import { mintToken } from '../web/sso.js';

const USER_PASSWORD = 'Secret-User-Pass-42';
const WRONG_GUESS = 'a-Wrong-Guess-77';
const NEW_PASCOM_PASSWORD = 'Rotated-Pascom-Secret-9';
const WRONG_BIND_PASSWORD = 'Wrong-Bind-Secret-31';
let h: WebHarness;
const pages: Array<{ path: string; body: string }> = [];
let sessionId = '';
let csrfToken = '';
let ssoToken = '';

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesBelow(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

beforeAll(async () => {
  h = await startWebHarness({ config: { log: { level: 'debug' } } });
  await h.udm.createUser({
    username: 'sec.user',
    firstname: 'Sec',
    lastname: 'User',
    password: USER_PASSWORD,
    activated: true,
  });
  const config = ['--config', h.fixture.configPath];
  // The CLI writes its JSON log to <dataDir>/connector.log.
  expect((await cli(['import', ...config])).code).toBe(0);
  expect((await cli(['auth-test', '--user', 'sec.user', ...config], `${USER_PASSWORD}\n`)).code).toBe(0);
  expect((await cli(['auth-test', '--user', 'sec.user', ...config], `${WRONG_GUESS}\n`)).code).toBe(1);

  const keep = (path: string, body: string): void => void pages.push({ path, body });
  const failed = h.client();
  keep('login with a wrong password', (await failed.login('Administrator', WRONG_GUESS)).body);
  ssoToken = mintToken(h.ssoSecret);
  const viaSso = h.client();
  keep('single sign-on', (await viaSso.follow(await viaSso.get(`/sso?token=${ssoToken}`))).body);

  const admin = await h.admin();
  sessionId = /(?:^|; )pascom_connector_sid=([^;]+)/.exec(admin.cookieHeader())?.[1] ?? '';
  csrfToken = admin.csrf;
  for (const path of ['/status', '/connection', '/mapping?preview=1', '/sync', '/automate', '/authentication'])
    keep(path, (await admin.get(path)).body);
  const simulated = await admin.post('/sync/simulate');
  keep('simulate result', (await admin.follow(simulated)).body);
  for (const password of [USER_PASSWORD, WRONG_GUESS])
    keep('authentication test', (await admin.post('/authentication/test', { login: 'sec.user', password })).body);
  keep(
    'UCS connection test with a wrong password',
    (
      await admin.post('/connection/ucs', {
        url: h.slapd.url,
        tls: 'none',
        baseDn: h.slapd.baseDn,
        bindDn: h.slapd.computerDn,
        password: WRONG_BIND_PASSWORD,
        userFilter: '(&(univentionObjectType=users/user)(mobydickActivated=TRUE))',
        action: 'test',
      })
    ).body,
  );
  const pascomForm = { url: h.sim.url, instance: h.sim.instance, user: h.sim.user, password: NEW_PASCOM_PASSWORD };
  keep('pascom settings saved', (await admin.post('/connection/pascom', { ...pascomForm, action: 'save' })).body);
  keep('pascom connection test', (await admin.post('/connection/pascom', { ...pascomForm, action: 'test' })).body);
  keep('/connection after the change', (await admin.get('/connection')).body);
  // The import's deliveries went through the running app: wait until the queue is empty.
  await waitFor(() => h.app().store.outbox.list('pending').length === 0, { timeoutMs: 15_000, message: 'queue empty' });
  keep('/status at the end', (await admin.get('/status')).body);
}, 120_000);

afterAll(async () => {
  await h.close();
});

describe('secrets at rest', () => {
  const secrets = (): Record<string, string> => ({
    'the UCS bind password': h.slapd.computerPassword,
    'a wrong UCS bind password typed into the connection test': WRONG_BIND_PASSWORD,
    'the pascom REST password': h.sim.password,
    'the new pascom REST password': NEW_PASCOM_PASSWORD,
    'the SSO secret': h.ssoSecret,
    "a user's password from the authentication test": USER_PASSWORD,
    'a wrong password guessed in the authentication test and at the login': WRONG_GUESS,
    'the administrator password used to log in': h.slapd.adminPassword,
  });
  /** Credentials of a session: never stored or logged (they are in that session's own pages by design). */
  const sessionSecrets = (): Record<string, string> => ({
    'an admin session id': decodeURIComponent(sessionId).replace(/^s:/, '').split('.')[0] ?? '',
    "an admin session's CSRF token": csrfToken,
    'the signature of a used SSO token': ssoToken.split('.')[2] ?? '',
  });
  const everything = (): Record<string, string> => ({ ...secrets(), ...sessionSecrets() });

  it('knows the session credentials it searches for', () => {
    expect(Object.values(sessionSecrets()).every((value) => value.length >= 16)).toBe(true);
    expect(SESSION_COOKIE).toBe('pascom_connector_sid');
  });

  it('the data directory has a log, and it is not empty', () => {
    expect(statSync(join(h.fixture.dataDir, 'connector.log')).size).toBeGreaterThan(0);
  });

  it('no file of the data directory but the config file contains a secret (log, database, WAL, lock)', () => {
    const files = filesBelow(h.fixture.dataDir).filter((file) => basename(file) !== 'config.yaml');
    expect(files.map((file) => basename(file))).toEqual(
      expect.arrayContaining(['connector.log', 'state.sqlite', 'state.sqlite-wal']),
    );
    const found: string[] = [];
    for (const file of files) {
      const text = readFileSync(file).toString('latin1');
      for (const [what, secret] of Object.entries(everything()))
        if (text.includes(secret)) found.push(`${what} in ${basename(file)}`);
    }
    expect(found).toEqual([]);
  });

  it("the page's own log contains no secret, but does record the refused logins", () => {
    const log = JSON.stringify(h.logs.entries);
    expect(log).toContain('admin page login refused');
    for (const [what, secret] of Object.entries(everything())) expect(log.includes(secret), what).toBe(false);
  });

  it('no page shows a secret', () => {
    const found: string[] = [];
    for (const page of pages)
      for (const [what, secret] of Object.entries(secrets()))
        if (page.body.includes(secret)) found.push(`${what} on ${page.path}`);
    expect(found).toEqual([]);
    expect(pages.length).toBeGreaterThanOrEqual(15);
  });

  it('every file in the data directory is readable by its owner only (config, database, WAL, log, lock)', () => {
    const files = filesBelow(h.fixture.dataDir);
    expect(files.map((file) => basename(file))).toEqual(
      expect.arrayContaining(['config.yaml', 'connector.log', 'state.sqlite', 'state.sqlite-wal', 'state.sqlite-shm']),
    );
    const loose = files
      .filter((file) => (statSync(file).mode & 0o077) !== 0)
      .map((file) => `${file} ${(statSync(file).mode & 0o777).toString(8)}`);
    expect(loose).toEqual([]);
  });
});
