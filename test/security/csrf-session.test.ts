/**
 * CSRF and sessions. The state-changing routes are read from the express app's
 * own router stack, the way `serve` composes it (health routes included), so a route added
 * later is covered without editing a list. test/web/csrf.test.ts checks a fixed list of routes;
 * this file checks that no route escapes it, and that nothing changed when a request was refused.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, testPascomConnection } from '../../app/main.js';
import { ConnectorMetrics } from '../../app/serve/metrics.js';
import { healthRoutes } from '../../app/serve/health-routes.js';
import { createWebApp, SESSION_COOKIE } from '../../app/web/index.js';
import { startWebHarness, type WebHarness } from '../web/harness.js';
import { mintToken } from '../web/sso.js';

interface Layer {
  readonly rawPath?: unknown;
  readonly slash?: boolean;
  readonly route?: { readonly path: unknown; readonly methods: Record<string, boolean> };
  readonly handle?: { readonly stack?: readonly Layer[] };
}

interface Route {
  readonly method: string;
  readonly path: string;
}

/** Every method+path below `prefix` in a router stack; mounted routers are walked recursively. */
function routesOf(stack: readonly Layer[], prefix = ''): Route[] {
  return stack.flatMap((layer): Route[] => {
    if (layer.route !== undefined && typeof layer.route.path === 'string') {
      const path = `${prefix}${layer.route.path}`;
      return Object.keys(layer.route.methods).map((method) => ({ method: method.toUpperCase(), path }));
    }
    const inner = layer.handle?.stack;
    if (inner === undefined) return [];
    const mount = layer.slash !== false || typeof layer.rawPath !== 'string' ? '' : layer.rawPath;
    return routesOf(inner, `${prefix}${mount}`);
  });
}

/** `:id` and friends filled in, so the request reaches the route. */
function concrete(path: string): string {
  return path.replace(/:[A-Za-z]+/g, '1');
}

let h: WebHarness;
let stateChanging: Route[];

beforeAll(async () => {
  h = await startWebHarness();
  const app = createWebApp({
    current: () => h.app(),
    configPath: h.fixture.configPath,
    clock: systemClock,
    logger: h.logs,
    nextScheduledRun: () => undefined,
    testPascomConnection,
    reload: () => Promise.resolve({ ok: true }),
    publicRoutes: healthRoutes(() => h.app().store, new ConnectorMetrics(() => h.app().store, Date.now)),
  });
  const stack = (app as unknown as { router: { stack: Layer[] } }).router.stack;
  const base = h.app().config.http.basePath;
  stateChanging = routesOf(stack)
    .filter((route) => !['GET', 'HEAD', 'OPTIONS'].includes(route.method))
    .map((route) => ({ ...route, path: route.path.startsWith(base) ? route.path.slice(base.length) : route.path }));
});
afterAll(async () => h.close());

describe('CSRF on every state-changing route', () => {
  it('finds the routes in the router stack (the enumeration itself works)', () => {
    const paths = stateChanging.map((route) => `${route.method} ${route.path}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'POST /login',
        'POST /logout',
        'POST /status/dead/:id/retry',
        'POST /connection/ucs',
        'POST /mapping',
        'POST /sync/import/start',
        'POST /authentication/test',
      ]),
    );
  });

  it('refuses each of them with 403 without a token, with a wrong one and with another session’s', async () => {
    const before = await readFile(h.fixture.configPath, 'utf8');
    const victim = await h.admin();
    const other = await h.admin();
    const wrong = `${victim.csrf.slice(0, -4)}${victim.csrf.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const refused: string[] = [];
    for (const route of stateChanging) {
      for (const token of [undefined, wrong, other.csrf, '']) {
        const form = { ...(token === undefined ? {} : { _csrf: token }), action: 'save', schedule: '', ucs: 'no' };
        const res = await victim.request(route.method, concrete(route.path), { form });
        if (res.status !== 403) refused.push(`${route.method} ${route.path} token=${String(token)} → ${res.status}`);
      }
    }
    expect(refused).toEqual([]);
    // Nothing was changed by the refused requests, and the victim is still signed in.
    expect(await readFile(h.fixture.configPath, 'utf8')).toBe(before);
    expect((await victim.get('/status')).status).toBe(200);
    expect(
      h
        .app()
        .store.audit.recent(50)
        .filter((entry) => entry.actor.startsWith('admin:')),
    ).toEqual([]);
  });

  it('does not take the token from the query string', async () => {
    const client = await h.admin();
    const res = await client.request('POST', `/automate?_csrf=${encodeURIComponent(client.csrf)}`, {
      form: { schedule: '' },
    });
    expect(res.status).toBe(403);
  });

  it('refuses a wrong token in the X-CSRF-Token header even when the form holds the right one', async () => {
    const client = await h.admin();
    const res = await client.request('POST', '/automate', {
      form: { _csrf: client.csrf, schedule: '' },
      headers: { 'x-csrf-token': 'forged' },
    });
    expect(res.status).toBe(403);
  });

  it.each(['PUT', 'DELETE', 'PATCH'])('refuses %s on a page without a token', async (method) => {
    const res = await (await h.admin()).request(method, '/mapping', { form: {} });
    expect(res.status).toBe(403);
  });
});

describe('session fixation', () => {
  it('does not sign in the session id an attacker planted before the login', async () => {
    const attacker = h.client();
    await attacker.get('/login');
    // The login form stores no session for an anonymous visitor, so there is no id to learn
    // there; the attacker plants one of their own making next to the form's CSRF cookie.
    expect(attacker.cookieHeader()).not.toContain(`${SESSION_COOKIE}=`);
    const planted = `${attacker.cookieHeader()}; ${SESSION_COOKIE}=s%3Aplanted-by-attacker.c2lnbmF0dXJl`;
    // The victim's browser carries the attacker's cookies (e.g. set through a sibling host) and
    // signs in. Plain fetch: every request sends exactly the planted cookies.
    const login = await fetch(`${h.server.url}/login`, { headers: { cookie: planted } });
    const token = /name="_csrf" value="([^"]+)"/.exec(await login.text())?.[1] ?? '';
    const signedIn = await fetch(`${h.server.url}/login`, {
      method: 'POST',
      headers: { cookie: planted, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        _csrf: token,
        username: 'Administrator',
        password: h.slapd.adminPassword,
      }).toString(),
      redirect: 'manual',
    });
    expect(signedIn.status).toBe(303);
    const issued = signedIn.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`)) ?? '';
    expect(issued).not.toBe('');
    const issuedPair = issued.split(';')[0] ?? '';
    expect(planted).not.toContain(issuedPair);
    // The planted id is not signed in; the new one is.
    const withPlanted = await fetch(`${h.server.url}/status`, { headers: { cookie: planted }, redirect: 'manual' });
    expect(withPlanted.status).toBe(303);
    const withIssued = await fetch(`${h.server.url}/status`, { headers: { cookie: issuedPair }, redirect: 'manual' });
    expect(withIssued.status).toBe(200);
  });

  it('does not sign in a planted session id at single sign-on either', async () => {
    const attacker = h.client();
    await attacker.get('/login');
    const res = await fetch(`${h.server.url}/sso?token=${mintToken(h.ssoSecret)}`, {
      headers: { cookie: attacker.cookieHeader() },
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(true);
    expect((await attacker.get('/status')).status).toBe(303);
  });

  it('ignores a session cookie the server never issued', async () => {
    const res = await fetch(`${h.server.url}/status`, {
      headers: { cookie: `${SESSION_COOKIE}=s%3Aforged-id.forged-signature` },
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/pascom-connector/login');
  });

  it('gives the new session a new CSRF token (a token learnt before the login is worthless)', async () => {
    const client = h.client();
    await client.get('/login');
    const before = client.csrf;
    await client.follow(await client.post('/login', { username: 'Administrator', password: h.slapd.adminPassword }));
    expect(client.csrf).not.toBe(before);
    const res = await client.request('POST', '/automate', { form: { _csrf: before, schedule: '' } });
    expect(res.status).toBe(403);
  });

  it('ends the session on the server at sign-out (a copied cookie is worthless afterwards)', async () => {
    const client = await h.admin();
    const stolen = client.cookieHeader();
    expect((await client.post('/logout')).status).toBe(303);
    const res = await fetch(`${h.server.url}/status`, { headers: { cookie: stolen }, redirect: 'manual' });
    expect(res.status).toBe(303);
  });
});
