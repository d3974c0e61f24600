/**
 * The UCS translog change source. The Univention Directory Notifier
 * numbers every LDAP write and records it as `reqSession=<id>,cn=translog` (reqDN, reqType
 * a|m|d|r). This source follows the ids in order from its checkpoint (the last id stored, kv
 * `translog.id`), reads up to `batchSize` transactions per round and stores their events with
 * the new checkpoint in one transaction (the sink). It sleeps on the notifier's WAIT_ID; while
 * the notifier cannot be reached it polls the translog every `intervalMs` and tries the notifier
 * again with backoff.
 *
 * Every transaction becomes `refresh` events, which the handler resolves against LDAP when it
 * runs (present and in the filter → upsert, else → gone). That one rule is right for every kind:
 * - `a`/`m`: the user now at reqDN (any UDM user, enabled or not: a deactivated user must be
 *   seen so it can become gone);
 * - `r` (the old DN of a rename or move; its new DN follows as `a`) and `d`: the translog has
 *   only the DN, so the managed users last seen at that DN (anchor table) are refreshed. A plain
 *   `gone` would be wrong when the DN was meanwhile taken by a renamed user whose push is still
 *   pending; the refresh finds it wherever it lives now.
 * Transactions about anything else (groups, hosts, DNS) yield nothing.
 *
 * First start without a checkpoint: it begins at the current id and stores it. The initial
 * state comes from the full sync (an Import precedes live sync); what happened before is not
 * replayed. A missing id (a hole: a failed notifier write, a pruned entry) is waited for
 * `gapWaitMs`, then logged and skipped. An id lower than the checkpoint (a new notifier
 * database) restarts from the current id with a warning: a full sync reconciles the rest.
 */
import type { Anchor } from '../../app/core/types.js';
import { DEFAULT_BACKOFF, realSleep, reconnectDelayMs, type Sleep } from '../reconnect.js';
import type { NotifierPort } from './notifier-client.js';

export interface TranslogTransaction {
  readonly id: number;
  /** reqDN: the entry written (for `r`: its DN before the rename or move). */
  readonly dn: string;
  /** reqType: `a` add, `m` modify, `d` delete, `r` the old DN of a modrdn. */
  readonly type: string;
}

export interface TranslogReader {
  /** The transactions with ids in (afterId, afterId + limit] that exist, ordered by id. */
  readTransactions(afterId: number, limit: number): Promise<TranslogTransaction[]>;
  /** The newest id, found without the notifier; `hint` is an id known to exist or 0. */
  currentId(hint: number): Promise<number>;
}

export interface TranslogObjects {
  /** entryUUIDs of the UDM users now at these DNs, keyed by the DN as given; others are left out. */
  usersAt(dns: readonly string[]): Promise<Map<string, Anchor>>;
  /** Managed users whose last known DN is `dn` (case-insensitive). */
  anchoredAt(dn: string): readonly Anchor[];
}

export interface TranslogEvent {
  readonly kind: 'refresh';
  readonly uuid: Anchor;
  readonly dn: string;
}

export interface TranslogStatus {
  /** live: woken by the notifier; polling: the notifier is unreachable; failed: reading the translog failed. */
  readonly state: 'live' | 'polling' | 'failed';
  readonly reason: string;
}

export interface TranslogLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export interface TranslogSourceOptions {
  readonly reader: TranslogReader;
  readonly objects: TranslogObjects;
  /** Undefined: poll only. */
  readonly notifier?: NotifierPort | undefined;
  /** Stores the events and the new checkpoint (the last id handled) atomically. */
  readonly sink: (events: readonly TranslogEvent[], lastId: number) => Promise<void> | void;
  readonly loadCheckpoint: () => number | undefined;
  /** Polling interval while the notifier is unreachable, in ms. */
  readonly intervalMs: number;
  /** Transactions per round (default 1000). */
  readonly batchSize?: number | undefined;
  /** How long a missing id is waited for before it is skipped, in ms (default 5000). */
  readonly gapWaitMs?: number | undefined;
  /** Longest WAIT_ID before the translog is checked anyway, in ms (default 60 000). */
  readonly wakeEveryMs?: number | undefined;
  readonly logger: TranslogLogger;
  readonly onStatus?: ((status: TranslogStatus) => void) | undefined;
  readonly now?: (() => number) | undefined;
  readonly sleep?: Sleep | undefined;
  readonly random?: (() => number) | undefined;
}

const DEFAULT_BATCH = 1000;
const DEFAULT_GAP_WAIT_MS = 5000;
const DEFAULT_WAKE_EVERY_MS = 60_000;
/** The kv key of the checkpoint (the last id stored). */
export const TRANSLOG_CHECKPOINT_KEY = 'translog.id';

export class TranslogSource {
  private checkpoint: number | undefined;
  private gap: { readonly id: number; readonly since: number } | undefined;
  /** The last id of the hole skipped last: a hole continuing right after it is not waited for again. */
  private skippedThrough: number | undefined;
  private notifierFailures = 0;
  private notifierRetryAt = 0;
  private status: TranslogStatus | undefined;
  /** Why the translog is polled rather than awaited (the notifier's last failure, if any). */
  private pollingReason: string | undefined;
  private abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly options: TranslogSourceOptions) {}

  /** Starts following in the background (once: stop() closes the notifier client for good). */
  start(): void {
    this.abort = new AbortController();
    this.checkpoint = this.options.loadCheckpoint();
    this.loop = this.run(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.options.notifier?.close();
    await this.loop;
  }

  /**
   * One round without waiting: the current id, then everything up to it that can be delivered.
   * Returns true when a missing id holds the source back.
   */
  async pollOnce(): Promise<boolean> {
    this.checkpoint ??= this.options.loadCheckpoint();
    const current = await this.currentId();
    if (this.checkpoint === undefined || current < this.checkpoint) {
      await this.startAt(current);
      return false;
    }
    return this.catchUp(current);
  }

  private async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const held = await this.pollOnce();
        failures = 0;
        await this.waitForMore(held, signal);
      } catch (error) {
        this.setStatus({ state: 'failed', reason: `reading the translog failed: ${message(error)}` });
        this.options.logger.warn('reading the UCS translog failed; will try again', { error: message(error) });
        await this.sleep(
          reconnectDelayMs(failures++, this.random, { baseMs: Math.min(1000, this.options.intervalMs), capMs: 30_000 }),
          signal,
        );
      }
    }
  }

  private async startAt(current: number): Promise<void> {
    if (this.checkpoint !== undefined) {
      this.options.logger.warn(
        'the translog id went backwards (a new notifier database?): following from the current id; run a full sync to reconcile',
        {
          stored: this.checkpoint,
          current,
        },
      );
    }
    await this.options.sink([], current);
    this.checkpoint = current;
  }

  /** Delivers batches up to `current`; true when stopped at a hole that is still waited for. */
  private async catchUp(current: number): Promise<boolean> {
    const batchSize = this.options.batchSize ?? DEFAULT_BATCH;
    let from = this.checkpoint ?? current;
    while (from < current && !this.abort.signal.aborted) {
      const limit = Math.min(batchSize, current - from);
      const found = await this.options.reader.readTransactions(from, limit);
      const { usable, last } = this.takeInOrder(from, from + limit, found);
      if (last === from) return true;
      await this.options.sink(await this.toEvents(usable), last);
      this.checkpoint = last;
      from = last;
    }
    return false;
  }

  /**
   * The transactions that follow `from` without a hole, and the id up to which the checkpoint may
   * advance. Every id up to `end` exists or is a hole: the notifier writes the LDAP entry before
   * it reports the id.
   */
  private takeInOrder(
    from: number,
    end: number,
    found: readonly TranslogTransaction[],
  ): { usable: TranslogTransaction[]; last: number } {
    const usable: TranslogTransaction[] = [];
    let expected = from + 1;
    for (const transaction of found) {
      if (transaction.id < expected) continue;
      if (transaction.id > expected && !this.skipHole(expected, transaction.id - 1))
        return { usable, last: expected - 1 };
      usable.push(transaction);
      expected = transaction.id + 1;
    }
    if (expected <= end && !this.skipHole(expected, end)) return { usable, last: expected - 1 };
    return { usable, last: end };
  }

  /** Whether the missing ids first..last have been waited for long enough; logs when skipping. */
  private skipHole(first: number, last: number): boolean {
    if (this.skippedThrough === first - 1) {
      // The rest of a hole already waited for (e.g. a pruned range longer than a batch).
      this.skippedThrough = last;
      return true;
    }
    const now = this.now();
    if (this.gap?.id !== first) this.gap = { id: first, since: now };
    const waited = now - this.gap.since;
    if (waited < (this.options.gapWaitMs ?? DEFAULT_GAP_WAIT_MS)) return false;
    this.options.logger.warn('translog transactions are missing; skipped after waiting for them', {
      first,
      last,
      waitedMs: waited,
    });
    this.gap = undefined;
    this.skippedThrough = last;
    return true;
  }

  private async toEvents(transactions: readonly TranslogTransaction[]): Promise<TranslogEvent[]> {
    const current = [...new Set(transactions.filter((t) => t.type !== 'd' && t.type !== 'r').map((t) => t.dn))];
    const users = current.length === 0 ? new Map<string, Anchor>() : await this.options.objects.usersAt(current);
    // One refresh per user, at the position of its last transaction (the outbox coalesces anyway).
    const events = new Map<Anchor, TranslogEvent>();
    for (const transaction of transactions) {
      const uuids = new Set(this.options.objects.anchoredAt(transaction.dn));
      const atDn = users.get(transaction.dn);
      if (atDn !== undefined && transaction.type !== 'd' && transaction.type !== 'r') uuids.add(atDn);
      for (const uuid of uuids) {
        events.delete(uuid);
        events.set(uuid, { kind: 'refresh', uuid, dn: transaction.dn });
      }
    }
    return [...events.values()];
  }

  private async currentId(): Promise<number> {
    const { notifier } = this.options;
    if (notifier !== undefined && this.now() >= this.notifierRetryAt) {
      try {
        const id = await notifier.currentId();
        this.notifierUp();
        return id;
      } catch (error) {
        this.notifierDown(error);
      }
    }
    this.setStatus({
      state: 'polling',
      reason: this.pollingReason ?? `polling cn=translog every ${this.options.intervalMs} ms`,
    });
    return this.options.reader.currentId(this.checkpoint ?? 0);
  }

  private async waitForMore(held: boolean, signal: AbortSignal): Promise<void> {
    const { notifier, intervalMs } = this.options;
    if (held) {
      await this.sleep(Math.min(intervalMs, 500), signal);
      return;
    }
    if (notifier === undefined || this.now() < this.notifierRetryAt || this.checkpoint === undefined) {
      await this.sleep(intervalMs, signal);
      return;
    }
    try {
      await notifier.waitFor(this.checkpoint + 1, this.options.wakeEveryMs ?? DEFAULT_WAKE_EVERY_MS, signal);
    } catch (error) {
      if (!signal.aborted) this.notifierDown(error);
    }
  }

  private notifierUp(): void {
    this.notifierFailures = 0;
    this.setStatus({ state: 'live', reason: 'live (UCS notifier WAIT_ID, reading cn=translog)' });
  }

  private notifierDown(error: unknown): void {
    const delay = reconnectDelayMs(this.notifierFailures++, this.random, DEFAULT_BACKOFF);
    this.notifierRetryAt = this.now() + delay;
    this.pollingReason = `the UCS notifier is unreachable (${message(error)}): polling cn=translog every ${this.options.intervalMs} ms`;
    if (this.status?.state !== 'polling') this.options.logger.warn(this.pollingReason, { retryInMs: delay });
    this.setStatus({ state: 'polling', reason: this.pollingReason });
  }

  private setStatus(status: TranslogStatus): void {
    if (this.status?.state === status.state && this.status.reason === status.reason) return;
    this.status = status;
    this.options.onStatus?.(status);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private readonly random = (): number => (this.options.random ?? Math.random)();

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return (this.options.sleep ?? realSleep)(ms, signal);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
