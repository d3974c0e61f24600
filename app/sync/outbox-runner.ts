/**
 * Drains the outbox: claims ready rows (at most one per anchor, so one user's changes apply in
 * order while different users proceed concurrently), runs their handlers with bounded
 * concurrency, and settles each row together with its state change in one transaction.
 * Transient failures come back after capped exponential backoff with jitter (honouring
 * Retry-After); permanent ones become dead letters with the reason.
 */
import { EventEmitter } from 'node:events';
import { backoffCeilingMs, backoffDelayMs } from '../core/backoff.js';
import type { Clock, Logger } from '../core/ports.js';
import type { OutboxRow, Store } from '../store/index.js';
import { describeStoreError } from '../store/store-errors.js';
import type { JobHandlers, Settlement } from './job.js';

/** First wait before writing to the database again after a failure (doubling, capped). */
const STORE_RETRY_MS = 1000;
const STORE_RETRY_CAP_MS = 30_000;
/** No delivery for this long while rows failed: the next success ends an outage. */
const RECOVERY_QUIET_MS = 5000;

export interface OutboxRunnerOptions {
  /** Rows handled at once (default 8; match pascom.concurrency). */
  readonly concurrency: number;
  /** Backoff base and cap in ms (defaults 500 ms and 60 s). */
  readonly backoffBaseMs?: number | undefined;
  readonly backoffCapMs?: number | undefined;
}

export interface SettledEvent {
  readonly row: OutboxRow;
  readonly settlement: Settlement;
}

export interface OutboxRunnerDeps {
  readonly store: Store;
  readonly handlers: JobHandlers;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: Logger;
}

export class OutboxRunner extends EventEmitter<{ settled: [SettledEvent]; idle: [] }> {
  private readonly options: Required<OutboxRunnerOptions>;
  private inflight = 0;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private pumping = false;
  private kickQueued = false;
  private readonly active = new Set<Promise<void>>();
  private batch: Array<{ readonly item: SettledEvent; readonly done: () => void }> = [];
  private flushQueued = false;
  /** Set while commits fail (a full disk): the next attempt, after a backoff. */
  private flushTimer: NodeJS.Timeout | undefined;
  private commitFailures = 0;
  /** Rows waiting out a backoff after pascom failed without a Retry-After (down, 5xx, timeout). */
  private readonly backingOff = new Set<number>();
  private lastDoneAt = 0;
  private failedSinceDone = false;
  private pumpTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: OutboxRunnerDeps,
    options: OutboxRunnerOptions,
  ) {
    super();
    this.options = {
      concurrency: Math.max(1, options.concurrency),
      backoffBaseMs: options.backoffBaseMs ?? 500,
      backoffCapMs: options.backoffCapMs ?? 60_000,
    };
  }

  /** Starts draining; rows a crashed process left in flight are delivered again first. */
  start(): void {
    if (this.running) return;
    const recovered = this.deps.store.outbox.recoverInflight();
    if (recovered > 0)
      this.deps.logger.warn('outbox rows left in flight by a stopped process are retried', { recovered });
    this.running = true;
    this.kick();
  }

  /** Stops claiming, waits for the rows in flight to settle (drain), then resolves. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pumpTimer !== undefined) clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
    // Commits waiting out a failure get one last attempt now, not after their backoff.
    if (this.flushTimer !== undefined) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      this.flush();
    }
    await Promise.all([...this.active]);
  }

  /** Call after enqueueing: claims immediately instead of waiting for the timer. */
  kick(): void {
    if (!this.running || this.pumping) return;
    this.pumping = true;
    try {
      this.pump();
    } catch (error) {
      // Claiming writes to the database; when that fails (a full disk), try again shortly.
      this.deps.logger.error('cannot take changes from the queue', { error: describeStoreError(error, undefined) });
      this.pumpTimer ??= setTimeout(() => {
        this.pumpTimer = undefined;
        this.kick();
      }, STORE_RETRY_MS);
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Rows settled by one group commit finish one after another in the same microtask run: claim
   * for all of them at once (one write transaction) instead of once per row.
   */
  private kickSoon(): void {
    if (this.kickQueued) return;
    this.kickQueued = true;
    queueMicrotask(() => {
      this.kickQueued = false;
      this.kick();
    });
  }

  get inFlight(): number {
    return this.inflight;
  }

  private pump(): void {
    const free = this.options.concurrency - this.inflight;
    if (free <= 0) return;
    const now = this.deps.clock.now().getTime();
    const rows = this.deps.store.outbox.claim(now, free);
    for (const row of rows) this.launch(row);
    // Nothing more is ready now: wake up when the earliest waiting row (a retry) becomes due.
    if (rows.length < free) this.scheduleNextDue(now);
    if (this.inflight === 0) this.emit('idle');
  }

  private scheduleNextDue(now: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const due = this.deps.store.outbox.nextDueAt();
    if (due === undefined) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.kick();
      },
      Math.max(0, due - now),
    );
    this.timer.unref?.();
  }

  private launch(row: OutboxRow): void {
    this.inflight++;
    const task = this.handle(row).finally(() => {
      this.inflight--;
      this.active.delete(task);
      this.kickSoon();
    });
    this.active.add(task);
  }

  private async handle(row: OutboxRow): Promise<void> {
    const handler = this.deps.handlers[row.kind];
    let settlement: Settlement;
    if (handler === undefined) {
      settlement = { outcome: 'dead', error: `unknown outbox job kind "${row.kind}" (written by a newer version?)` };
    } else {
      try {
        settlement = await handler(row);
      } catch (error) {
        // A handler bug must not lose the row or stop the runner: retry it, loudly.
        this.deps.logger.error('outbox handler threw; the row will be retried', {
          id: row.id,
          kind: row.kind,
          error: String(error),
        });
        settlement = { outcome: 'retry', error: `internal error: ${String(error)}` };
      }
    }
    await this.settle(row, settlement);
  }

  /**
   * Group commit: settlements that arrive in the same turn of the event loop are committed in
   * one transaction (one WAL write instead of one per row), then their rows are released. A row
   * is released only once its settlement is committed: while commits fail, its slot stays taken.
   */
  private settle(row: OutboxRow, settlement: Settlement): Promise<void> {
    return new Promise((done) => {
      this.batch.push({ item: { row, settlement }, done });
      if (this.flushQueued || this.flushTimer !== undefined) return;
      this.flushQueued = true;
      setImmediate(() => {
        this.flushQueued = false;
        this.flush();
      });
    });
  }

  private flush(): void {
    const pending = this.batch;
    this.batch = [];
    if (pending.length === 0) return;
    const items = pending.map((entry) => entry.item);
    try {
      this.commit(items);
    } catch (error) {
      this.commitFailed(pending, error);
      return;
    }
    if (this.commitFailures > 0)
      this.deps.logger.warn('the queue can be written again', { after: this.commitFailures });
    this.commitFailures = 0;
    this.noteOutcomes(items);
    for (const item of items) {
      this.report(item);
      this.emit('settled', item);
    }
    for (const entry of pending) entry.done();
  }

  /**
   * After an outage (nothing delivered for RECOVERY_QUIET_MS while rows failed), the first
   * success means pascom is back: the rows backing off are due at once instead of after their
   * backoff (up to a minute). Rows told to wait by a Retry-After are not among them.
   */
  private noteOutcomes(items: readonly SettledEvent[]): void {
    const now = this.deps.clock.now().getTime();
    let recovered = false;
    for (const { row, settlement } of items) {
      if (settlement.outcome === 'retry' && settlement.retryAfterMs === undefined) {
        this.backingOff.add(row.id);
        this.failedSinceDone = true;
        continue;
      }
      this.backingOff.delete(row.id);
      if (settlement.outcome !== 'done') continue;
      recovered ||= this.failedSinceDone && now - this.lastDoneAt >= RECOVERY_QUIET_MS;
      this.lastDoneAt = now;
      this.failedSinceDone = false;
    }
    if (!recovered || this.backingOff.size === 0) return;
    const ids = [...this.backingOff];
    this.backingOff.clear();
    try {
      this.deps.store.transaction(() => ids.forEach((id) => this.deps.store.outbox.expedite(id, now)));
      this.deps.logger.info('pascom answers again: the waiting changes are sent now', { rows: ids.length });
      this.kickSoon();
    } catch (error) {
      // Not worth more than a line: the rows keep their backoff and go out when it ends.
      this.deps.logger.warn('could not bring the waiting changes forward', {
        error: describeStoreError(error, undefined),
      });
    }
  }

  /**
   * pascom has the changes, the database does not know yet. Keep them and commit again after a
   * backoff; when stopping, give up: the rows stay in flight and are delivered again at the next
   * start, which the handlers make harmless (they converge).
   */
  private commitFailed(pending: typeof this.batch, error: unknown): void {
    this.commitFailures++;
    const message = describeStoreError(error, undefined);
    if (!this.running) {
      this.deps.logger.error('stopping with deliveries not recorded; they are sent again at the next start', {
        rows: pending.length,
        error: message,
      });
      for (const entry of pending) entry.done();
      return;
    }
    this.batch = pending.concat(this.batch);
    const delay = backoffCeilingMs(this.commitFailures, STORE_RETRY_MS, STORE_RETRY_CAP_MS);
    this.deps.logger.error('cannot record deliveries in the queue; retrying', {
      rows: this.batch.length,
      attempt: this.commitFailures,
      retryInMs: delay,
      error: message,
    });
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, delay);
  }

  /** The batch's settlements in one transaction; throws (changing nothing) when the database cannot be written. */
  private commit(items: readonly SettledEvent[]): void {
    const now = this.deps.clock.now().getTime();
    this.deps.store.transaction(() => {
      for (const { row, settlement } of items) this.apply(row, settlement, now);
    });
  }

  /** Writes one settlement: the row's fate and its state change (runs inside the batch transaction). */
  private apply(row: OutboxRow, settlement: Settlement, now: number): void {
    const { store, random } = this.deps;
    switch (settlement.outcome) {
      case 'done': {
        const anchor = settlement.anchor;
        if (anchor !== undefined && 'save' in anchor) store.anchors.save(anchor.save, now);
        if (anchor !== undefined && 'remove' in anchor) store.anchors.remove(anchor.remove);
        if (settlement.audit !== undefined) store.audit.record(settlement.audit, now);
        store.outbox.complete(row);
        return;
      }
      case 'retry': {
        const delay = backoffDelayMs(
          row.attempts,
          {
            baseMs: this.options.backoffBaseMs,
            capMs: this.options.backoffCapMs,
            retryAfterMs: settlement.retryAfterMs,
          },
          random,
        );
        if (settlement.anchor !== undefined) store.anchors.save(settlement.anchor.save, now);
        store.outbox.retryLater(row.id, now + delay, settlement.error);
        return;
      }
      case 'dead':
        if (settlement.audit !== undefined) store.audit.record(settlement.audit, now);
        store.outbox.markDead(row.id, settlement.error);
    }
  }

  private report({ row, settlement }: SettledEvent): void {
    if (settlement.outcome === 'retry') {
      this.deps.logger.warn('pascom change failed temporarily; will retry', {
        uuid: row.uuid,
        attempt: row.attempts,
        error: settlement.error,
      });
    } else if (settlement.outcome === 'dead') {
      this.deps.logger.error('pascom refused a change; it is listed as a dead letter', {
        uuid: row.uuid,
        error: settlement.error,
      });
    }
  }
}
