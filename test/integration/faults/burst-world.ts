/**
 * One fault scenario's world: slapd bulk-loaded with the burst's users, the pascom simulator,
 * a connector config for a `serve` process (syncrepl, a free HTTP port) and the LDIF writer.
 */
import { connectorFixture, type ConnectorFixture } from '../../fixtures/connector.js';
import { freePort } from '../../fixtures/free-port.js';
import { startPascomSimulator, type PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import { startSlapd, type SlapdHandle } from '../../fixtures/slapd/index.js';
import { LdifWriter, type Burst } from './change-burst.js';

export interface BurstWorld {
  readonly slapd: SlapdHandle;
  readonly sim: PascomSimulator;
  readonly fixture: ConnectorFixture;
  readonly writer: LdifWriter;
  /** Stops everything started here (kill the `serve` processes first). */
  close(): Promise<void>;
}

export async function startBurstWorld(burst: Burst, baseDn: string): Promise<BurstWorld> {
  const [slapd, sim] = await Promise.all([startSlapd({ users: burst.users, baseDn }), startPascomSimulator()]);
  const writer = await LdifWriter.open(slapd);
  const fixture = await connectorFixture(slapd, sim, {
    listener: { mode: 'syncrepl' },
    extensions: { digits: 5, pool: '90000-90999' },
    // The burst's deactivations are wanted deletes; the maxPerRun safety net has its own tests.
    deletes: { mode: 'delete', maxPerRun: 10_000 },
    // pascom's identity count passes through 100 at random points of a burst: a list read just then
    // would be refused as possibly cut off. That guard has its own tests (sync/pascom-unknowns.test.ts).
    pascom: { api: { listCap: 0 } },
    http: { host: '127.0.0.1', port: await freePort() },
  });
  return {
    slapd,
    sim,
    fixture,
    writer,
    async close() {
      await writer.close();
      await Promise.all([slapd.stop(), sim.stop()]);
      await fixture.cleanup();
    },
  };
}
