/**
 * Drains the outbox: the claim loop hands out ready rows (at most one per anchor), the job
 * registry checks each payload and runs its handler, the batch commit records the settlements
 * together with their state changes, and outage recovery brings waiting rows forward when pascom
 * answers again. Transient failures come back after capped exponential backoff with jitter
 * (honouring Retry-After); permanent ones become dead letters with the reason.
 */
import { EventEmitter } from 'node:events';
import type { Clock, Logger } from '../core/ports.js';
import type { OutboxRow, Store } from '../store/index.js';
import { describeStoreError } from '../store/store-errors.js';
import type { Settlement } from './job.js';
import { BatchCommit } from './outbox/batch-commit.js';
import { ClaimLoop } from './outbox/claim-loop.js';
import type { JobRegistry } from './outbox/job-registry.js';
import { OutageRecovery } from './outbox/outage.js';
import { systemScheduler, type Scheduler } from './outbox/scheduler.js';
import { writeSettlement, type RetryBackoff } from './outbox/settlement-writer.js';

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
  readonly jobs: JobRegistry;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: Logger;
  /** Timers (default: Node's). */
  readonly scheduler?: Scheduler | undefined;
  /**
   * On stop: fails the requests that wait for a free connection to pascom, unsent, and returns
   * how many; their rows settle as `release`. Default: none (a stop waits for every row).
   */
  readonly abandonQueued?: (() => number) | undefined;
}

export class OutboxRunner extends EventEmitter<{ settled: [SettledEvent]; idle: [] }> {
  private readonly claims: ClaimLoop;
  private readonly commits: BatchCommit<SettledEvent>;
  private readonly outage = new OutageRecovery();
  private readonly backoff: RetryBackoff;

  constructor(
    private readonly deps: OutboxRunnerDeps,
    options: OutboxRunnerOptions,
  ) {
    super();
    const scheduler = deps.scheduler ?? systemScheduler;
    this.backoff = {
      baseMs: options.backoffBaseMs ?? 500,
      capMs: options.backoffCapMs ?? 60_000,
      random: deps.random,
    };
    this.claims = new ClaimLoop(
      {
        outbox: deps.store.outbox,
        now: () => this.nowMs(),
        scheduler,
        logger: deps.logger,
        deliver: (row) => this.deliver(row),
        onIdle: () => this.emit('idle'),
      },
      { concurrency: options.concurrency },
    );
    this.commits = new BatchCommit<SettledEvent>({
      write: (items) => this.write(items),
      committed: (items) => this.committed(items),
      scheduler,
      logger: deps.logger,
      // A row counts until its settlement is written, so a settled row waits only for others.
      inFlight: () => this.claims.inFlight,
    });
  }

  /** Starts draining; rows a crashed process left in flight are delivered again first. */
  start(): void {
    if (this.claims.running) return;
    const recovered = this.deps.store.outbox.recoverInflight();
    if (recovered > 0)
      this.deps.logger.warn('outbox rows left in flight by a stopped process are retried', { recovered });
    this.commits.start();
    this.claims.start();
  }

  /**
   * Stops claiming, releases the rows whose requests were not sent yet, waits for the rows in
   * flight to settle (drain), then resolves.
   */
  async stop(): Promise<void> {
    this.claims.halt();
    this.commits.stop();
    const released = this.deps.abandonQueued?.() ?? 0;
    if (released > 0)
      this.deps.logger.info('stopping: changes not sent yet wait in the queue for the restart', { rows: released });
    await this.claims.drained();
  }

  /** Call after enqueueing: claims immediately instead of waiting for the timer. */
  kick(): void {
    this.claims.kick();
  }

  get inFlight(): number {
    return this.claims.inFlight;
  }

  private nowMs(): number {
    return this.deps.clock.now().getTime();
  }

  private async deliver(row: OutboxRow): Promise<void> {
    let settlement: Settlement;
    try {
      settlement = await this.deps.jobs.run(row);
    } catch (error) {
      // A handler bug must not lose the row or stop the runner: retry it, loudly.
      this.deps.logger.error('outbox handler threw; the row will be retried', {
        id: row.id,
        kind: row.kind,
        error: String(error),
      });
      settlement = { outcome: 'retry', error: `internal error: ${String(error)}` };
    }
    await this.commits.settle({ row, settlement });
  }

  /** The batch's settlements in one transaction; throws (changing nothing) when the database cannot be written. */
  private write(items: readonly SettledEvent[]): void {
    const now = this.nowMs();
    const { store } = this.deps;
    store.transaction(() => {
      for (const { row, settlement } of items) writeSettlement(store, row, settlement, now, this.backoff);
    });
  }

  private committed(items: readonly SettledEvent[]): void {
    this.bringForward(this.outage.noteSettled(items, this.nowMs()));
    for (const item of items) {
      this.report(item);
      this.emit('settled', item);
    }
  }

  /** pascom answers again after an outage: the rows waiting out their backoff are due now. */
  private bringForward(ids: readonly number[]): void {
    if (ids.length === 0) return;
    const { store } = this.deps;
    const now = this.nowMs();
    try {
      store.transaction(() => ids.forEach((id) => store.outbox.expedite(id, now)));
      this.deps.logger.info('pascom answers again: the waiting changes are sent now', { rows: ids.length });
      this.claims.kickSoon();
    } catch (error) {
      // Not worth more than a line: the rows keep their backoff and go out when it ends.
      this.deps.logger.warn('could not bring the waiting changes forward', {
        error: describeStoreError(error, undefined),
      });
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
