/**
 * A real connector for integration tests: real slapd, the pascom simulator, SQLite in a temp
 * data dir, wired by the production composition root.
 */
import { createApp, type App } from '../../../app/main.js';
import { connectorFixture, memoryLogger, type ConnectorFixture } from '../../fixtures/connector.js';
import { startPascomSimulator, type PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import { startSlapd, type SlapdHandle } from '../../fixtures/slapd/index.js';
import { Udm } from '../../fixtures/udm.js';

export interface Harness {
  readonly slapd: SlapdHandle;
  readonly sim: PascomSimulator;
  readonly udm: Udm;
  /** A fresh connector (new data dir) with optional config overrides; closed by `close()`. */
  connector(overrides?: Record<string, unknown>): Promise<Connector>;
  close(): Promise<void>;
}

export interface Connector {
  readonly app: App;
  readonly fixture: ConnectorFixture;
  readonly logs: ReturnType<typeof memoryLogger>;
  /** Import with the local runner, waiting up to 20 s. */
  importNow(confirmDeletes?: boolean): ReturnType<App['fullSync']['import']>;
  /** Closes the app (drains), keeping the data dir for a restart. */
  stop(): Promise<void>;
  /** A new app on the same data dir (what a restart of the process gives). */
  restart(): Promise<Connector>;
}

export async function startHarness(): Promise<Harness> {
  const [slapd, sim] = await Promise.all([startSlapd(), startPascomSimulator()]);
  const udm = new Udm(slapd);
  const connectors: Connector[] = [];
  const fixtures: ConnectorFixture[] = [];

  const wrap = (fixture: ConnectorFixture): Connector => {
    const logs = memoryLogger();
    const app = createApp(fixture.config, logs, { deliver: true });
    const connector: Connector = {
      app,
      fixture,
      logs,
      importNow: (confirmDeletes = false) =>
        app.fullSync.import({ trigger: 'test', confirmDeletes, waitMs: 20_000, runner: app.runner }),
      stop: () => app.close(),
      restart: async () => {
        await app.close();
        return wrap(fixture);
      },
    };
    connectors.push(connector);
    return connector;
  };

  return {
    slapd,
    sim,
    udm,
    async connector(overrides = {}) {
      const fixture = await connectorFixture(slapd, sim, overrides);
      fixtures.push(fixture);
      return wrap(fixture);
    },
    async close() {
      for (const c of connectors) await c.app.close();
      await udm.close();
      await Promise.all([slapd.stop(), sim.stop(), ...fixtures.map((f) => f.cleanup())]);
    },
  };
}
