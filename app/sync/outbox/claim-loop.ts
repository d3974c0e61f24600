/**
 * Takes ready rows off the outbox (the store hands out at most one per anchor, so one user's
 * changes apply in order while different users proceed concurrently) and hands each to `deliver`,
 * with at most `concurrency` rows in flight; sleeps until the earliest waiting row is due.
 */
import type { Logger } from '../../core/ports.js';
import type { OutboxRepository, OutboxRow } from '../../store/index.js';
import { describeStoreError } from '../../store/store-errors.js';
import type { Scheduled, Scheduler } from './scheduler.js';

/** Wait before claiming again after the database could not be written (a full disk). */
export const CLAIM_RETRY_MS = 1000;

export interface ClaimLoopDeps {
  readonly outbox: Pick<OutboxRepository, 'claim' | 'nextDueAt'>;
  readonly now: () => number;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  /** Takes one claimed row to its recorded settlement; its slot is free again when this resolves. Must not reject. */
  readonly deliver: (row: OutboxRow) => Promise<void>;
  /** A claim found nothing to do and nothing is in flight. */
  readonly onIdle: () => void;
}

export class ClaimLoop {
  private readonly concurrency: number;
  private isRunning = false;
  private inflight = 0;
  private pumping = false;
  private kickQueued = false;
  private readonly active = new Set<Promise<void>>();
  /** Wakes the loop when the earliest waiting row (a retry) becomes due. */
  private dueTimer: Scheduled | undefined;
  /** Set while claiming failed: the next attempt. */
  private retryTimer: Scheduled | undefined;

  constructor(
    private readonly deps: ClaimLoopDeps,
    options: { readonly concurrency: number },
  ) {
    this.concurrency = Math.max(1, options.concurrency);
  }

  get inFlight(): number {
    return this.inflight;
  }

  get running(): boolean {
    return this.isRunning;
  }

  start(): void {
    if (this.isRunning) return;
    this.isRunning = true;
    this.kick();
  }

  /** Stops claiming; rows in flight go on (await `drained()`). */
  halt(): void {
    this.isRunning = false;
    this.dueTimer?.cancel();
    this.dueTimer = undefined;
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
  }

  /** Resolves when the rows in flight now have been delivered. */
  async drained(): Promise<void> {
    await Promise.all([...this.active]);
  }

  /** Claims what is ready now instead of waiting for the timer (call after enqueueing). */
  kick(): void {
    if (!this.isRunning || this.pumping) return;
    this.pumping = true;
    try {
      this.pump();
    } catch (error) {
      // Claiming writes to the database; when that fails (a full disk), try again shortly.
      this.deps.logger.error('cannot take changes from the queue', { error: describeStoreError(error, undefined) });
      this.retryTimer ??= this.deps.scheduler.after(CLAIM_RETRY_MS, () => {
        this.retryTimer = undefined;
        this.kick();
      });
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Rows settled by one group commit finish one after another in the same microtask run: claim
   * for all of them at once (one write transaction) instead of once per row.
   */
  kickSoon(): void {
    if (this.kickQueued) return;
    this.kickQueued = true;
    queueMicrotask(() => {
      this.kickQueued = false;
      this.kick();
    });
  }

  private pump(): void {
    const free = this.concurrency - this.inflight;
    if (free <= 0) return;
    const now = this.deps.now();
    const rows = this.deps.outbox.claim(now, free);
    for (const row of rows) this.launch(row);
    // Nothing more is ready now: wake up when the earliest waiting row becomes due.
    if (rows.length < free) this.scheduleNextDue(now);
    if (this.inflight === 0) this.deps.onIdle();
  }

  private scheduleNextDue(now: number): void {
    this.dueTimer?.cancel();
    this.dueTimer = undefined;
    const due = this.deps.outbox.nextDueAt();
    if (due === undefined) return;
    // A retry due far in the future must not keep a finished process alive.
    this.dueTimer = this.deps.scheduler.after(
      Math.max(0, due - now),
      () => {
        this.dueTimer = undefined;
        this.kick();
      },
      { keepAlive: false },
    );
  }

  private launch(row: OutboxRow): void {
    this.inflight++;
    const task = this.deps.deliver(row).finally(() => {
      this.inflight--;
      this.active.delete(task);
      this.kickSoon();
    });
    this.active.add(task);
  }
}
