/**
 * Anonymous visitors cannot sign an administrator out. The page keeps at most 10,000 sessions;
 * an anonymous request stores none (its CSRF token is a signed double-submit cookie), and the
 * store drops the least recently used, anonymous ones first. Over HTTP against the real app, then
 * the store's own order with a small bound.
 */
import { connect } from 'node:net';
import type { SessionData } from 'express-session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../../app/web/session-store.js';
import { startWebHarness, type WebHarness } from '../web/harness.js';

let h: WebHarness;
beforeAll(async () => {
  h = await startWebHarness();
});
afterAll(async () => h.close());

/**
 * `count` anonymous GETs of `path`, pipelined over `sockets` raw connections (the cheapest way to
 * send ten thousand requests: no client-side HTTP parsing); the status lines counted per status.
 */
async function flood(path: string, count: number, sockets = 4): Promise<Map<string, number>> {
  const url = new URL(`${h.server.url}${path}`);
  const request = `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`;
  const statuses = new Map<string, number>();
  const one = (requests: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname);
      let seen = 0;
      let tail = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => {
        const text = tail + chunk;
        for (const match of text.matchAll(/HTTP\/1\.1 (\d{3}) /g)) {
          const status = match[1] ?? '';
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          seen += 1;
        }
        // A status line may be cut in two: keep the last 12 characters, one less than a whole
        // "HTTP/1.1 303 ", so nothing is counted twice.
        tail = text.slice(-12);
        if (seen >= requests) socket.end();
      });
      socket.on('error', reject);
      socket.on('close', () => (seen >= requests ? resolve() : reject(new Error(`${seen} of ${requests} answered`))));
      socket.write(request.repeat(requests));
    });
  const share = Math.ceil(count / sockets);
  await Promise.all(Array.from({ length: sockets }, (_, i) => one(Math.max(0, Math.min(share, count - i * share)))));
  return statuses;
}

describe('over HTTP', () => {
  it('keeps an administrator signed in through 10,001 anonymous requests', async () => {
    const admin = await h.admin();
    // /status redirects an anonymous visitor to the login form: the cheapest request that passes
    // the session and CSRF middleware (which used to store a session for its token).
    const statuses = await flood('/status', 10_001);
    expect([...statuses]).toEqual([['303', 10_001]]);
    expect((await admin.get('/status')).status).toBe(200);
  }, 120_000);

  it('sets no session cookie for an anonymous visitor, and the login form still works', async () => {
    const client = h.client();
    const page = await client.get('/login');
    expect(page.headers.getSetCookie().some((c) => c.startsWith('pascom_connector_sid='))).toBe(false);
    expect(client.csrf).toMatch(/^[\w-]+\.[\w-]+$/);
    expect((await client.post('/login', { username: 'Administrator', password: h.slapd.adminPassword })).status).toBe(
      303,
    );
  });

  it('refuses a login whose token is not the one of its cookie, or not signed by the server', async () => {
    const a = h.client();
    const b = h.client();
    await a.get('/login');
    await b.get('/login');
    const form = { username: 'Administrator', password: h.slapd.adminPassword };
    // b's token with a's cookie: a double submit must match its own cookie.
    expect((await a.request('POST', '/login', { form: { ...form, _csrf: b.csrf } })).status).toBe(403);
    // A self-made pair (cookie and form agree, but the server never signed it).
    const forged = 'bm9uY2U.c2lnbmF0dXJl';
    const res = await fetch(`${h.server.url}/login`, {
      method: 'POST',
      headers: { cookie: `pascom_connector_csrf=${forged}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, _csrf: forged }).toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(403);
  });
});

describe('the session store', () => {
  const data = (user?: string): SessionData =>
    ({ cookie: { originalMaxAge: 60_000, maxAge: 60_000 }, ...(user === undefined ? {} : { user }) }) as SessionData;
  const has = (store: MemorySessionStore, sid: string): Promise<boolean> =>
    new Promise((resolve) => store.get(sid, (_err, session) => resolve(session !== null && session !== undefined)));

  it('drops anonymous sessions before any signed-in one', async () => {
    const store = new MemorySessionStore({ ttlMs: 60_000, maxSessions: 3 });
    store.set('admin', data('Administrator'));
    for (let i = 0; i < 10; i++) store.set(`anon${i}`, data());
    expect(store.size).toBe(3);
    expect(await has(store, 'admin')).toBe(true);
    expect(await has(store, 'anon9')).toBe(true);
  });

  it('drops the least recently used signed-in session, counting reads and touches as use', async () => {
    const store = new MemorySessionStore({ ttlMs: 60_000, maxSessions: 3 });
    store.set('a', data('a'));
    store.set('b', data('b'));
    store.set('c', data('c'));
    await has(store, 'a'); // read: a is now the most recently used
    store.touch('b', data('b')); // touched: b after a
    store.set('d', data('d')); // over the bound: c, the least recently used, goes
    expect([await has(store, 'a'), await has(store, 'b'), await has(store, 'c'), await has(store, 'd')]).toEqual([
      true,
      true,
      false,
      true,
    ]);
  });
});
