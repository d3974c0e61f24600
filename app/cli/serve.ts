/**
 * `serve`: listener + scheduler + web page until SIGTERM/SIGINT, then drain and exit 0.
 */
import { healthRoutes } from '../serve/health-routes.js';
import { ConnectorService } from '../serve/connector-service.js';
import { systemClock } from '../main.js';
import { startWebServer } from '../web/index.js';
import { println, type CliIo } from './io.js';
import type { Runtime } from './runtime.js';

export async function serveCommand(runtime: Runtime, io: CliIo, signals: NodeJS.EventEmitter): Promise<number> {
  const { config, logger } = runtime;
  const service = new ConnectorService(runtime.configPath, io.env, logger);
  await service.start(config);
  const web = await startWebServer(
    {
      current: () => service.current(),
      configPath: runtime.configPath,
      reload: () => service.reload(),
      clock: systemClock,
      logger,
      publicRoutes: healthRoutes(() => service.current().store, service.metrics, () => systemClock.now().getTime()),
      nextScheduledRun: () => service.nextScheduledRun(),
    },
    { host: config.http.host, port: config.http.port },
  );
  logger.info('pascom connector serving', { url: web.url });
  println(io.stderr, `pascom connector ready: ${web.url}`);

  const signal = await new Promise<string>((resolve) => {
    signals.once('SIGTERM', () => resolve('SIGTERM'));
    signals.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info('stopping: draining deliveries in flight', { signal });
  await web.close();
  await service.stop();
  logger.info('stopped');
  return 0;
}
