/**
 * The admin page over real HTTP: real slapd, the pascom simulator, a real App (production
 * composition root) and the web server on a random port. `reload()` re-reads the config file
 * and rebuilds the App, as `serve` does.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../app/config/load.js';
import { createApp, systemClock, testPascomConnection, type App } from '../../app/main.js';
import { startWebServer, type WebDeps, type WebServer } from '../../app/web/index.js';
import { connectorFixture, memoryLogger, type ConnectorFixture } from '../fixtures/connector.js';
import { startPascomSimulator, type PascomSimulator } from '../fixtures/pascom-simulator/index.js';
import { startSlapd, type SlapdHandle, type StartSlapdOptions } from '../fixtures/slapd/index.js';
import { Udm } from '../fixtures/udm.js';
import { Browserless } from './http-client.js';

export interface WebHarness {
  readonly slapd: SlapdHandle;
  readonly sim: PascomSimulator;
  readonly udm: Udm;
  readonly fixture: ConnectorFixture;
  readonly server: WebServer;
  readonly logs: ReturnType<typeof memoryLogger>;
  readonly ssoSecret: string;
  readonly ssoSecretFile: string;
  readonly machineSecretFile: string;
  app(): App;
  /** A new cookie jar against the server. */
  client(): Browserless;
  /** A client signed in as the UCS Administrator. */
  admin(): Promise<Browserless>;
  close(): Promise<void>;
}

export interface WebHarnessOptions {
  readonly slapd?: StartSlapdOptions;
  readonly config?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}

export async function startWebHarness(options: WebHarnessOptions = {}): Promise<WebHarness> {
  const [slapd, sim] = await Promise.all([startSlapd(options.slapd ?? {}), startPascomSimulator()]);
  const secretsDir = await mkdtemp(join(tmpdir(), 'pascom-web-'));
  const ssoSecret = 'test-sso-secret-0123456789abcdef';
  const ssoSecretFile = join(secretsDir, 'sso.secret');
  const machineSecretFile = join(secretsDir, 'machine.secret');
  await writeFile(ssoSecretFile, `${ssoSecret}\n`, { mode: 0o600 });
  await writeFile(machineSecretFile, `${slapd.computerPassword}\n`, { mode: 0o600 });
  // `http` is merged, not replaced: a test that sets other http keys keeps single sign-on.
  const config = options.config ?? {};
  const http = { ssoSecretFile, ...((config['http'] as Record<string, unknown> | undefined) ?? {}) };
  const fixture = await connectorFixture(slapd, sim, { ...config, http });
  const logs = memoryLogger();
  const env = options.env ?? {};
  let app = createApp(fixture.config, logs, { deliver: true });
  const deps: WebDeps = {
    current: () => app,
    configPath: fixture.configPath,
    clock: systemClock,
    logger: logs,
    env,
    machineSecretPath: machineSecretFile,
    nextScheduledRun: () => undefined,
    testPascomConnection,
    async reload() {
      const loaded = await loadConfig({ path: fixture.configPath, env, machineSecretPath: machineSecretFile });
      if (!loaded.ok) return { ok: false, errors: loaded.errors };
      await app.close();
      app = createApp(loaded.config, logs, { deliver: true });
      return { ok: true };
    },
  };
  const server = await startWebServer(deps, { host: '127.0.0.1', port: 0 });
  const udm = new Udm(slapd);
  const harness: WebHarness = {
    slapd,
    sim,
    udm,
    fixture,
    server,
    logs,
    ssoSecret,
    ssoSecretFile,
    machineSecretFile,
    app: () => app,
    client: () => new Browserless(server.url),
    async admin() {
      const client = harness.client();
      const res = await client.login('Administrator', slapd.adminPassword);
      if (res.status !== 303) throw new Error(`admin login failed with ${res.status}`);
      await client.follow(res); // the new session's page carries its CSRF token
      return client;
    },
    async close() {
      await server.close();
      await app.close();
      await udm.close();
      await Promise.all([
        slapd.stop(),
        sim.stop(),
        fixture.cleanup(),
        rm(secretsDir, { recursive: true, force: true }),
      ]);
    },
  };
  return harness;
}
