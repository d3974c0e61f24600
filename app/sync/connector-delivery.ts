/**
 * Connector mode (`pascom.delivery: connector`): instead of one REST call per identity, changes go
 * to pascom as CSV pushed to a connector profile ("Users from CSV"), the way pascom's own import
 * framework ingests users. Such a profile by default removes the records missing from its previous
 * import, so every push carries the WHOLE managed set, never a delta.
 *
 * This is a PascomPort: the outbox handlers stay the same in both modes (same plans, dead letters,
 * delete threshold). A write changes the managed set in memory and resolves once a push that
 * carries it succeeded; writes arriving within `intervalMs` of the previous push share the next
 * one, so there is at most one push per interval (the latency of this mode). Reads of managed
 * identities answer from the set; everything else is read from pascom's REST API.
 *
 * The set being pushed is stored before it is sent (`snapshot`): after a crash, the next push
 * starts from it, so an identity whose push landed but whose outbox row was not settled yet is
 * not removed by a push that happens before its row runs again.
 */
import type { Logger, PascomIdentity, PascomPort } from '../core/ports.js';
import type { AnchorState, PascomRecord } from '../core/types.js';
import { toCsv } from '../pascom/csv.js';

/**
 * The set of the last push, stored. `save` is called before a push and marks it pending;
 * `confirm` after pascom took it (or after a refusal, with the set pascom kept).
 */
export interface ConnectorSnapshot {
  load(): { readonly records: PascomRecord[]; readonly pending: boolean } | undefined;
  save(records: readonly PascomRecord[]): void;
  confirm(): void;
  clear(): void;
}

export interface ConnectorDeliveryDeps {
  /** pascom's REST API for reads (identities outside the managed set, the extension list). */
  readonly reader: Pick<PascomPort, 'listIdentities' | 'forEachIdentity' | 'getIdentity'>;
  /** Sends one CSV document to the profile (PascomClient.pushCsv). */
  readonly push: (csv: string) => Promise<void>;
  /**
   * The CSV columns: the mapping's fields in order (and the auth method when the connector sets
   * it). Other fields a record holds (pascom's own, of an adopted identity) are not pushed.
   */
  readonly columns: () => readonly string[];
  readonly loginField: () => string;
  /** The managed identities as stored (the set to start from when no snapshot exists). */
  readonly anchors: () => readonly AnchorState[];
  readonly snapshot: ConnectorSnapshot;
  readonly intervalMs: number;
  readonly nowMs: () => number;
  readonly logger: Logger;
}

/** Longest wait before pushing an unconfirmed set again while pascom fails. */
const RETRY_CAP_MS = 60_000;

type Change =
  | { readonly kind: 'put'; readonly from: string | undefined; readonly record: PascomRecord }
  | { readonly kind: 'remove'; readonly login: string };

interface Staged {
  readonly change: Change;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class ConnectorDelivery implements PascomPort {
  private base: Map<string, PascomRecord> | undefined;
  private staged: Staged[] = [];
  /** The changes of the push under way (part of what reads see). */
  private inflight: readonly Staged[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pushing = false;
  private lastPushAt = Number.NEGATIVE_INFINITY;
  private closed = false;
  /** A push was under way when the process stopped: pascom may or may not hold its set, so send it again. */
  private unconfirmed = false;
  /** Pushes failed in a row: a push carrying no change waits longer after each. */
  private failures = 0;

  constructor(private readonly deps: ConnectorDeliveryDeps) {}

  /**
   * Loads the stored set; when the last push before a stop has no known outcome, pushes the set
   * again at once, so a change whose row was settled as delivered is surely in pascom.
   */
  start(): void {
    this.baseSet();
    this.schedule();
  }

  listIdentities(): Promise<PascomIdentity[]> {
    return this.deps.reader.listIdentities();
  }

  forEachIdentity(visit: (identity: PascomIdentity) => void): Promise<void> {
    return this.deps.reader.forEachIdentity(visit);
  }

  async getIdentity(login: string): Promise<PascomIdentity | undefined> {
    const managed = this.lookup(login);
    if (managed !== undefined) return { ...managed };
    return this.deps.reader.getIdentity(login);
  }

  async createIdentity(record: PascomRecord): Promise<PascomIdentity> {
    await this.stage({ kind: 'put', from: undefined, record: { ...record } });
    return { ...record };
  }

  async updateIdentity(login: string, record: PascomRecord): Promise<PascomIdentity> {
    await this.stage({ kind: 'put', from: login, record: { ...record } });
    return { ...record };
  }

  async deleteIdentity(login: string): Promise<boolean> {
    // Only the managed set is pushed: an identity outside it is not the profile's to remove.
    if (this.lookup(login) === undefined) return false;
    await this.stage({ kind: 'remove', login });
    return true;
  }

  /** Stops the timer; changes not pushed yet fail (their rows are retried at the next start). */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const staged = this.staged;
    this.staged = [];
    for (const item of staged) item.reject(new Error('the connector stopped before the change was pushed'));
  }

  private loginOf(record: PascomRecord, fallback: string | undefined): string | undefined {
    return record[this.deps.loginField()] ?? fallback;
  }

  private baseSet(): Map<string, PascomRecord> {
    if (this.base !== undefined) return this.base;
    const stored = this.deps.snapshot.load();
    this.unconfirmed = stored?.pending === true;
    const records = stored?.records ?? this.deps.anchors().map((anchor) => anchor.record);
    const base = new Map<string, PascomRecord>();
    for (const record of records) {
      const login = this.loginOf(record, undefined);
      if (login !== undefined) base.set(login, record);
    }
    this.base = base;
    return base;
  }

  /** One identity of the managed set as the pending changes leave it (the newest change of the login wins). */
  private lookup(login: string): PascomRecord | undefined {
    const changes = [...this.inflight, ...this.staged];
    for (let i = changes.length - 1; i >= 0; i--) {
      const change = (changes[i] as Staged).change;
      if (change.kind === 'remove') {
        if (change.login === login) return undefined;
        continue;
      }
      const target = this.loginOf(change.record, change.from);
      if (target === login) return change.record;
      if (change.from === login) return undefined;
    }
    return this.baseSet().get(login);
  }

  /** The managed set with the changes of the push under way and the staged ones applied, in order. */
  private view(changes: readonly Staged[] = [...this.inflight, ...this.staged]): Map<string, PascomRecord> {
    const set = new Map(this.baseSet());
    for (const { change } of changes) {
      if (change.kind === 'remove') {
        set.delete(change.login);
        continue;
      }
      const login = this.loginOf(change.record, change.from);
      // An update keeps its place in the CSV; a rename leaves the old login.
      if (change.from !== undefined && change.from !== login) set.delete(change.from);
      if (login !== undefined) set.set(login, change.record);
    }
    return set;
  }

  private stage(change: Change): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the connector is stopping'));
    return new Promise((resolve, reject) => {
      this.staged.push({ change, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer !== undefined || this.pushing || this.closed) return;
    if (this.staged.length === 0 && !this.unconfirmed) return;
    const wait =
      this.staged.length === 0 && this.failures > 0
        ? Math.min(RETRY_CAP_MS, this.deps.intervalMs * 2 ** this.failures)
        : this.deps.intervalMs;
    const delay = Math.max(0, this.lastPushAt + wait - this.deps.nowMs());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
  }

  private async flush(): Promise<void> {
    const batch = this.staged;
    this.staged = [];
    if (batch.length === 0 && !this.unconfirmed) return;
    const before = this.baseSet();
    const next = this.view(batch);
    const records = [...next.values()];
    const csv = toCsv(this.deps.columns(), records);
    this.pushing = true;
    this.inflight = batch;
    this.lastPushAt = this.deps.nowMs();
    try {
      this.deps.snapshot.save(records);
      await this.deps.push(csv);
      this.deps.snapshot.confirm();
      this.unconfirmed = false;
      this.failures = 0;
      this.base = next;
      this.deps.logger.debug('connector push delivered', { records: records.length, changes: batch.length });
      for (const item of batch) item.resolve();
    } catch (error) {
      this.failures++;
      this.failed(batch, before, error);
    } finally {
      this.pushing = false;
      this.inflight = [];
      this.schedule();
    }
  }

  /**
   * A refusal that names one record fails that change only; the others go out with the next push.
   * Any other failure fails the whole batch (the outbox retries or lists them as dead letters).
   */
  private failed(batch: readonly Staged[], before: Map<string, PascomRecord>, error: unknown): void {
    try {
      // pascom did not take the set: the next start must not take it for what pascom holds.
      this.deps.snapshot.save([...before.values()]);
      if (!this.unconfirmed) this.deps.snapshot.confirm();
    } catch (saveError) {
      this.deps.logger.warn('could not store the connector set', { error: String(saveError) });
    }
    const login = typeof error === 'object' && error !== null && 'login' in error ? error.login : undefined;
    const culprit =
      typeof login === 'string'
        ? batch.filter(({ change }) =>
            change.kind === 'remove' ? change.login === login : this.loginOf(change.record, change.from) === login,
          )
        : [];
    if (culprit.length === 0) {
      for (const item of batch) item.reject(error);
      return;
    }
    for (const item of culprit) item.reject(error);
    this.staged = [...batch.filter((item) => !culprit.includes(item)), ...this.staged];
  }
}

/** The snapshot in the store's key-value table. */
export const CONNECTOR_SNAPSHOT_KEY = 'connector.pushedSet';
/** Present while a push of the stored set has no known outcome. */
export const CONNECTOR_PENDING_KEY = 'connector.pushPending';

export function kvSnapshot(kv: {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  delete(key: string): void;
}): ConnectorSnapshot {
  return {
    load() {
      const text = kv.get(CONNECTOR_SNAPSHOT_KEY);
      if (text === undefined) return undefined;
      try {
        const parsed: unknown = JSON.parse(text);
        if (!Array.isArray(parsed)) return undefined;
        return { records: parsed as PascomRecord[], pending: kv.get(CONNECTOR_PENDING_KEY) !== undefined };
      } catch {
        return undefined;
      }
    },
    save(records) {
      kv.set(CONNECTOR_SNAPSHOT_KEY, JSON.stringify(records));
      kv.set(CONNECTOR_PENDING_KEY, '1');
    },
    confirm() {
      kv.delete(CONNECTOR_PENDING_KEY);
    },
    clear() {
      kv.delete(CONNECTOR_SNAPSHOT_KEY);
      kv.delete(CONNECTOR_PENDING_KEY);
    },
  };
}
