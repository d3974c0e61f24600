/**
 * `serve`'s lifecycle: starts the parts the composition root builds (app/main.ts `composeServe`),
 * restarts them on a config change and stops them draining. Every reload — from the page or on
 * SIGHUP — goes through `reload()`, and every start registers the config's secrets with the log.
 */
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../core/ports.js';
import { composeServe, registerConfigSecrets, systemClock, type App, type ServeParts } from '../main.js';
import type { ReloadResult } from '../web/deps.js';
import { ConnectorMetrics } from './metrics.js';

/** Rows written by other processes (listener-trigger, a CLI import) are noticed within this. */
const OUTBOX_POLL_MS = 1000;

interface Parts extends ServeParts {
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
    /** `registerSecret` when the logger redacts (the real one does; test loggers may not). */
    private readonly logger: Logger & { registerSecret?(value: string): void },
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
    registerConfigSecrets(this.logger, config);
    const composed = composeServe(config, this.logger, this.metrics);
    const { listener, scheduler } = composed;
    const parts: Parts = {
      ...composed,
      poll: setInterval(() => this.tick(parts), OUTBOX_POLL_MS),
      listening: undefined,
    };
    parts.poll.unref();
    this.parts = parts;
    scheduler.start();
    if (this.mayListen(parts)) this.listen(parts, listener.start());
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
      this.listen(
        parts,
        parts.listener.start().catch((error: unknown) => {
          this.logger.error('the listener could not start', { error: String(error) });
        }),
      );
    }
  }

  private listen(parts: Parts, listening: Promise<unknown>): void {
    parts.listening = listening;
    parts.readNumbersAhead();
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
