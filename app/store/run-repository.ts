/** History of full-sync runs (simulate and import), shown by `status` and the page. */
import type { PlanSummary } from '../core/types.js';
import type { Db } from './db.js';

export type RunKind = 'simulate' | 'import';
export type RunStatus = 'running' | 'done' | 'blocked' | 'failed' | 'partial';

export interface RunRecord {
  readonly id: number;
  readonly kind: RunKind;
  /** `cli`, `schedule`, `admin:<user>`. */
  readonly trigger: string;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly status: RunStatus;
  readonly summary: PlanSummary | null;
  readonly error: string | null;
}

interface RawRun {
  id: number;
  kind: RunKind;
  trigger: string;
  started_at: number;
  finished_at: number | null;
  status: RunStatus;
  summary: string | null;
  error: string | null;
}

function toRecord(r: RawRun): RunRecord {
  return {
    id: r.id,
    kind: r.kind,
    trigger: r.trigger,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    summary: r.summary === null ? null : (JSON.parse(r.summary) as PlanSummary),
    error: r.error,
  };
}

export class RunRepository {
  private readonly startStmt;
  private readonly finishStmt;
  private readonly recentStmt;
  private readonly lastStmt;
  private readonly abandonStmt;

  constructor(db: Db) {
    this.startStmt = db.prepare(
      `INSERT INTO runs (kind, trigger, started_at, status) VALUES (@kind, @trigger, @at, 'running')`,
    );
    this.finishStmt = db.prepare(
      `UPDATE runs SET finished_at = @at, status = @status, summary = @summary, error = @error WHERE id = @id`,
    );
    this.recentStmt = db.prepare<{ limit: number }, RawRun>('SELECT * FROM runs ORDER BY id DESC LIMIT @limit');
    this.lastStmt = db.prepare<{ kind: RunKind }, RawRun>(
      `SELECT * FROM runs WHERE kind = @kind AND status <> 'running' ORDER BY id DESC LIMIT 1`,
    );
    this.abandonStmt = db.prepare(
      `UPDATE runs SET status = 'failed', finished_at = @at, error = 'interrupted (the process stopped during the run)'
       WHERE status = 'running'`,
    );
  }

  start(kind: RunKind, trigger: string, atMs: number): number {
    return Number(this.startStmt.run({ kind, trigger, at: atMs }).lastInsertRowid);
  }

  finish(
    id: number,
    status: RunStatus,
    summary: PlanSummary | undefined,
    error: string | undefined,
    atMs: number,
  ): void {
    this.finishStmt.run({
      id,
      at: atMs,
      status,
      summary: summary === undefined ? null : JSON.stringify(summary),
      error: error ?? null,
    });
  }

  recent(limit = 20): RunRecord[] {
    return this.recentStmt.all({ limit }).map(toRecord);
  }

  last(kind: RunKind): RunRecord | undefined {
    const row = this.lastStmt.get({ kind });
    return row === undefined ? undefined : toRecord(row);
  }

  /** At start-up: runs a crashed process left `running` are marked failed. */
  abandonRunning(atMs: number): number {
    return this.abandonStmt.run({ at: atMs }).changes;
  }
}
