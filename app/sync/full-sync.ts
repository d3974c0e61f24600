/**
 * Full sync: one code path builds
 * the plan; simulate stops there, import hands the same plan to the outbox
 * and waits for the runner to deliver it. Never two runs at once.
 */
import { PlanBuilder } from '../core/plan.js';
import type { Clock, DirectoryReader, Logger, PascomPort } from '../core/ports.js';
import type { SyncRules } from '../core/rules.js';
import type { Plan, PlanSummary } from '../core/types.js';
import type { RunRecord, Store } from '../store/index.js';
import { APPLY_KIND, isApplicable, type ApplyPayload } from './apply-op-handler.js';
import type { OutboxRunner, SettledEvent } from './outbox-runner.js';
import { withReadRetries } from './retry.js';

export class SyncBusyError extends Error {
  override readonly name = 'SyncBusyError';
  constructor() {
    super('a full sync is already running; wait for it to finish');
  }
}

export interface FullSyncDeps {
  readonly directory: DirectoryReader;
  readonly pascom: Pick<PascomPort, 'listIdentities'>;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly rules: () => SyncRules;
}

export interface ImportProgress {
  readonly total: number;
  readonly settled: number;
  readonly failed: number;
}

export interface ImportResult {
  readonly runId: number;
  readonly plan: Plan;
  /** `done`: everything delivered; `blocked`: deletes over the threshold; `partial`: some failed or still queued. */
  readonly status: 'done' | 'blocked' | 'partial';
  readonly delivered: number;
  readonly failed: number;
  /** Changes still queued when the wait ended (pascom unavailable); `serve` keeps retrying them. */
  readonly queued: number;
  /** Set when the import was refused because its plan deletes more than the reviewed one (`maxDeletes`). */
  readonly refused?: { readonly deletes: number; readonly reviewed: number } | undefined;
}

export interface ImportOptions {
  readonly trigger: string;
  readonly confirmDeletes: boolean;
  /** How long to wait for delivery before handing the rest to the background runner. */
  readonly waitMs: number;
  readonly onProgress?: ((progress: ImportProgress) => void) | undefined;
  /** Drains the queue; when absent (another process serves), the import only waits for it. */
  readonly runner: OutboxRunner | undefined;
  /**
   * The deletes of the plan the admin reviewed (a Simulate run). The import plans again; when
   * the new plan deletes more than this, nothing is applied: the directory changed in between.
   */
  readonly maxDeletes?: number | undefined;
}

const DAY_MS = 86_400_000;

export class FullSync {
  private busy = false;

  constructor(private readonly deps: FullSyncDeps) {}

  get running(): boolean {
    return this.busy;
  }

  /** Reads both sides and plans; changes nothing but the run history. */
  async simulate(trigger: string, confirmDeletes = false): Promise<{ runId: number; plan: Plan }> {
    return this.exclusive(async () => {
      const runId = this.deps.store.runs.start('simulate', trigger, this.now());
      try {
        const plan = await this.plan(confirmDeletes);
        this.deps.store.runs.finish(runId, plan.blocked ? 'blocked' : 'done', plan.summary, undefined, this.now());
        this.deps.logger.info('simulate finished', { run: runId, trigger, ...plan.summary });
        return { runId, plan };
      } catch (error) {
        this.deps.store.runs.finish(runId, 'failed', undefined, messageOf(error), this.now());
        throw error;
      }
    });
  }

  async import(options: ImportOptions): Promise<ImportResult> {
    return this.exclusive(async () => {
      const { store } = this.deps;
      const runId = store.runs.start('import', options.trigger, this.now());
      try {
        const plannedAt = this.now();
        const plan = await this.plan(options.confirmDeletes);
        if (options.maxDeletes !== undefined && plan.summary.delete > options.maxDeletes) {
          const refused = { deletes: plan.summary.delete, reviewed: options.maxDeletes };
          const reason = `the plan now deletes ${refused.deletes} identities, the reviewed simulation ${refused.reviewed}; nothing was changed. Simulate again and review the deletes`;
          store.runs.finish(runId, 'blocked', plan.summary, reason, this.now());
          this.deps.logger.warn('import refused', { run: runId, trigger: options.trigger, reason });
          return { runId, plan, status: 'blocked', delivered: 0, failed: 0, queued: 0, refused };
        }
        if (plan.blocked !== undefined) {
          store.runs.finish(runId, 'blocked', plan.summary, blockedMessage(plan), this.now());
          this.deps.logger.warn('import blocked', {
            run: runId,
            trigger: options.trigger,
            reason: blockedMessage(plan),
          });
          return { runId, plan, status: 'blocked', delivered: 0, failed: 0, queued: 0 };
        }
        const total = this.enqueue(runId, plan, plannedAt);
        await this.awaitDelivery(runId, total, options);
        // The queue is the truth, whoever delivered: count from it, not from events.
        const queued = store.outbox.openRowsOfRun(runId);
        const failed = store.outbox.deadRowsOfRun(runId);
        const status = failed === 0 && queued === 0 ? 'done' : 'partial';
        store.runs.finish(runId, status, plan.summary, undefined, this.now());
        const delivered = total - queued - failed;
        this.deps.logger.info('import finished', {
          run: runId,
          trigger: options.trigger,
          status,
          delivered,
          failed,
          queued,
          ...plan.summary,
        });
        return { runId, plan, status, delivered, failed, queued };
      } catch (error) {
        store.runs.finish(runId, 'failed', undefined, messageOf(error), this.now());
        this.deps.logger.error('import failed', { run: runId, trigger: options.trigger, error: messageOf(error) });
        throw error;
      }
    });
  }

  lastRun(kind: 'simulate' | 'import'): RunRecord | undefined {
    return this.deps.store.runs.last(kind);
  }

  /** Each user is mapped as it arrives from LDAP (PlanBuilder), while pascom's list is read alongside. */
  private async plan(confirmDeletes: boolean): Promise<Plan> {
    const anchors = this.deps.store.anchors.allAnchors();
    const rules = this.deps.rules();
    const todayDays = Math.floor(this.now() / DAY_MS);
    const [builder, identities] = await Promise.all([
      withReadRetries(async () => {
        // A retried read starts over with a fresh builder: no user is counted twice.
        const fresh = new PlanBuilder(anchors, rules, todayDays);
        await this.deps.directory.forEachEnabledUser((user) => fresh.add(user));
        return fresh;
      }),
      withReadRetries(() => this.deps.pascom.listIdentities()),
    ]);
    return builder.finish(identities, confirmDeletes);
  }

  /** One transaction: every change of the plan is queued, or none is. Returns how many. */
  private enqueue(runId: number, plan: Plan, plannedAt: number): number {
    const { store } = this.deps;
    const now = this.now();
    const actor = `full-sync:${runId}`;
    let total = 0;
    store.transaction(() => {
      for (const op of plan.operations) {
        if (isApplicable(op)) {
          const payload: ApplyPayload = { op, actor, plannedAt };
          store.outbox.enqueue({ uuid: op.uuid, kind: APPLY_KIND, payload, source: 'full-sync', runId }, now);
          total++;
        } else if (op.kind === 'unchanged') {
          // Nothing to send, but the listener diffs against the stored record: keep it current.
          const anchor = store.anchors.anchor(op.uuid);
          if (anchor !== undefined && JSON.stringify(anchor.record) !== JSON.stringify(op.record)) {
            store.anchors.save({ ...anchor, dn: op.dn, record: op.record }, now);
          }
        }
      }
    });
    return total;
  }

  /** Resolves when every row of the run is settled (delivered or dead), or at the deadline. */
  private async awaitDelivery(runId: number, total: number, options: ImportOptions): Promise<void> {
    let settled = 0;
    let failed = 0;
    const report = (): void => options.onProgress?.({ total, settled, failed });
    report();
    if (total === 0) return;
    const runner = options.runner;
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(deadline);
        clearInterval(poll);
        runner?.off('settled', onSettled);
        resolve();
      };
      const onSettled = ({ row, settlement }: SettledEvent): void => {
        if (row.runId !== runId || settlement.outcome === 'retry' || settlement.outcome === 'release') return;
        settled++;
        if (settlement.outcome === 'dead') failed++;
        report();
        if (settled >= total) finish();
      };
      // Without a local runner another process delivers: watch the queue instead.
      const poll = setInterval(() => {
        if (runner === undefined && this.deps.store.outbox.openRowsOfRun(runId) === 0) finish();
      }, 200);
      const deadline = setTimeout(finish, options.waitMs);
      runner?.on('settled', onSettled);
      runner?.kick();
    });
  }

  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.busy) throw new SyncBusyError();
    this.busy = true;
    try {
      return await fn();
    } finally {
      this.busy = false;
    }
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }
}

export function blockedMessage(plan: Plan): string {
  const blocked = plan.blocked;
  if (blocked === undefined) return '';
  return (
    `the plan deletes ${blocked.deletes} identities, more than deletes.maxPerRun (${blocked.maxPerRun}); ` +
    'nothing was changed. Check the deletes, then confirm them (import --confirm-deletes)'
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export type { PlanSummary };
