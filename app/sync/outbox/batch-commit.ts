/**
 * Group commit of settlements: those that arrive in the same turn of the event loop are written
 * in one transaction (one WAL write instead of one per row). While other rows are still in
 * flight, a commit waits briefly (`GROUP_COMMIT_WAIT_MS`, at most `GROUP_COMMIT_ROWS`) for them
 * to join: fewer, larger commits cost less CPU per row during a burst; a lone row is written at
 * once. When the database cannot be written
 * (a full disk), the batch is kept and written again after a backoff, so no settlement is lost
 * and none is written twice; each `settle` resolves only once its settlement is written.
 */
import { backoffCeilingMs } from '../../core/backoff.js';
import type { Logger } from '../../core/ports.js';
import { describeStoreError } from '../../store/store-errors.js';
import type { Scheduled, Scheduler } from './scheduler.js';

/** First wait before writing to the database again after a failure (doubling, capped). */
export const COMMIT_RETRY_MS = 1000;
export const COMMIT_RETRY_CAP_MS = 30_000;
export const GROUP_COMMIT_ROWS = 64;
export const GROUP_COMMIT_WAIT_MS = 10;

export interface BatchCommitDeps<T> {
  /** Writes all items in one transaction; throws, having written nothing, when the database cannot be written. */
  readonly write: (items: readonly T[]) => void;
  /** Called once per written batch, before the items' `settle` calls resolve. */
  readonly committed: (items: readonly T[]) => void;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  /** Rows being handled now, settled or not (the claim loop's count); default: none, so no waiting. */
  readonly inFlight?: (() => number) | undefined;
}

interface Pending<T> {
  readonly item: T;
  readonly done: () => void;
}

export class BatchCommit<T> {
  private batch: Pending<T>[] = [];
  private flushQueued = false;
  /** Set while a commit waits for rows still in flight to join it. */
  private groupTimer: Scheduled | undefined;
  /** Set while writes fail: the next attempt, after a backoff. */
  private retryTimer: Scheduled | undefined;
  private failures = 0;
  private stopping = false;

  constructor(private readonly deps: BatchCommitDeps<T>) {}

  /** Resolves once `item` is written (or, while stopping, once writing it was given up). */
  settle(item: T): Promise<void> {
    return new Promise((done) => {
      this.batch.push({ item, done });
      if (this.flushQueued || this.retryTimer !== undefined) return;
      const others = this.deps.inFlight?.() ?? 0;
      if (!this.stopping && this.batch.length < GROUP_COMMIT_ROWS && this.batch.length < others) {
        this.groupTimer ??= this.deps.scheduler.after(GROUP_COMMIT_WAIT_MS, () => {
          this.groupTimer = undefined;
          this.queueFlush();
        });
        return;
      }
      this.queueFlush();
    });
  }

  private queueFlush(): void {
    if (this.flushQueued || this.retryTimer !== undefined) return;
    this.flushQueued = true;
    this.deps.scheduler.soon(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  /** After a `stop()`: failed writes are retried again. */
  start(): void {
    this.stopping = false;
  }

  /**
   * Stopping: a batch waiting out a failure gets one last attempt now, not after its backoff, and
   * a batch that cannot be written from now on is given up (its rows stay in flight and are
   * delivered again at the next start, which the handlers make harmless).
   */
  stop(): void {
    this.stopping = true;
    if (this.groupTimer !== undefined) this.queueFlush();
    if (this.retryTimer === undefined) return;
    this.retryTimer.cancel();
    this.retryTimer = undefined;
    this.flush();
  }

  private flush(): void {
    this.groupTimer?.cancel();
    this.groupTimer = undefined;
    const pending = this.batch;
    this.batch = [];
    if (pending.length === 0) return;
    const items = pending.map((entry) => entry.item);
    try {
      this.deps.write(items);
    } catch (error) {
      this.failed(pending, error);
      return;
    }
    if (this.failures > 0) this.deps.logger.warn('the queue can be written again', { after: this.failures });
    this.failures = 0;
    this.deps.committed(items);
    for (const entry of pending) entry.done();
  }

  /** pascom has the changes, the database does not know yet: keep them and write again after a backoff. */
  private failed(pending: Pending<T>[], error: unknown): void {
    this.failures++;
    const message = describeStoreError(error, undefined);
    if (this.stopping) {
      this.deps.logger.error('stopping with deliveries not recorded; they are sent again at the next start', {
        rows: pending.length,
        error: message,
      });
      for (const entry of pending) entry.done();
      return;
    }
    this.batch = pending.concat(this.batch);
    const delay = backoffCeilingMs(this.failures, COMMIT_RETRY_MS, COMMIT_RETRY_CAP_MS);
    this.deps.logger.error('cannot record deliveries in the queue; retrying', {
      rows: this.batch.length,
      attempt: this.failures,
      retryInMs: delay,
      error: message,
    });
    this.retryTimer = this.deps.scheduler.after(delay, () => {
      this.retryTimer = undefined;
      this.flush();
    });
  }
}
