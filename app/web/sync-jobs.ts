/**
 * Full-sync runs started from the page. Simulation plans are kept in memory (the last few) so
 * the result page can filter them; imports run in the background (the request only starts
 * them) and report progress for polling.
 */
import type { Plan } from '../core/types.js';
import type { WebServices } from './deps.js';
import { SyncBusyError, type ImportProgress, type ImportResult } from '../sync/full-sync.js';

const KEPT_PLANS = 4;
/** How long an import waits for delivery before leaving the rest to the background runner. */
const IMPORT_WAIT_MS = 10 * 60_000;

export interface ImportJob {
  readonly id: number;
  readonly user: string;
  state: 'planning' | 'delivering' | 'finished' | 'failed';
  progress: ImportProgress;
  result: Pick<ImportResult, 'status' | 'delivered' | 'failed' | 'queued' | 'runId' | 'refused'> | undefined;
  error: string | undefined;
}

export class SyncJobs {
  private readonly plans = new Map<number, Plan>();
  private readonly imports = new Map<number, ImportJob>();
  private nextImportId = 1;

  /** Runs a simulation (reads UCS and pascom; changes nothing) and keeps its plan. */
  async simulate(app: WebServices, user: string, confirmDeletes = false): Promise<number> {
    const { runId, plan } = await app.fullSync.simulate(`admin:${user}`, confirmDeletes);
    this.keep(runId, plan);
    return runId;
  }

  private keep(runId: number, plan: Plan): void {
    this.plans.set(runId, plan);
    for (const key of this.plans.keys()) if (this.plans.size > KEPT_PLANS) this.plans.delete(key);
  }

  plan(runId: number): Plan | undefined {
    return this.plans.get(runId);
  }

  /**
   * The plan the admin reviewed, as far as the import must keep to it: its deletes. From the kept
   * plan, else from the run history (the page was left open across a restart); undefined when
   * the run is unknown or was no plan (a failed run).
   */
  reviewedDeletes(app: WebServices, runId: number): number | undefined {
    const kept = this.plans.get(runId);
    if (kept !== undefined) return kept.summary.delete;
    const run = app.store.runs.recent(50).find((candidate) => candidate.id === runId);
    return run?.summary?.delete ?? undefined;
  }

  /**
   * Starts an import in the background; throws SyncBusyError at once when a run is going on.
   * `maxDeletes` binds it to the reviewed plan: an import whose fresh plan deletes more is
   * refused, and that plan is kept under the import's run id for review.
   */
  startImport(app: WebServices, user: string, confirmDeletes: boolean, maxDeletes: number): ImportJob {
    if (app.fullSync.running) throw new SyncBusyError();
    const job: ImportJob = {
      id: this.nextImportId++,
      user,
      state: 'planning',
      progress: { total: 0, settled: 0, failed: 0 },
      result: undefined,
      error: undefined,
    };
    this.imports.set(job.id, job);
    for (const key of this.imports.keys()) if (this.imports.size > KEPT_PLANS) this.imports.delete(key);
    app.fullSync
      .import({
        trigger: `admin:${user}`,
        confirmDeletes,
        maxDeletes,
        waitMs: IMPORT_WAIT_MS,
        runner: app.runner,
        onProgress: (progress) => {
          job.state = 'delivering';
          job.progress = progress;
        },
      })
      .then((result) => {
        job.result = {
          status: result.status,
          delivered: result.delivered,
          failed: result.failed,
          queued: result.queued,
          runId: result.runId,
          refused: result.refused,
        };
        if (result.refused !== undefined) this.keep(result.runId, result.plan);
        job.state = 'finished';
        app.logger.info('import from the admin page finished', {
          user,
          status: result.status,
          delivered: result.delivered,
          failed: result.failed,
        });
      })
      .catch((error: unknown) => {
        job.error = error instanceof Error ? error.message : String(error);
        job.state = 'failed';
        app.logger.warn('import from the admin page failed', { user, error: job.error });
      });
    return job;
  }

  importJob(id: number): ImportJob | undefined {
    return this.imports.get(id);
  }
}
