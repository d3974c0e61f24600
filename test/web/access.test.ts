/** Who gets in: sessions, the login form, single sign-on, headers, rate limits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHarness, type WebHarness } from './harness.js';
import { mintToken } from './sso.js';

let h: WebHarness;
const NORMAL_PASSWORD = 'normal-user-Pass-1';

beforeAll(async () => {
  h = await startWebHarness({ env: { DOCKER_HOST_NAME: 'ucs-primary', DOMAINNAME: 'example.intranet' } });
  await h.udm.createUser({
    username: 'normal',
    firstname: 'Nor',
    lastname: 'Mal',
    password: NORMAL_PASSWORD,
    activated: true,
  });
});
afterAll(async () => h.close());

describe('without a session', () => {
  it.each(['/status', '/connection', '/mapping', '/sync', '/automate', '/authentication'])(
    'redirects GET %s to the login form',
    async (path) => {
      const res = await h.client().get(path);
      expect(res.status).toBe(303);
      expect(res.location).toBe('/pascom-connector/login');
    },
  );

  it('answers the JSON API with 401', async () => {
    const res = await h.client().get('/api/import/1');
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toHaveProperty('error');
  });
});

describe('the login form', () => {
  it('signs in a member of Domain Admins and shows the status page', async () => {
    const client = h.client();
    const res = await client.login('Administrator', h.slapd.adminPassword);
    expect(res.status).toBe(303);
    const page = await client.follow(res);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Signed in as Administrator');
  });

  it('refuses a user with the right password who is not an administrator exactly like a wrong password', async () => {
    const notAdmin = await h.client().login('normal', NORMAL_PASSWORD);
    const wrong = await h.client().login('normal', 'wrong-Secret-42');
    expect([notAdmin.status, wrong.status]).toEqual([401, 401]);
    // The same page: the form must not tell whether the password was right.
    const alert = (body: string): string | undefined => /role="alert">([^<]*)</.exec(body)?.[1];
    expect(alert(notAdmin.body)).toBe(alert(wrong.body));
    expect(alert(notAdmin.body)).toContain('Wrong user name or password');
  });

  it('refuses a wrong password with 401 and never echoes the password', async () => {
    const res = await h.client().login('Administrator', 'wrong-Secret-42');
    expect(res.status).toBe(401);
    expect(res.body).toContain('Wrong user name or password');
    expect(res.body).not.toContain('wrong-Secret-42');
  });

  it('refuses an empty password (an LDAP anonymous bind would succeed)', async () => {
    const res = await h.client().login('Administrator', '');
    expect(res.status).toBe(401);
  });

  it.each(['*', '*)(uid=*', 'Admin*', '*)(|(uid=*'])(
    'does not let the filter %j match other users',
    async (username) => {
      const res = await h.client().login(username, h.slapd.adminPassword);
      expect(res.status).toBe(401);
    },
  );

  it('gives a new session id on sign-in (no fixation)', async () => {
    const client = h.client();
    await client.get('/login');
    const before = client.cookieHeader();
    await client.post('/login', { username: 'Administrator', password: h.slapd.adminPassword });
    expect(client.cookieHeader()).not.toBe(before);
  });

  it('signs out', async () => {
    const client = await h.admin();
    const res = await client.post('/logout');
    expect(res.status).toBe(303);
    expect((await client.get('/status')).status).toBe(303);
  });

  it('answers 429 after ten failed logins of one user from one address', async () => {
    const client = h.client();
    await client.get('/login');
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await client.post('/login', { username: 'ratelimited', password: 'x' })).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
  });
});

describe('single sign-on', () => {
  it('signs in with a valid token and redirects to the page', async () => {
    const client = h.client();
    const res = await client.get(`/sso?token=${mintToken(h.ssoSecret)}`);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/pascom-connector/status');
    expect((await client.follow(res)).status).toBe(200);
  });

  const now = (): number => Math.floor(Date.now() / 1000);
  it.each([
    ['tampered', () => `${mintToken(h.ssoSecret).slice(0, -3)}AAA`],
    ['signed with another secret', () => mintToken('another-secret')],
    ['expired', () => mintToken(h.ssoSecret, { iat: now() - 120, exp: now() - 60 })],
    ['for another audience', () => mintToken(h.ssoSecret, { aud: 'umc' })],
    ['valid for more than 60 s', () => mintToken(h.ssoSecret, { exp: now() + 300 })],
    ['for a user who is not an administrator', () => mintToken(h.ssoSecret, { sub: 'normal' })],
    ['for an unknown user', () => mintToken(h.ssoSecret, { sub: 'nobody' })],
    ['empty', () => ''],
  ])('refuses a token %s with 401', async (_case, token) => {
    const client = h.client();
    const res = await client.get(`/sso?token=${encodeURIComponent(token())}`);
    expect(res.status).toBe(401);
    expect((await client.get('/status')).status).toBe(303);
  });

  it('refuses a token used a second time', async () => {
    const token = mintToken(h.ssoSecret);
    expect((await h.client().get(`/sso?token=${token}`)).status).toBe(303);
    expect((await h.client().get(`/sso?token=${token}`)).status).toBe(401);
  });

  it('never writes the token into the log', async () => {
    const token = mintToken(h.ssoSecret, { aud: 'elsewhere' });
    await h.client().get(`/sso?token=${token}`);
    expect(JSON.stringify(h.logs.entries)).not.toContain(token.split('.')[2]);
  });
});

describe('security headers', () => {
  it('sends a strict CSP that lets only the page itself and the UCS host frame it', async () => {
    const res = await h.client().get('/login');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'self' https://ucs-primary.example.intranet");
    expect(res.headers.get('x-frame-options')).toBeNull();
  });

  /** The session cookie a sign-in sets, with extra request headers on the login POST. */
  async function sessionCookie(headers: Record<string, string> = {}): Promise<string> {
    const client = h.client();
    await client.get('/login', headers);
    const res = await client.request('POST', '/login', {
      form: { _csrf: client.csrf, username: 'Administrator', password: h.slapd.adminPassword },
      headers,
    });
    expect(res.status).toBe(303);
    return res.headers.getSetCookie().find((c) => c.startsWith('pascom_connector_sid=')) ?? '';
  }

  it('marks the session cookie HttpOnly and SameSite=Strict, scoped to the base path', async () => {
    const cookie = await sessionCookie();
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/pascom-connector/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('sets no session cookie for an anonymous visitor, only the signed CSRF cookie', async () => {
    const res = await h.client().get('/login');
    const cookies = res.headers.getSetCookie();
    expect(cookies.some((c) => c.startsWith('pascom_connector_sid='))).toBe(false);
    const csrf = cookies.find((c) => c.startsWith('pascom_connector_csrf=')) ?? '';
    expect(csrf).toMatch(/HttpOnly/i);
    expect(csrf).toMatch(/SameSite=Strict/i);
    expect(csrf).toMatch(/Path=\/pascom-connector/);
  });

  it('marks the cookie Secure behind a proxy that says the request was https', async () => {
    expect(await sessionCookie({ 'x-forwarded-proto': 'https' })).toMatch(/Secure/);
  });
});

describe('http.frameAncestors', () => {
  it('adds the configured origins to frame-ancestors', async () => {
    const own = await startWebHarness({ config: { http: { frameAncestors: ['https://ucs.example.com'] } } });
    try {
      const csp = (await own.client().get('/login')).headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/frame-ancestors 'self'[^;]* https:\/\/ucs\.example\.com/);
    } finally {
      await own.close();
    }
  });
});
