/**
 * Runs the configured change source and feeds its events into the outbox. The source is chosen
 * by `chooseSource` (auto: syncrepl, else the UCS translog, else polling); the chosen mode and
 * the reason are written to the state store for `status` and the page. (App Center listener
 * files are always accepted, through the `listener-trigger` command.)
 *
 * The translog's notifier is not configured: it runs on the LDAP server the connector talks to
 * (the Primary or a Backup), so its host is `ucs.url`'s host, port `listener.notifierPort` (6669).
 */
import type { Config } from '../../app/config/schema.js';
import type { Clock, Logger } from '../../app/core/ports.js';
import type { SyncRules } from '../../app/core/rules.js';
import type { UcsDirectory } from '../../app/directory/index.js';
import type { Store } from '../../app/store/index.js';
import type { ChangeSource, EventSink, ModeChoice, SourceMode, StatusSink } from '../change-source.js';
import { chooseSource } from '../choose-source.js';
import { probe } from '../syncrepl/probe.js';
import { forgetCookieOfOtherDatabase } from './database-identity.js';
import { eventSinkOf, statusSinkOf } from './event-store.js';
import { pollChangeSource } from './poll-wiring.js';
import type { SourceContext, SourceState } from './source-context.js';
import { syncOptions, syncreplChangeSource } from './syncrepl-wiring.js';
import { translogChangeSource, translogReader } from './translog-wiring.js';

export interface ListenerRuntimeDeps {
  readonly config: Config;
  readonly rules: SyncRules;
  readonly store: Store;
  readonly directory: UcsDirectory;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Called after events were stored: the outbox runner claims them at once. */
  readonly delivered: (count: number, source: string) => void;
}

const SOURCES: Record<SourceMode, (ctx: SourceContext) => ChangeSource> = {
  syncrepl: syncreplChangeSource,
  translog: translogChangeSource,
  poll: pollChangeSource,
};

export class ListenerRuntime {
  private running: ChangeSource | undefined;
  private readonly sink: EventSink;
  private readonly status: StatusSink;

  constructor(private readonly deps: ListenerRuntimeDeps) {
    const { store, logger, clock, delivered } = deps;
    const dataDir = deps.config.dataDir;
    this.sink = eventSinkOf({ store, dataDir, logger, now: () => clock.now().getTime(), delivered });
    this.status = statusSinkOf({ store, dataDir, logger });
  }

  /** Chooses and starts the source; resolves once it is running (refresh continues in the background). */
  async start(): Promise<ModeChoice> {
    const { config, rules, directory, store, logger } = this.deps;
    const choice = await chooseSource(config.listener.mode, {
      syncAvailable: () => probe(syncOptions(config, rules)),
      translogReadable: () => translogReader(directory).readable(),
    });
    const { mode, reason } = choice;
    this.status(mode, reason);
    logger.info('listener started', { mode, reason });
    if (mode === 'appcenter') return choice;
    if (mode === 'syncrepl') await forgetCookieOfOtherDatabase({ directory, store, logger, baseDn: config.ucs.baseDn });
    this.running = SOURCES[mode](this.context(mode));
    this.running.start();
    return choice;
  }

  /** Records why nothing is listened to yet (a fresh install waits for its first Import). */
  waitForFirstImport(): void {
    this.status('waiting', 'live sync starts after the first Import (Simulate, then Import now)');
  }

  async stop(): Promise<void> {
    await this.running?.stop();
    this.running = undefined;
  }

  private context(mode: SourceMode): SourceContext {
    const { config, rules, directory, store, logger } = this.deps;
    const state: SourceState = {
      checkpoint: (key) => store.kv.get(key),
      forgetCheckpoint: (key) => store.kv.delete(key),
      managedAnchors: () => store.anchors.uuidsAndDns(),
      anchoredAt: (dn) => store.anchors.uuidsForDn(dn),
    };
    return {
      config,
      rules,
      directory,
      state,
      logger,
      sink: this.sink,
      status: (reason) => this.status(mode, reason),
    };
  }
}
