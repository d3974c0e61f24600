/** Every state-changing route refuses a request without the session's CSRF token. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHarness, type WebHarness } from './harness.js';

let h: WebHarness;
beforeAll(async () => {
  h = await startWebHarness();
});
afterAll(async () => h.close());

const POST_ROUTES = [
  '/login',
  '/logout',
  '/language',
  '/status/dead/1/retry',
  '/status/dead/1/discard',
  '/connection/ucs',
  '/connection/pascom',
  '/mapping',
  '/sync/simulate',
  '/sync/import/prepare',
  '/sync/import/start',
  '/automate',
  '/authentication',
  '/authentication/test',
];

describe.each(POST_ROUTES)('POST %s', (path) => {
  it('is refused with 403 without a token', async () => {
    const client = await h.admin();
    const res = await client.request('POST', path, {
      form: { username: 'Administrator', password: 'x', lang: 'de', schedule: '' },
    });
    expect(res.status).toBe(403);
    expect(res.body).toContain('security token');
  });

  it('is refused with 403 with a wrong token', async () => {
    const client = await h.admin();
    const res = await client.request('POST', path, { form: { _csrf: `${client.csrf.slice(0, -2)}xx` } });
    expect(res.status).toBe(403);
  });

  it('is refused with 403 with the token of another session', async () => {
    const other = await h.admin();
    const client = await h.admin();
    const res = await client.request('POST', path, { form: { _csrf: other.csrf } });
    expect(res.status).toBe(403);
  });
});

describe('JSON requests', () => {
  it('accept the token in the X-CSRF-Token header', async () => {
    const client = await h.admin();
    const res = await client.request('POST', '/language', {
      json: { lang: 'de', back: '/status' },
      headers: { 'x-csrf-token': client.csrf },
    });
    expect(res.status).toBe(303);
  });
});
