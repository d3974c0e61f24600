/**
 * Brute force. As built
 * (app/web/middleware/rate-limits.ts): login 10 failures per user name (any address) and 50
 * per address in 15 minutes, single sign-on 30 per address a minute, the authentication test 10 per session a
 * minute. Each limit is shown to hold with the right password once tripped, and to be keyed
 * as designed. The admin sessions here sign in as a second administrator, so tripping the
 * limits of "Administrator" does not lock the file out.
 */
import { Attribute, Change, Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHarness, type WebHarness } from '../web/harness.js';
import type { Browserless } from '../web/http-client.js';
import { mintToken } from '../web/sso.js';

const SECOND_ADMIN = 'admin2';
const SECOND_ADMIN_PASSWORD = 'Second-Admin-Pass-8';
const JDOE_PASSWORD = 'jdoe-Brute-Pass-4';
let h: WebHarness;

beforeAll(async () => {
  h = await startWebHarness();
  const admin2 = await h.udm.createUser({ username: SECOND_ADMIN, lastname: 'Two', password: SECOND_ADMIN_PASSWORD });
  await h.udm.createUser({ username: 'jdoe', lastname: 'Doe', password: JDOE_PASSWORD, activated: true });
  await h.udm.createUser({ username: 'victim', lastname: 'Victim', password: 'Victim-Pass-1', activated: true });
  const root = new Client({ url: h.slapd.url });
  try {
    await root.bind(h.slapd.rootDn, h.slapd.rootPassword);
    await root.modify(h.slapd.adminGroupDn, [
      new Change({ operation: 'add', modification: new Attribute({ type: 'uniqueMember', values: [admin2.dn] }) }),
    ]);
  } finally {
    await root.unbind();
  }
});
afterAll(async () => h.close());

async function admin(): Promise<Browserless> {
  const client = h.client();
  const res = await client.login(SECOND_ADMIN, SECOND_ADMIN_PASSWORD);
  if (res.status !== 303) throw new Error(`second admin login failed with ${res.status}`);
  await client.follow(res);
  return client;
}

/** Statuses of the login attempts, in order; one client (session) for all, as a script would. */
async function logins(attempts: ReadonlyArray<{ username: string; password: string; forwardedFor?: string }>) {
  const client = h.client();
  await client.get('/login');
  const statuses: number[] = [];
  for (const attempt of attempts) {
    const res = await client.request('POST', '/login', {
      form: { _csrf: client.csrf, username: attempt.username, password: attempt.password },
      headers: attempt.forwardedFor === undefined ? {} : { 'x-forwarded-for': attempt.forwardedFor },
    });
    statuses.push(res.status);
  }
  return { statuses, signedIn: (await client.get('/status')).status === 200 };
}

const wrong = (username: string, count: number): Array<{ username: string; password: string }> =>
  Array.from({ length: count }, (_, i) => ({ username, password: `guess-${i}` }));

describe('the login form', () => {
  it('refuses the 11th attempt with 429 and then the right password too, however the name is spelt', async () => {
    const spellings = ['Administrator', 'administrator', ' ADMINISTRATOR', 'AdMiNiStRaToR '];
    const attempts = Array.from({ length: 10 }, (_, i) => ({
      username: spellings[i % spellings.length] ?? '',
      password: `guess-${i}`,
    }));
    const { statuses, signedIn } = await logins([
      ...attempts,
      { username: 'Administrator', password: h.slapd.adminPassword },
      { username: 'Administrator', password: h.slapd.adminPassword },
    ]);
    expect(statuses).toEqual([...Array<number>(10).fill(401), 429, 429]);
    expect(signedIn).toBe(false);
    // From a fresh session too: the limit is not kept in the session an attacker can drop.
    expect((await h.client().login('Administrator', h.slapd.adminPassword)).status).toBe(429);
  });

  it('keys the limit by user name: another user from the same address is still answered', async () => {
    await logins(wrong('victim', 10));
    // A name no other test guesses at (tests run in random order and share the limits).
    const other = await logins([{ username: 'bystander', password: 'wrong' }]);
    expect(other.statuses).toEqual([401]);
  });

  it('counts failures only: an administrator who signs in often is not locked out', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await h.client().login(SECOND_ADMIN, SECOND_ADMIN_PASSWORD)).status);
    expect(statuses).toEqual(Array<number>(12).fill(303));
  });

  it('is not reset by a client on the LAN that forges X-Forwarded-For through the UCS proxy', async () => {
    // The UCS Apache forwards "X-Forwarded-For: <what the client sent>, <client address>"; the
    // test's loopback connection plays the proxy, 192.168.1.50 the admin's LAN.
    const attempts = wrong('lanvictim', 11).map((attempt, i) => ({
      ...attempt,
      forwardedFor: `203.0.113.${i + 1}, 192.168.1.50`,
    }));
    const { statuses } = await logins(attempts);
    expect(statuses[10]).toBe(429);
  });
});

describe('the login form, guessing across many names', () => {
  it('refuses an address after 50 failed logins, whatever names it tries', async () => {
    // One forged-but-trusted client address (the loopback proxy passes it on), a new name each time.
    const attempts = Array.from({ length: 51 }, (_, i) => ({
      username: `spray${i}`,
      password: `guess-${i}`,
      forwardedFor: '198.51.100.7',
    }));
    const { statuses } = await logins(attempts);
    expect(statuses.slice(0, 50)).toEqual(Array<number>(50).fill(401));
    expect(statuses[50]).toBe(429);
  });
});

describe('the authentication test', () => {
  it('refuses the 11th test in a minute with 429, and then the right password too', async () => {
    const client = await admin();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await client.post('/authentication/test', { login: 'jdoe', password: `guess-${i}` })).status);
    const right = await client.post('/authentication/test', { login: 'jdoe', password: JDOE_PASSWORD });
    const again = await client.post('/authentication/test', { login: 'jdoe', password: JDOE_PASSWORD });
    expect(statuses).toEqual(Array<number>(10).fill(200));
    expect([right.status, again.status]).toEqual([429, 429]);
    expect(right.body).not.toContain('UCS accepted the password');
  });

  it('keys the limit by session: another administrator’s session is still answered', async () => {
    const first = await admin();
    for (let i = 0; i < 11; i++) await first.post('/authentication/test', { login: 'jdoe', password: `guess-${i}` });
    expect((await first.post('/authentication/test', { login: 'jdoe', password: 'x' })).status).toBe(429);
    const second = await admin();
    const res = await second.post('/authentication/test', { login: 'jdoe', password: JDOE_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toContain('UCS accepted the password');
  });
});

describe('single sign-on', () => {
  it('refuses the 31st attempt in a minute from one address with 429, even with a valid token', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await h.client().get(`/sso?token=forged-${i}`)).status);
    const valid = h.client();
    const res = await valid.get(`/sso?token=${mintToken(h.ssoSecret)}`);
    expect(statuses).toEqual(Array<number>(30).fill(401));
    expect(res.status).toBe(429);
    expect((await valid.get('/status')).status).toBe(303);
  });
});
