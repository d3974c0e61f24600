/**
 * `serve`: listener + scheduler + web page until SIGTERM/SIGINT, then drain and exit 0.
 * SIGHUP re-reads the configuration (the App Center's `configure` sends it after a settings
 * change). A configuration that is not usable yet — a fresh install before the admin entered
 * the pascom settings, or `/etc/machine.secret` not written yet — does not end the process: it
 * says what is missing and tries again on SIGHUP or every few seconds.
 */
import { once } from 'node:events';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { serveWebDeps } from '../main.js';
import { createLogger, type AppLogger } from '../log/logger.js';
import { ConnectorService } from '../serve/connector-service.js';
import { startWebServer } from '../web/index.js';
import { println, type CliIo } from './io.js';

const RETRY_CONFIG_MS = 5000;

type Wake = 'SIGTERM' | 'SIGINT' | 'SIGHUP' | 'timer';

function nextSignal(signals: NodeJS.EventEmitter, timeoutMs: number | undefined): Promise<Wake> {
  const controller = new AbortController();
  const waits: Array<Promise<Wake>> = (['SIGTERM', 'SIGINT', 'SIGHUP'] as const).map((name) =>
    once(signals, name, { signal: controller.signal }).then(() => name),
  );
  if (timeoutMs !== undefined)
    waits.push(new Promise((resolve) => setTimeout(() => resolve('timer'), timeoutMs).unref()));
  return Promise.race(waits).finally(() => controller.abort());
}

/** Loads the config until it is valid, or resolves undefined when told to stop meanwhile. */
async function usableConfig(
  configPath: string | undefined,
  io: CliIo,
  signals: NodeJS.EventEmitter,
): Promise<{ config: Config; path: string } | undefined> {
  for (;;) {
    const loaded = await loadConfig({ path: configPath, env: io.env });
    if (loaded.ok) return { config: loaded.config, path: loaded.path };
    println(io.stderr, `pascom connector waiting for a usable configuration (${loaded.path ?? 'no file'}):`);
    for (const error of loaded.errors) println(io.stderr, `  ${error.message}`);
    println(io.stderr, `  (retrying every ${RETRY_CONFIG_MS / 1000} s and on SIGHUP)`);
    const wake = await nextSignal(signals, RETRY_CONFIG_MS);
    if (wake === 'SIGTERM' || wake === 'SIGINT') return undefined;
  }
}

export async function serveCommand(
  configPath: string | undefined,
  io: CliIo,
  signals: NodeJS.EventEmitter,
): Promise<number> {
  const ready = await usableConfig(configPath, io, signals);
  if (ready === undefined) return 0;
  const { config } = ready;
  const logger: AppLogger = createLogger({
    level: config.log.level,
    dataDir: config.dataDir,
    console: config.log.level,
  });
  try {
    return await serveWith(config, ready.path, logger, io, signals);
  } finally {
    await logger.close();
  }
}

async function serveWith(
  config: Config,
  configPath: string,
  logger: AppLogger,
  io: CliIo,
  signals: NodeJS.EventEmitter,
): Promise<number> {
  const service = new ConnectorService(configPath, io.env, logger);
  await service.start(config);
  const web = await startWebServer(serveWebDeps(service, { configPath, env: io.env, logger }), {
    host: config.http.host,
    port: config.http.port,
  });
  logger.info('pascom connector serving', { url: web.url });
  println(io.stderr, `pascom connector ready: ${web.url}`);

  for (;;) {
    const wake = await nextSignal(signals, undefined);
    if (wake !== 'SIGHUP') break;
    const result = await service.reload();
    if (result.ok) logger.info('configuration reloaded on SIGHUP');
    else
      logger.error('SIGHUP: the new configuration is not valid; still running with the previous one', {
        errors: result.errors.map((e) => e.message),
      });
  }
  logger.info('stopping: draining deliveries in flight');
  await web.close();
  await service.stop();
  logger.info('stopped');
  return 0;
}
