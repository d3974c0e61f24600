/**
 * Runs the configured change source and feeds its events into the outbox.
 * `auto` chooses syncrepl when the server offers the RFC 4533 control, else the UCS translog when
 * `cn=translog` can be read, else polling; the chosen mode and the reason are written to the
 * state store for `status` and the page. (App Center listener files are always accepted, through
 * the `listener-trigger` command.)
 *
 * The translog's notifier is not configured: it runs on the LDAP server the connector talks to
 * (the Primary or a Backup), so its host is `ucs.url`'s host, port `listener.notifierPort` (6669).
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import type { Clock, Logger } from '../core/ports.js';
import type { SyncRules } from '../core/rules.js';
import type { ChangeEvent } from '../core/types.js';
import { attributesForRules } from '../core/attributes.js';
import type { UcsDirectory } from '../directory/index.js';
import type { Store } from '../store/index.js';
import { ingestEvents, type ListenerEvent } from '../sync/listener-events.js';
import { describeStoreError, storageFailureOf } from '../store/store-errors.js';
import { STATUS_KEYS } from '../sync/status.js';
import { PollSource } from '../../listener/poll-source.js';
import { probe } from '../../listener/syncrepl/probe.js';
import type { SyncreplConnectionOptions } from '../../listener/syncrepl/syncrepl-connection.js';
import { SyncreplSource } from '../../listener/syncrepl/syncrepl-source.js';
import type { SyncSinkEvent } from '../../listener/syncrepl/refresh-tracker.js';
import { LdapTranslog, usersAt } from '../../listener/translog/ldap-translog.js';
import { NotifierClient } from '../../listener/translog/notifier-client.js';
import { TRANSLOG_CHECKPOINT_KEY, TranslogSource } from '../../listener/translog/translog-source.js';
import { ANY_USER_FILTER } from '../directory/index.js';

export const CHECKPOINT_KEYS = {
  syncrepl: 'syncrepl.cookie',
  poll: 'poll.modifyTimestamp',
  translog: TRANSLOG_CHECKPOINT_KEY,
} as const;

/** The base entry's entryUUID when the cookie was stored: a new one means a new database. */
const SYNC_DATABASE_KEY = 'syncrepl.baseEntryUuid';

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

type Running = { readonly stop: () => Promise<void> };

export class ListenerRuntime {
  private running: Running | undefined;

  constructor(private readonly deps: ListenerRuntimeDeps) {}

  /** Chooses and starts the source; resolves once it is running (refresh continues in the background). */
  async start(): Promise<{ mode: string; reason: string }> {
    const { mode, reason } = await this.choose();
    this.setStatus(mode, reason);
    this.deps.logger.info('listener started', { mode, reason });
    if (mode === 'syncrepl') {
      await this.forgetCookieOfOtherDatabase();
      this.running = this.startSyncrepl();
    } else if (mode === 'poll') this.running = this.startPoll();
    else if (mode === 'translog') this.running = this.startTranslog();
    return { mode, reason };
  }

  /** Records why nothing is listened to yet (a fresh install waits for its first Import). */
  waitForFirstImport(): void {
    this.setStatus('waiting', 'live sync starts after the first Import (Simulate, then Import now)');
  }

  async stop(): Promise<void> {
    await this.running?.stop();
    this.running = undefined;
  }

  private async choose(): Promise<{ mode: string; reason: string }> {
    const wanted = this.deps.config.listener.mode;
    if (wanted === 'appcenter')
      return { mode: 'appcenter', reason: 'listener.mode is appcenter: only App Center listener files are processed' };
    if (wanted === 'poll') return { mode: 'poll', reason: 'listener.mode is poll' };
    if (wanted === 'syncrepl') return { mode: 'syncrepl', reason: 'listener.mode is syncrepl' };
    if (wanted === 'translog') return { mode: 'translog', reason: 'listener.mode is translog' };
    let noSync: string;
    try {
      const result = await probe(this.syncOptions());
      if (result.available) return { mode: 'syncrepl', reason: 'the LDAP server offers RFC 4533 sync (syncprov)' };
      noSync = `no RFC 4533 sync on the LDAP server (${result.reason})`;
    } catch (error) {
      noSync = `the sync probe failed (${errorText(error)})`;
    }
    return this.translogOrPoll(noSync);
  }

  /** auto's second choice: the UCS translog, when this account can read `cn=translog`. */
  private async translogOrPoll(noSync: string): Promise<{ mode: string; reason: string }> {
    try {
      if (await this.translogReader().readable())
        return { mode: 'translog', reason: `${noSync}; the UCS translog cn=translog is readable: following it` };
      return { mode: 'poll', reason: `${noSync}; no readable UCS translog (cn=translog): polling modifyTimestamp` };
    } catch (error) {
      return {
        mode: 'poll',
        reason: `${noSync}; reading the UCS translog failed (${errorText(error)}): polling modifyTimestamp`,
      };
    }
  }

  /**
   * Records the mode and why, for `status` and the page. It is called from the sources' status
   * callbacks, so it must never throw: a full disk would otherwise end the listener.
   */
  private setStatus(mode: string, reason: string): void {
    try {
      this.deps.store.transaction(() => {
        this.deps.store.kv.set(STATUS_KEYS.listenerMode, mode);
        this.deps.store.kv.set(STATUS_KEYS.listenerReason, reason);
      });
    } catch (error) {
      this.deps.logger.error('cannot record the listener status', {
        mode,
        reason,
        error: describeStoreError(error, this.deps.config.dataDir),
      });
    }
  }

  private syncOptions(): SyncreplConnectionOptions {
    const { ucs } = this.deps.config;
    return {
      url: ucs.url,
      startTls: ucs.starttls,
      ca: ucs.caFile === undefined ? undefined : readFileSync(ucs.caFile, 'utf8'),
      rejectUnauthorized: ucs.tlsVerify,
      timeoutMs: ucs.timeoutMs,
      bindDn: ucs.bindDn,
      password: ucs.password,
      baseDn: ucs.baseDn,
      filter: ucs.userFilter,
      attributes: attributesForRules(this.deps.rules.mapping),
    };
  }

  private store(
    events: readonly ListenerEvent[],
    source: string,
    checkpoint: { key: string; value: string } | undefined,
  ): void {
    let count: number;
    try {
      count = ingestEvents(this.deps.store, events, { source, nowMs: this.deps.clock.now().getTime(), checkpoint });
    } catch (error) {
      // Nothing was stored and the resume point did not move: the source reads these events again.
      if (storageFailureOf(error) === undefined) throw error;
      throw new Error(
        `cannot store ${events.length} change(s): ${describeStoreError(error, this.deps.config.dataDir)}`,
        {
          cause: error,
        },
      );
    }
    if (count > 0) this.deps.delivered(count, source);
  }

  /**
   * A present set lists every user still in the filter: managed users missing from it are gone.
   * So many at once that they exceed `deletes.maxPerRun` smells of a broken filter or base: they
   * are held back and left to a full sync, where the admin must confirm them.
   */
  private goneFromPresentSet(uuids: ReadonlySet<string>): ChangeEvent[] {
    const gone = this.deps.store.anchors.allAnchors().filter((a) => !uuids.has(a.uuid));
    const limit = this.deps.rules.deletes.maxPerRun;
    if (gone.length > limit) {
      this.deps.logger.error(
        'the directory no longer lists many managed users; deletes held back until a full sync is confirmed',
        {
          deletes: gone.length,
          maxPerRun: limit,
        },
      );
      return [];
    }
    return gone.map((a) => ({ kind: 'gone', uuid: a.uuid, dn: a.dn }));
  }

  /**
   * A database recreated (or restored) under the same name may accept an old cookie and send only
   * what changed after it, so users that vanished with the old database would never be reported
   * gone. The base entry's entryUUID identifies the database: when it changed, start over with a
   * full refresh, whose present set reveals every vanished user.
   */
  private async forgetCookieOfOtherDatabase(): Promise<void> {
    const { directory, store, config, logger } = this.deps;
    let current: string | undefined;
    try {
      current = await directory.withClient('search', async (client) => {
        const { searchEntries } = await client.search(config.ucs.baseDn, {
          scope: 'base',
          filter: '(objectClass=*)',
          attributes: ['entryUUID'],
        });
        const value = searchEntries[0]?.['entryUUID'];
        return typeof value === 'string' ? value : undefined;
      });
    } catch (error) {
      logger.warn('could not read the base entry to identify the directory database', { error: String(error) });
      return;
    }
    if (current === undefined) return;
    const known = store.kv.get(SYNC_DATABASE_KEY);
    if (known === current) return;
    store.transaction(() => {
      if (known !== undefined) store.kv.delete(CHECKPOINT_KEYS.syncrepl);
      store.kv.set(SYNC_DATABASE_KEY, current);
    });
    if (known !== undefined)
      logger.warn('the directory database was recreated: full refresh from scratch', { base: config.ucs.baseDn });
  }

  private startSyncrepl(): Running {
    const source = new SyncreplSource({
      connection: () => this.syncOptions(),
      cookies: { loadCookie: () => this.deps.store.kv.get(CHECKPOINT_KEYS.syncrepl) },
      resetState: () => this.deps.store.kv.delete(CHECKPOINT_KEYS.syncrepl),
      logger: this.deps.logger,
      sink: async (batch: readonly SyncSinkEvent[], cookie: string | undefined) => {
        const events = batch.flatMap((e): ChangeEvent[] =>
          e.kind === 'presentSet' ? this.goneFromPresentSet(e.uuids) : [e],
        );
        this.store(
          events,
          'syncrepl',
          cookie === undefined ? undefined : { key: CHECKPOINT_KEYS.syncrepl, value: cookie },
        );
      },
      onStatus: (status) => {
        if (status.state === 'failed' || status.state === 'waiting') {
          this.setStatus('syncrepl', `${status.state}: ${status.error?.message ?? 'reconnecting'}`);
        } else if (status.state === 'persisting') {
          this.setStatus('syncrepl', 'live (refreshAndPersist)');
        }
      },
    });
    source.start().catch((error: unknown) => {
      this.deps.logger.error('the sync listener stopped for good; restart after fixing the cause', {
        error: String(error),
      });
      this.setStatus('syncrepl', `stopped: ${error instanceof Error ? error.message : String(error)}`);
    });
    return { stop: () => source.stop() };
  }

  private translogReader(): LdapTranslog {
    return new LdapTranslog((fn) => this.deps.directory.withClient('translog', fn));
  }

  private startTranslog(): Running {
    const { directory, store, config, logger } = this.deps;
    const source = new TranslogSource({
      reader: this.translogReader(),
      objects: {
        usersAt: (dns) => usersAt((fn) => directory.withClient('translog', fn), dns, ANY_USER_FILTER),
        anchoredAt: (dn) => store.anchors.uuidsForDn(dn),
      },
      notifier: new NotifierClient({
        host: notifierHost(config.ucs.url),
        port: config.listener.notifierPort,
        timeoutMs: config.ucs.timeoutMs,
      }),
      loadCheckpoint: () => parseCheckpoint(store.kv.get(CHECKPOINT_KEYS.translog)),
      sink: (events, lastId) =>
        this.store(events, 'translog', { key: CHECKPOINT_KEYS.translog, value: String(lastId) }),
      intervalMs: config.listener.pollIntervalMs,
      logger,
      onStatus: (status) => this.setStatus('translog', status.reason),
    });
    source.start();
    return { stop: () => source.stop() };
  }

  private startPoll(): Running {
    const { directory, store, config } = this.deps;
    const source = new PollSource({
      directory,
      intervalMs: config.listener.pollIntervalMs,
      loadCheckpoint: () => store.kv.get(CHECKPOINT_KEYS.poll),
      knownUuids: () => store.anchors.allAnchors().map((a) => a.uuid),
      sink: (events, checkpoint) =>
        this.store(
          events,
          'poll',
          checkpoint === undefined ? undefined : { key: CHECKPOINT_KEYS.poll, value: checkpoint },
        ),
      onError: (error) =>
        this.deps.logger.warn('polling the directory failed; will try again', { error: String(error) }),
    });
    source.start();
    return { stop: () => source.stop() };
  }
}

/** The notifier runs beside the LDAP server: the host of `ucs.url` (IPv6 brackets removed). */
export function notifierHost(ldapUrl: string): string {
  return new URL(ldapUrl).hostname.replace(/^\[(.*)\]$/, '$1');
}

function parseCheckpoint(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
