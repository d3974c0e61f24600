/** A running connector service (listener + runner, no web page) on the test directory and simulator. */
import { expect } from 'vitest';
import { ConnectorService } from '../../../app/serve/connector-service.js';
import { connectorFixture, memoryLogger, type ConnectorFixture } from '../../fixtures/connector.js';
import { startPascomSimulator, type Identity, type PascomSimulator } from '../../fixtures/pascom-simulator/index.js';
import { startSlapd, type SlapdHandle } from '../../fixtures/slapd/index.js';
import { Udm } from '../../fixtures/udm.js';
import { waitFor } from '../../fixtures/wait.js';

export interface LiveConnector {
  readonly service: ConnectorService;
  readonly fixture: ConnectorFixture;
  readonly logs: ReturnType<typeof memoryLogger>;
  stop(): Promise<void>;
  /** A new service on the same data dir and config (a restart of the process). */
  restart(): Promise<LiveConnector>;
}

export async function startLive(
  slapd: SlapdHandle,
  sim: PascomSimulator,
  overrides: Record<string, unknown> = {},
): Promise<LiveConnector> {
  const fixture = await connectorFixture(slapd, sim, overrides);
  return onFixture(fixture);
}

async function onFixture(fixture: ConnectorFixture): Promise<LiveConnector> {
  const logs = memoryLogger();
  const service = new ConnectorService(fixture.configPath, {}, logs);
  await service.start(fixture.config);
  return {
    service,
    fixture,
    logs,
    stop: () => service.stop(),
    async restart() {
      await service.stop();
      return onFixture(fixture);
    },
  };
}

/** Waits until the service settled every queued row (pascom's state alone may look right too early); none may be dead. */
export async function outboxDrained(live: LiveConnector, timeoutMs = 15_000): Promise<void> {
  const outbox = live.service.current().store.outbox;
  await waitFor(
    () => {
      const stats = outbox.stats();
      return stats.pending + stats.inflight === 0;
    },
    { timeoutMs, message: 'the outbox did not drain' },
  );
  expect(
    outbox.list('dead').map((row) => row.lastError),
    'dead letters',
  ).toEqual([]);
}

export function identityOf(sim: PascomSimulator, login: string): Identity | undefined {
  return sim.identities().find((i) => i['003use_name'] === login);
}

export interface TestDirectory {
  readonly slapd: SlapdHandle;
  readonly sim: PascomSimulator;
  readonly udm: Udm;
}

/** A test file's world: a real slapd, the pascom simulator and the UDM-like helper. */
export async function startTestDirectory(): Promise<TestDirectory> {
  const [slapd, sim] = await Promise.all([startSlapd(), startPascomSimulator()]);
  return { slapd, sim, udm: new Udm(slapd) };
}

export async function stopTestDirectory(world: TestDirectory): Promise<void> {
  await world.udm.close();
  await Promise.all([world.slapd.stop(), world.sim.stop()]);
}
