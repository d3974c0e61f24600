/** The audit log: every change the connector made (or tried to make) to pascom. */
import type { Db } from './db.js';

export interface AuditEntry {
  readonly id: number;
  readonly at: number;
  /** Who caused it: `full-sync:<run>`, `listener:<source>`, `admin:<user>`, `cli`. */
  readonly actor: string;
  readonly runId: number | null;
  readonly uuid: string | null;
  readonly login: string | null;
  /** `create`, `update`, `rename`, `adopt`, `delete`, `forget`, or an admin action. */
  readonly action: string;
  readonly result: 'ok' | 'failed' | 'retry';
  /** Changed fields or pascom's reason; never a secret. */
  readonly detail: string | null;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at' | 'runId' | 'uuid' | 'login' | 'detail'> & {
  readonly runId?: number | undefined;
  readonly uuid?: string | undefined;
  readonly login?: string | undefined;
  readonly detail?: string | undefined;
};

interface RawAudit {
  id: number;
  at: number;
  actor: string;
  run_id: number | null;
  uuid: string | null;
  login: string | null;
  action: string;
  result: 'ok' | 'failed' | 'retry';
  detail: string | null;
}

export class AuditRepository {
  private readonly insertStmt;
  private readonly recentStmt;
  private readonly byRunStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO audit (at, actor, run_id, uuid, login, action, result, detail)
       VALUES (@at, @actor, @runId, @uuid, @login, @action, @result, @detail)`,
    );
    this.recentStmt = db.prepare<{ limit: number }, RawAudit>('SELECT * FROM audit ORDER BY id DESC LIMIT @limit');
    this.byRunStmt = db.prepare<{ runId: number }, { result: string; n: number }>(
      'SELECT result, count(*) AS n FROM audit WHERE run_id = @runId GROUP BY result',
    );
  }

  record(entry: NewAuditEntry, atMs: number): void {
    this.insertStmt.run({
      at: atMs,
      actor: entry.actor,
      runId: entry.runId ?? null,
      uuid: entry.uuid ?? null,
      login: entry.login ?? null,
      action: entry.action,
      result: entry.result,
      detail: entry.detail ?? null,
    });
  }

  recent(limit = 50): AuditEntry[] {
    return this.recentStmt.all({ limit }).map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      runId: r.run_id,
      uuid: r.uuid,
      login: r.login,
      action: r.action,
      result: r.result,
      detail: r.detail,
    }));
  }

  /** Counts of results recorded for a run: `{ok: n, failed: n, retry: n}`. */
  resultsOfRun(runId: number): Record<string, number> {
    return Object.fromEntries(this.byRunStmt.all({ runId }).map((r) => [r.result, r.n]));
  }
}
