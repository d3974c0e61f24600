/**
 * Test helpers for the syncrepl integration tests: an in-memory store that plays the caller's
 * part (applies events and the cookie together, as the real store does in one transaction) and
 * a source wired to a fixture slapd.
 */
import type { DirectoryUser } from '../../../app/core/types.js';
import type { SyncSinkEvent } from '../../../listener/syncrepl/refresh-tracker.js';
import type { SyncreplConnectionOptions } from '../../../listener/syncrepl/syncrepl-connection.js';
import { SyncreplSource, type SyncreplState } from '../../../listener/syncrepl/syncrepl-source.js';
import type { SlapdHandle } from '../../fixtures/slapd/index.js';
import { waitFor } from '../../fixtures/wait.js';

export const USER_FILTER = '(&(univentionObjectType=users/user)(mobydickActivated=TRUE))';
export const USER_ATTRIBUTES = ['uid', 'givenName', 'sn', 'displayName', 'telephoneNumber', 'mailPrimaryAddress'];

export function connectionOptions(
  slapd: SlapdHandle,
  overrides: Partial<SyncreplConnectionOptions> = {},
): SyncreplConnectionOptions {
  return {
    url: slapd.url,
    bindDn: slapd.computerDn,
    password: slapd.computerPassword,
    baseDn: slapd.baseDn,
    filter: USER_FILTER,
    attributes: USER_ATTRIBUTES,
    timeoutMs: 5_000,
    ...overrides,
  };
}

/** What the connector's state store does with a batch, minus SQLite. */
export class MemoryStore {
  cookie: string | undefined;
  readonly users = new Map<string, DirectoryUser>();
  /** Every batch in arrival order, with the time it arrived (performance.now()). */
  readonly batches: { events: readonly SyncSinkEvent[]; cookie: string | undefined; at: number }[] = [];
  resets = 0;

  readonly sink = async (events: readonly SyncSinkEvent[], cookie: string | undefined): Promise<void> => {
    this.batches.push({ events, cookie, at: performance.now() });
    for (const event of events) this.apply(event);
    if (cookie !== undefined) this.cookie = cookie;
  };

  readonly resetState = (): void => {
    this.resets += 1;
    this.cookie = undefined;
  };

  /** Sink events received since batch number `from`. */
  eventsSince(from: number): SyncSinkEvent[] {
    return this.batches.slice(from).flatMap((batch) => batch.events);
  }

  private apply(event: SyncSinkEvent): void {
    if (event.kind === 'upsert') this.users.set(event.uuid, event.user);
    else if (event.kind === 'gone') this.users.delete(event.uuid);
    else for (const uuid of [...this.users.keys()]) if (!event.uuids.has(uuid)) this.users.delete(uuid);
  }
}

export interface RunningSource {
  readonly source: SyncreplSource;
  readonly states: SyncreplState[];
  /** Settles when the source stops or fails; never rejects (the error is returned). */
  readonly finished: Promise<unknown>;
  stop(): Promise<void>;
}

export function startSource(store: MemoryStore, connection: SyncreplConnectionOptions): RunningSource {
  const states: SyncreplState[] = [];
  const source = new SyncreplSource({
    connection,
    cookies: { loadCookie: () => store.cookie },
    sink: store.sink,
    resetState: store.resetState,
    onStatus: (status) => states.push(status.state),
  });
  const finished = source.start().then(
    () => undefined,
    (error: unknown) => error,
  );
  return { source, states, finished, stop: () => source.stop() };
}

export function waitUntilPersisting(running: RunningSource, timeoutMs = 10_000): Promise<true> {
  return waitFor(() => running.states.at(-1) === 'persisting', {
    timeoutMs,
    message: 'source reached the persist phase',
  });
}

/** Polls the store until `predicate` holds, within a deadline that throws. */
export function eventually<T>(
  predicate: () => T,
  message: string,
  timeoutMs = 5_000,
): Promise<Exclude<T, false | null | undefined>> {
  return waitFor(predicate, { timeoutMs, intervalMs: 2, message });
}
