/**
 * After a full run — import and listener through the CLI and `serve`'s services, every page of
 * the admin page, an authentication test, a password change — no secret appears in any file
 * of the data directory (log, state database) or in any page, and every file there is 0600.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../integration/cli/cli-harness.js';
import { startWebHarness, type WebHarness } from '../web/harness.js';

const USER_PASSWORD = 'Secret-User-Pass-42';
const NEW_PASCOM_PASSWORD = 'Rotated-Pascom-Secret-9';
let h: WebHarness;
const pages: string[] = [];

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
  expect((await cli(['auth-test', '--user', 'sec.user', ...config], 'a-wrong-guess\n')).code).toBe(1);
  const admin = await h.admin();
  for (const path of ['/status', '/connection', '/mapping?preview=1', '/sync', '/automate', '/authentication']) {
    pages.push((await admin.get(path)).body);
  }
  pages.push((await admin.post('/authentication/test', { login: 'sec.user', password: USER_PASSWORD })).body);
  pages.push(
    (
      await admin.post('/connection/pascom', {
        action: 'save',
        url: h.sim.url,
        instance: h.sim.instance,
        user: h.sim.user,
        password: NEW_PASCOM_PASSWORD,
      })
    ).body,
  );
  pages.push((await admin.get('/connection')).body);
}, 120_000);

afterAll(async () => {
  await h.close();
});

describe('secrets at rest', () => {
  const secrets = (): Record<string, string> => ({
    'the UCS bind password': h.slapd.computerPassword,
    'the pascom REST password': h.sim.password,
    'the new pascom REST password': NEW_PASCOM_PASSWORD,
    'the SSO secret': h.ssoSecret,
    "a user's password from the authentication test": USER_PASSWORD,
    'the administrator password used to log in': h.slapd.adminPassword,
  });

  it('the data directory has a log, and it is not empty', () => {
    expect(statSync(join(h.fixture.dataDir, 'connector.log')).size).toBeGreaterThan(0);
  });

  it.each(['connector.log', 'state.sqlite'])('%s contains no secret', (name) => {
    const text = readFileSync(join(h.fixture.dataDir, name)).toString('latin1');
    for (const [what, secret] of Object.entries(secrets())) expect(text.includes(secret), what).toBe(false);
  });

  it('no page shows a secret', () => {
    for (const page of pages) {
      for (const [what, secret] of Object.entries(secrets())) expect(page.includes(secret), what).toBe(false);
    }
  });

  it('every file in the data directory is readable by its owner only', () => {
    const loose = filesBelow(h.fixture.dataDir)
      .filter((file) => (statSync(file).mode & 0o077) !== 0)
      .map((file) => `${file} ${(statSync(file).mode & 0o777).toString(8)}`);
    expect(loose).toEqual([]);
  });
});
