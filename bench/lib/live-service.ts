/** Starts the connector service in this process and measures how long until its listener is live. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../app/core/ports.js';
import { ConnectorService } from '../../app/serve/connector-service.js';
import { STATUS_KEYS } from '../../app/sync/status.js';
import type { BenchConfig } from './connector-config.js';

/** What the syncrepl listener reports once refreshAndPersist is persisting. */
export const LIVE_REASON = 'live (refreshAndPersist)';

/** Resolves when the listener reason says `expected`, polling every ms; throws after `timeoutMs`. */
export async function untilReason(service: ConnectorService, expected: string, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const reason = service.current().store.kv.get(STATUS_KEYS.listenerReason);
    if (reason === expected) return;
    if (performance.now() > deadline)
      throw new Error(`the listener did not report "${expected}" (last: ${String(reason)})`);
    await sleep(1);
  }
}

/** Starts the service; `readyMs` is from the start() call to the listener persisting (syncrepl). */
export async function startLiveService(
  bench: BenchConfig,
  logger: Logger,
): Promise<{ service: ConnectorService; readyMs: number }> {
  const service = new ConnectorService(bench.configPath, {}, logger);
  const started = performance.now();
  await service.start(bench.config);
  await untilReason(service, LIVE_REASON);
  return { service, readyMs: performance.now() - started };
}
