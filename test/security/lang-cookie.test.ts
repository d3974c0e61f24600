/** A malformed `lang` cookie (not valid percent-encoding) is ignored, never a 500. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCookie } from '../../app/web/middleware/i18n.js';
import { startWebHarness, type WebHarness } from '../web/harness.js';

let h: WebHarness;
beforeAll(async () => {
  h = await startWebHarness();
});
afterAll(async () => h.close());

const BAD = { cookie: 'lang=%E0' };

describe('lang=%E0', () => {
  it('shows the login form in the negotiated language', async () => {
    const res = await h.client().get('/login', { ...BAD, 'accept-language': 'de' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-language')).toBe('de');
  });

  it('lets the language switch replace the cookie', async () => {
    const client = h.client();
    await client.get('/login');
    // The client's own cookies plus the malformed one (Browserless would replace a given Cookie header).
    const res = await fetch(`${h.server.url}/language`, {
      method: 'POST',
      headers: {
        cookie: `${client.cookieHeader()}; lang=%E0`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ _csrf: client.csrf, lang: 'de', back: '/login' }).toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('lang=de'))).toBe(true);
  });

  it('shows a signed-in administrator’s pages', async () => {
    const admin = await h.admin();
    for (const path of ['/status', '/connection', '/mapping']) {
      const res = await fetch(`${h.server.url}${path}`, {
        headers: { cookie: `${admin.cookieHeader()}; lang=%E0` },
        redirect: 'manual',
      });
      expect(res.status, path).toBe(200);
    }
  });

  it('reads a malformed value as absent', () => {
    expect(readCookie('a=1; lang=%E0%A4%A; b=2', 'lang')).toBeUndefined();
    expect(readCookie('lang=de%20', 'lang')).toBe('de ');
  });
});
