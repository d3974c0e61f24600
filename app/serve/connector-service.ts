/**
 * `serve`: the long-running connector — the app (store, outbox runner), the listener, the
 * scheduled full sync and the metrics — with reload on a config change and a draining stop.
 */
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../core/ports.js';
import { createApp, systemClock, type App } from '../main.js';
import type { ReloadResult } from '../web/deps.js';
import { ListenerRuntime } from '../../listener/index.js';
import { ConnectorMetrics } from './metrics.js';
import { FullSyncScheduler } from './scheduler.js';

/** Rows written by other processes (listener-trigger, a CLI import) are noticed within this. */
const OUTBOX_POLL_MS = 1000;

interface Parts {
  readonly app: App;
  readonly listener: ListenerRuntime;
  readonly scheduler: FullSyncScheduler;
  readonly poll: NodeJS.Timeout;
  /** Set once the listener was started (it may wait for the first import). */
  listening: Promise<unknown> | undefined;
}

export class ConnectorService {
  readonly metrics: ConnectorMetrics;
  private parts: Parts | undefined;

  constructor(
    private readonly configPath: string,
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly logger: Logger,
  ) {
    this.metrics = new ConnectorMetrics(
      () => this.current().store,
      () => systemClock.now().getTime(),
    );
  }

  current(): App {
    if (this.parts === undefined) throw new Error('the connector is not running');
    return this.parts.app;
  }

  nextScheduledRun(): Date | undefined {
    return this.parts?.scheduler.nextRun();
  }

  async start(config: Config): Promise<void> {
    const app = createApp(config, this.logger, { deliver: true });
    app.runner?.on('settled', (event) => this.metrics.settled(event, systemClock.now().getTime()));
    const listener = new ListenerRuntime({
      config,
      rules: app.rules,
      store: app.store,
      directory: app.directory,
      logger: this.logger,
      clock: systemClock,
      delivered: (count, source) => {
        this.metrics.eventsStored(count, source);
        app.runner?.kick();
      },
    });
    const scheduler = new FullSyncScheduler(
      { fullSync: app.fullSync, runner: app.runner, logger: this.logger },
      config.schedule,
    );
    const parts: Parts = {
      app,
      listener,
      scheduler,
      poll: setInterval(() => this.tick(parts), OUTBOX_POLL_MS),
      listening: undefined,
    };
    parts.poll.unref();
    this.parts = parts;
    scheduler.start();
    if (this.mayListen(parts)) parts.listening = listener.start();
    else listener.waitForFirstImport();
    await parts.listening;
  }

  /** Live sync waits for the first import unless `listener.startAfterFirstImport` is false. */
  private mayListen(parts: Parts): boolean {
    if (!parts.app.config.listener.startAfterFirstImport) return true;
    const last = parts.app.store.runs.last('import');
    return last !== undefined && (last.status === 'done' || last.status === 'partial');
  }

  /** Every second: deliver rows other processes queued; start listening after the first import. */
  private tick(parts: Parts): void {
    parts.app.runner?.kick();
    if (parts.listening === undefined && this.mayListen(parts)) {
      parts.listening = parts.listener.start().catch((error: unknown) => {
        this.logger.error('the listener could not start', { error: String(error) });
      });
    }
  }

  /** Re-reads the config file; on success restarts every part with it, else keeps running as is. */
  async reload(): Promise<ReloadResult> {
    const loaded = await loadConfig({ path: this.configPath, env: this.env });
    if (!loaded.ok) return { ok: false, errors: loaded.errors };
    await this.stop();
    await this.start(loaded.config);
    this.logger.info('configuration reloaded', { path: this.configPath });
    return { ok: true };
  }

  /** Stops the listener and the schedule, then drains the deliveries in flight. */
  async stop(): Promise<void> {
    const parts = this.parts;
    if (parts === undefined) return;
    this.parts = undefined;
    clearInterval(parts.poll);
    await parts.listening;
    await parts.listener.stop();
    await parts.scheduler.stop();
    await parts.app.close();
  }
}
