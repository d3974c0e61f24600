/**
 * Whose X-Forwarded-* headers count (http.trustProxy, default "loopback, gateway"): only the App
 * Center's proxy hop. In UCS the Apache proxies to 127.0.0.1:<published port> on the Docker host,
 * so requests reach the container from its default gateway; the test's loopback connection plays
 * that hop. A LAN client's forged X-Forwarded-For arrives as the part before the address Apache
 * appends, and must not become the client address of the rate limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultGateway, trustProxySetting } from '../../app/web/middleware/proxy.js';
import { startWebHarness, type WebHarness } from '../web/harness.js';

let h: WebHarness;
beforeAll(async () => {
  h = await startWebHarness();
});
afterAll(async () => h.close());

describe('the per-address login limit behind the UCS proxy', () => {
  it('counts the address Apache saw, not what a LAN client wrote into X-Forwarded-For', async () => {
    const client = h.client();
    await client.get('/login');
    const statuses: number[] = [];
    // 51 names (the per-name limit never trips), each with another forged address in front of
    // the one Apache appends (192.168.1.50: the attacker's machine on the LAN).
    for (let i = 0; i < 51; i++) {
      const res = await client.request('POST', '/login', {
        form: { _csrf: client.csrf, username: `lan-spray-${i}`, password: 'guess' },
        headers: { 'x-forwarded-for': `203.0.113.${i + 1}, 192.168.1.50` },
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 50)).toEqual(Array<number>(50).fill(401));
    expect(statuses[50]).toBe(429);
  });
});

describe('the Secure flag behind the proxy', () => {
  async function loginCookie(headers: Record<string, string>): Promise<string> {
    const client = h.client();
    await client.get('/login', headers);
    const res = await client.request('POST', '/login', {
      form: { _csrf: client.csrf, username: 'Administrator', password: h.slapd.adminPassword },
      headers,
    });
    expect(res.status).toBe(303);
    return res.headers.getSetCookie().find((c) => c.startsWith('pascom_connector_sid=')) ?? '';
  }

  it('marks the session cookie Secure when the browser was on https (Origin) and the proxy sent no X-Forwarded-Proto', async () => {
    expect(await loginCookie({ origin: 'https://ucs-primary.example.intranet' })).toMatch(/;\s*Secure/i);
  });

  it('marks it Secure from the Referer of a single sign-on inside the UMC (a GET has no Origin)', async () => {
    const client = h.client();
    const { mintToken } = await import('../web/sso.js');
    const res = await client.get(`/sso?token=${mintToken(h.ssoSecret)}`, {
      referer: 'https://ucs-primary.example.intranet/univention/management/',
    });
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('pascom_connector_sid=')) ?? '';
    expect(cookie).toMatch(/;\s*Secure/i);
  });

  it('leaves it without Secure for a browser on http', async () => {
    expect(await loginCookie({ origin: 'http://ucs-primary.example.intranet' })).not.toMatch(/Secure/i);
  });
});

describe('trustProxySetting / defaultGateway', () => {
  const ROUTES = [
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
    'eth0\t00000000\t010011AC\t0003\t0\t0\t0\t00000000\t0\t0\t0',
    'eth0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
  ].join('\n');

  it('reads the default gateway from /proc/net/route', () => {
    expect(defaultGateway(ROUTES)).toBe('172.17.0.1');
    expect(defaultGateway(ROUTES.split('\n').slice(0, 1).join('\n'))).toBeUndefined();
  });

  it('replaces the name "gateway" and keeps everything else as express takes it', () => {
    expect(trustProxySetting('loopback, gateway', '172.17.0.1')).toBe('loopback, 172.17.0.1');
    expect(trustProxySetting('loopback, gateway', undefined)).toBe('loopback');
    expect(trustProxySetting('gateway', undefined)).toBe(false);
    expect(trustProxySetting('loopback, uniquelocal', '172.17.0.1')).toBe('loopback, uniquelocal');
    expect(trustProxySetting(1, '172.17.0.1')).toBe(1);
    expect(trustProxySetting(true, undefined)).toBe(true);
  });
});
