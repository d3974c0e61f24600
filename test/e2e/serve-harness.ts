/**
 * The connector as `serve` runs it — the connector service (store, outbox runner, listener that
 * waits for the first import, scheduler) and the admin page — on a fresh data dir, against real
 * slapd and the pascom simulator. For the first-run walk in Chromium: nothing imported yet, no
 * connection tested, the listener waiting.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from '../../app/main.js';
import { serveWebDeps } from '../../app/main.js';
import { ConnectorService } from '../../app/serve/connector-service.js';
import { startWebServer, type WebServer } from '../../app/web/index.js';
import { connectorFixture, memoryLogger, type ConnectorFixture } from '../fixtures/connector.js';
import { startPascomSimulator, type PascomSimulator } from '../fixtures/pascom-simulator/index.js';
import { startSlapd, type SlapdHandle } from '../fixtures/slapd/index.js';
import { Udm } from '../fixtures/udm.js';

export interface ServeHarness {
  readonly slapd: SlapdHandle;
  readonly sim: PascomSimulator;
  readonly udm: Udm;
  readonly fixture: ConnectorFixture;
  readonly web: WebServer;
  readonly ssoSecret: string;
  app(): App;
  close(): Promise<void>;
}

export async function startServeHarness(config: Record<string, unknown> = {}): Promise<ServeHarness> {
  const [slapd, sim] = await Promise.all([startSlapd({}), startPascomSimulator()]);
  const secretsDir = await mkdtemp(join(tmpdir(), 'pascom-e2e-'));
  const ssoSecret = 'e2e-sso-secret-0123456789abcdef';
  const ssoSecretFile = join(secretsDir, 'sso.secret');
  await writeFile(ssoSecretFile, `${ssoSecret}\n`, { mode: 0o600 });
  const fixture = await connectorFixture(slapd, sim, {
    ...config,
    http: { ssoSecretFile },
    // As installed: live sync waits for the first import.
    listener: { startAfterFirstImport: true, mode: 'auto' },
  });
  const logger = memoryLogger();
  const service = new ConnectorService(fixture.configPath, {}, logger);
  await service.start(fixture.config);
  // The page as `serve` composes it (app/main.ts), health and metrics routes included.
  const web = await startWebServer(serveWebDeps(service, { configPath: fixture.configPath, env: {}, logger }), {
    host: '127.0.0.1',
    port: 0,
  });
  const udm = new Udm(slapd);
  return {
    slapd,
    sim,
    udm,
    fixture,
    web,
    ssoSecret,
    app: () => service.current(),
    async close() {
      await web.close();
      await service.stop();
      await udm.close();
      await Promise.all([
        slapd.stop(),
        sim.stop(),
        fixture.cleanup(),
        rm(secretsDir, { recursive: true, force: true }),
      ]);
    },
  };
}
