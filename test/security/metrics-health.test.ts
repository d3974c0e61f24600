/**
 * /healthz and /metrics are reachable through the UCS Apache by anyone who reaches UCS.
 * /healthz answers only ok / not ok (the image's HEALTHCHECK reads the status code); /metrics
 * needs a signed-in administrator's session or the bearer token of `http.metricsTokenFile`
 * (Prometheus' `authorization` scrape option). The app is composed as `serve` composes it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, testPascomConnection } from '../../app/main.js';
import { healthRoutes } from '../../app/serve/health-routes.js';
import { ConnectorMetrics } from '../../app/serve/metrics.js';
import { STATUS_KEYS } from '../../app/sync/status.js';
import { createWebApp } from '../../app/web/index.js';
import type { Store } from '../../app/store/index.js';
import { startWebHarness, type WebHarness } from '../web/harness.js';
import { Browserless } from '../web/http-client.js';

const TOKEN = 'scrape-Token-0123456789';
let h: WebHarness;
let dir: string;
const servers: Server[] = [];

/** The page with health routes over `store`, on a port of its own; its base URL. */
async function serve(store: () => Store): Promise<string> {
  const app = createWebApp({
    current: () => h.app(),
    configPath: h.fixture.configPath,
    clock: systemClock,
    logger: h.logs,
    nextScheduledRun: () => undefined,
    testPascomConnection,
    reload: () => Promise.resolve({ ok: true }),
    publicRoutes: healthRoutes(store, new ConnectorMetrics(store, Date.now), {
      metricsTokenFile: () => h.app().config.http.metricsTokenFile,
    }),
  });
  const server = createServer(app);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}${h.app().config.http.basePath}`;
}

let base: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pascom-metrics-'));
  const tokenFile = join(dir, 'metrics.token');
  await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  h = await startWebHarness({ config: { http: { metricsTokenFile: tokenFile } } });
  base = await serve(() => h.app().store);
});
afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  await h.close();
  await rm(dir, { recursive: true, force: true });
});

describe('/healthz', () => {
  it('says ok and nothing else', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('says not ok with 503, without the reason (no paths or errors for strangers)', async () => {
    const broken = await serve(() => {
      throw new Error('SQLITE_CANTOPEN: /var/lib/secret/state.db');
    });
    const res = await fetch(`${broken}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.text()).toBe('{"status":"unavailable"}');
  });
});

describe('/metrics', () => {
  it('refuses an anonymous scrape with 401 and names the Bearer scheme', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await res.text()).not.toContain('pascom_connector_');
  });

  it.each([
    ['a wrong token', `Bearer ${TOKEN}x`],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, 10)}`],
    ['Basic credentials', `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`],
  ])('refuses %s', async (_case, authorization) => {
    expect((await fetch(`${base}/metrics`, { headers: { authorization } })).status).toBe(401);
  });

  it('answers the configured bearer token', async () => {
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('pascom_connector_queue_depth');
  });

  it('tells the listener mode in force as a gauge (the details /healthz no longer gives)', async () => {
    const authorization = `Bearer ${TOKEN}`;
    h.app().store.kv.set(STATUS_KEYS.listenerMode, 'syncrepl');
    const live = await (await fetch(`${base}/metrics`, { headers: { authorization } })).text();
    expect(live).toMatch(/^pascom_connector_listener_mode\{mode="syncrepl"\} 1$/m);

    h.app().store.kv.set(STATUS_KEYS.listenerMode, 'poll');
    const after = await (await fetch(`${base}/metrics`, { headers: { authorization } })).text();
    expect(after).toMatch(/^pascom_connector_listener_mode\{mode="poll"\} 1$/m);
    expect(after).not.toContain('mode="syncrepl"');
  });

  it('answers a signed-in administrator', async () => {
    const admin = new Browserless(base);
    const login = await admin.login('Administrator', h.slapd.adminPassword);
    expect(login.status).toBe(303);
    const res = await admin.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.body).toContain('pascom_connector_queue_depth');
  });
});
