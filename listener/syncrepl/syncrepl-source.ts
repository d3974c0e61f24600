/**
 * The live listener over RFC 4533 refreshAndPersist. It never stores the
 * cookie: it loads it through `cookies` before each connect and hands every batch of changes to
 * `sink` with the cookie that becomes valid once the batch is durable, so the store commits
 * both in one transaction. After any loss it reconnects from the stored cookie (uncommitted
 * events are simply delivered again: the sink must be idempotent, as delivery is at least once).
 */
import type { Logger } from '../../app/core/ports.js';
import { LdapConnectionError, LdapError, RESULT_CODES, SyncRefreshRequiredError } from '../../app/ldap/errors.js';
import { DEFAULT_BACKOFF, realSleep, reconnectDelayMs, type BackoffPolicy, type Sleep } from '../reconnect.js';
import { EventBatcher, type SyncSink } from './event-batcher.js';
import { RefreshTracker } from './refresh-tracker.js';
import type { SyncEventHandler } from './sync-events.js';
import { SyncreplConnection, type SyncSearchRequest, type SyncreplConnectionOptions } from './syncrepl-connection.js';

/** The injected sink failed to make a batch durable; the source reconnects from the stored cookie. */
export class SyncSinkError extends LdapError {
  override readonly name = 'SyncSinkError';
  readonly retryable = true;
  constructor(cause: unknown) {
    super(`Storing sync events failed: ${cause instanceof Error ? cause.message : String(cause)}`, RESULT_CODES.other, {
      cause,
    });
  }
}

export interface CookiePort {
  /** The cookie committed with the last durable batch, or undefined for a full refresh. */
  loadCookie(): string | undefined;
}

export type SyncreplState = 'connecting' | 'refreshing' | 'persisting' | 'waiting' | 'stopped' | 'failed';

export interface SyncreplStatus {
  readonly state: SyncreplState;
  /** Why the last session ended (set with `waiting` and `failed`). */
  readonly error?: LdapError | undefined;
  /** Delay before the next attempt, ms (with `waiting`). */
  readonly retryInMs?: number | undefined;
}

/** The part of a connection the source uses; `connect` in the options lets unit tests fake it. */
export interface SyncConnection {
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

export type Connect = (
  options: SyncreplConnectionOptions,
  request: SyncSearchRequest,
  onEvent: SyncEventHandler,
) => Promise<SyncConnection>;

export interface SyncreplSourceOptions {
  /** Connection settings; a function is called before every connect (e.g. to re-read a rotated machine password). */
  readonly connection:
    SyncreplConnectionOptions | (() => SyncreplConnectionOptions | Promise<SyncreplConnectionOptions>);
  readonly cookies: CookiePort;
  readonly sink: SyncSink;
  /** Called on 4096 / stale cookie (53): clear the stored cookie (and what depends on it) before a full refresh. */
  readonly resetState: () => void | Promise<void>;
  /** Default: setTimeout-based, aborted by stop(). */
  readonly sleep?: Sleep | undefined;
  /** Default Math.random. */
  readonly random?: (() => number) | undefined;
  /** Default 100 ms base, 30 s cap. */
  readonly backoff?: BackoffPolicy | undefined;
  readonly logger?: Logger | undefined;
  readonly onStatus?: ((status: SyncreplStatus) => void) | undefined;
  /** Queued events above which the socket is paused. Default 10 000. */
  readonly highWater?: number | undefined;
  readonly connect?: Connect | undefined;
}

interface SessionEnd {
  readonly error: LdapError | undefined;
  /** The refresh completed, so the server accepted our state: reset the backoff. */
  readonly healthy: boolean;
}

export class SyncreplSource {
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private endSession: ((end: SessionEnd | undefined) => void) | undefined;

  constructor(private readonly options: SyncreplSourceOptions) {}

  /**
   * Runs until stop(): resolves then. Rejects with the error when the server answers something
   * retrying cannot fix (LdapBindError, LdapTlsError, SyncUnavailableError, …); the caller decides.
   */
  start(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  /** Ends the search and closes the socket; resolves when it is closed and the last batch is in the sink. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.endSession?.(undefined);
    await this.running?.catch(() => undefined);
    this.status({ state: 'stopped' });
  }

  private get stopping(): boolean {
    return this.abort.signal.aborted;
  }

  private async loop(): Promise<void> {
    const sleep = this.options.sleep ?? realSleep;
    const random = this.options.random ?? Math.random;
    let attempt = 0;
    while (!this.stopping) {
      const end = await this.session();
      if (this.stopping) return;
      if (end.healthy) attempt = 0;
      const error = end.error ?? new LdapConnectionError('The LDAP server ended the sync search.');
      if (!error.retryable) {
        this.status({ state: 'failed', error });
        throw error;
      }
      if (error instanceof SyncRefreshRequiredError) {
        this.options.logger?.warn('syncrepl: the server requires a full refresh; dropping the cookie', {
          code: error.code,
        });
        await this.options.resetState();
      }
      const retryInMs = reconnectDelayMs(attempt++, random, this.options.backoff ?? DEFAULT_BACKOFF);
      // A failure to store events is ours to fix (say, a full disk): the admin must see it.
      if (error instanceof SyncSinkError)
        this.options.logger?.error('syncrepl: the changes could not be stored; reading them again', {
          error: error.message,
          retryInMs,
        });
      else this.options.logger?.info('syncrepl: reconnecting', { error: error.message, retryInMs });
      this.status({ state: 'waiting', error, retryInMs });
      await sleep(retryInMs, this.abort.signal);
    }
  }

  /** One connection: connect, stream into the sink until it ends, flush what arrived. */
  private async session(): Promise<SessionEnd> {
    let resolveEnd: (end: SessionEnd | undefined) => void = () => undefined;
    const ended = new Promise<SessionEnd | undefined>((resolve) => {
      resolveEnd = resolve;
    });
    // An empty cookie carries no state (slapd sends one after ignoring a cookie it cannot parse).
    const cookie = emptyToUndefined(this.options.cookies.loadCookie());
    const tracker = new RefreshTracker(cookie !== undefined);
    let connection: SyncConnection | undefined;
    const finish = (error: LdapError | undefined): void => resolveEnd({ error, healthy: tracker.persisting });
    const flow = { pause: () => connection?.pause(), resume: () => connection?.resume() };
    const batcher = new EventBatcher(
      this.options.sink,
      flow,
      (error) => finish(new SyncSinkError(error)),
      this.options.highWater,
    );
    this.endSession = resolveEnd;
    this.status({ state: 'connecting' });
    const onEvent: SyncEventHandler = (event) => {
      if (event.type === 'error') return finish(event.error);
      const wasPersisting = tracker.persisting;
      const output = tracker.handle(event);
      batcher.add(output.events, output.cookie);
      if (!wasPersisting && tracker.persisting) this.status({ state: 'persisting' });
      if (event.type === 'done') finish(undefined);
    };
    try {
      connection = await (this.options.connect ?? SyncreplConnection.open)(
        await this.connectionOptions(),
        { mode: 'refreshAndPersist', cookie, critical: true },
        onEvent,
      );
    } catch (error) {
      return { error: asLdapError(error), healthy: false };
    }
    if (!this.stopping) this.status({ state: 'refreshing' });
    const end = this.stopping ? undefined : await ended;
    this.endSession = undefined;
    await connection.close();
    await batcher.drain();
    return end ?? { error: undefined, healthy: tracker.persisting };
  }

  private async connectionOptions(): Promise<SyncreplConnectionOptions> {
    const { connection } = this.options;
    return typeof connection === 'function' ? connection() : connection;
  }

  private status(status: SyncreplStatus): void {
    this.options.onStatus?.(status);
  }
}

function emptyToUndefined(cookie: string | undefined): string | undefined {
  return cookie === '' ? undefined : cookie;
}

function asLdapError(error: unknown): LdapError {
  if (error instanceof LdapError) return error;
  return new LdapConnectionError(
    `Connecting for the sync search failed: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}
