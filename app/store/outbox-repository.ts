/**
 * The durable outbox: rows are claimed atomically, at most one
 * row per anchor is in flight and rows of one anchor run in insertion order, failed rows come
 * back after a backoff, and permanent failures stay visible as `dead` with their reason.
 * Every method is synchronous and meant to run inside the caller's transaction where the
 * caller changes other state too (enqueue with the cookie, settle with the anchor).
 */
import type { Db } from './db.js';

export type OutboxStatus = 'pending' | 'inflight' | 'dead';

export interface OutboxRow {
  readonly id: number;
  readonly uuid: string;
  readonly kind: string;
  readonly payload: string;
  readonly source: string;
  readonly runId: number | null;
  readonly status: OutboxStatus;
  readonly attempts: number;
  readonly availableAt: number;
  readonly createdAt: number;
  readonly lastError: string | null;
}

export interface NewOutboxItem {
  readonly uuid: string;
  readonly kind: string;
  readonly payload: unknown;
  /** Where it came from: `full-sync`, `syncrepl`, `translog`, `appcenter`, `poll`. */
  readonly source: string;
  readonly runId?: number | undefined;
  readonly priority?: number | undefined;
  /**
   * Replace the payload of a still-pending row of the same anchor and kind instead of adding a
   * row: a listener event carries the user's whole latest state, so older pending ones are moot.
   */
  readonly coalesce?: boolean | undefined;
}

export interface OutboxStats {
  readonly pending: number;
  readonly inflight: number;
  readonly dead: number;
  /** Creation time of the oldest row not yet delivered (pending or in flight), if any. */
  readonly oldestCreatedAt: number | undefined;
}

interface RawRow {
  id: number;
  uuid: string;
  kind: string;
  payload: string;
  source: string;
  run_id: number | null;
  status: OutboxStatus;
  attempts: number;
  available_at: number;
  created_at: number;
  last_error: string | null;
}

const COLUMNS = 'id, uuid, kind, payload, source, run_id, status, attempts, available_at, created_at, last_error';

function toRow(raw: RawRow): OutboxRow {
  return {
    id: raw.id,
    uuid: raw.uuid,
    kind: raw.kind,
    payload: raw.payload,
    source: raw.source,
    runId: raw.run_id,
    status: raw.status,
    attempts: raw.attempts,
    availableAt: raw.available_at,
    createdAt: raw.created_at,
    lastError: raw.last_error,
  };
}

export class OutboxRepository {
  private readonly insertStmt;
  private readonly coalesceStmt;
  private readonly claimStmt;
  private readonly deleteStmt;
  private readonly supersedeStmt;
  private readonly retryStmt;
  private readonly deadStmt;
  private readonly reviveStmt;
  private readonly releaseStmt;
  private readonly recoverStmt;
  private readonly statsStmt;
  private readonly listStmt;
  private readonly runOpenStmt;
  private readonly nextDueStmt;
  private readonly runDeadStmt;
  private readonly expediteStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO outbox (uuid, kind, payload, source, run_id, priority, available_at, created_at)
       VALUES (@uuid, @kind, @payload, @source, @runId, @priority, @at, @at)`,
    );
    // Only the newest undelivered row of the anchor may absorb the change, and only while it
    // waits: rewriting a row behind one of another kind would reorder the anchor's changes.
    this.coalesceStmt = db.prepare(
      `UPDATE outbox SET payload = @payload, source = @source, run_id = @runId
       WHERE id = (SELECT id FROM outbox WHERE uuid = @uuid AND status <> 'dead' ORDER BY id DESC LIMIT 1)
         AND status = 'pending' AND kind = @kind`,
    );
    // A row is ready when it is due and no earlier undelivered row of the same anchor exists
    // (earlier dead rows do not block: a newer change supersedes a failed one).
    this.claimStmt = db.prepare<{ now: number; limit: number }, RawRow>(
      `UPDATE outbox SET status = 'inflight', claimed_at = @now, attempts = attempts + 1
       WHERE id IN (
         SELECT o.id FROM outbox o
         WHERE o.status = 'pending' AND o.available_at <= @now
           AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.uuid = o.uuid AND p.id < o.id AND p.status <> 'dead')
         ORDER BY o.priority DESC, o.id LIMIT @limit)
       RETURNING ${COLUMNS}`,
    );
    this.deleteStmt = db.prepare('DELETE FROM outbox WHERE id = ?');
    this.supersedeStmt = db.prepare(`DELETE FROM outbox WHERE uuid = ? AND status = 'dead' AND id < ?`);
    this.retryStmt = db.prepare(
      `UPDATE outbox SET status = 'pending', available_at = @availableAt, last_error = @error WHERE id = @id`,
    );
    this.expediteStmt = db.prepare(
      `UPDATE outbox SET available_at = @now WHERE id = @id AND status = 'pending' AND available_at > @now`,
    );
    this.deadStmt = db.prepare(`UPDATE outbox SET status = 'dead', last_error = @error WHERE id = @id`);
    this.reviveStmt = db.prepare(
      `UPDATE outbox SET status = 'pending', attempts = 0, available_at = @now WHERE id = @id AND status = 'dead'`,
    );
    // Undoes the claim: the attempt did not happen, so it is not counted.
    this.releaseStmt = db.prepare(
      `UPDATE outbox SET status = 'pending', attempts = max(attempts - 1, 0) WHERE id = ? AND status = 'inflight'`,
    );
    this.recoverStmt = db.prepare(`UPDATE outbox SET status = 'pending' WHERE status = 'inflight'`);
    this.statsStmt = db.prepare<[], { status: OutboxStatus; n: number; oldest: number | null }>(
      `SELECT status, count(*) AS n, min(created_at) AS oldest FROM outbox GROUP BY status`,
    );
    this.listStmt = db.prepare<{ status: OutboxStatus; limit: number }, RawRow>(
      `SELECT ${COLUMNS} FROM outbox WHERE status = @status ORDER BY id LIMIT @limit`,
    );
    this.runOpenStmt = db.prepare<[number], { n: number }>(
      `SELECT count(*) AS n FROM outbox WHERE run_id = ? AND status <> 'dead'`,
    );
    this.runDeadStmt = db.prepare<[number], { n: number }>(
      `SELECT count(*) AS n FROM outbox WHERE run_id = ? AND status = 'dead'`,
    );
    this.nextDueStmt = db.prepare<[], { at: number | null }>(
      `SELECT min(available_at) AS at FROM outbox WHERE status = 'pending'`,
    );
  }

  enqueue(item: NewOutboxItem, atMs: number): void {
    const params = {
      uuid: item.uuid,
      kind: item.kind,
      payload: JSON.stringify(item.payload),
      source: item.source,
      runId: item.runId ?? null,
      priority: item.priority ?? 0,
      at: atMs,
    };
    if (item.coalesce === true && this.coalesceStmt.run(params).changes > 0) return;
    this.insertStmt.run(params);
  }

  /** Claims up to `limit` ready rows (at most one per anchor) and marks them in flight. */
  claim(nowMs: number, limit: number): OutboxRow[] {
    return this.claimStmt.all({ now: nowMs, limit }).map(toRow);
  }

  /**
   * Delivered: the row goes (the audit log keeps the history), and so do older dead letters of
   * the same anchor, which this newer state of the user supersedes.
   */
  complete(row: Pick<OutboxRow, 'id' | 'uuid'>): void {
    this.deleteStmt.run(row.id);
    this.supersedeStmt.run(row.uuid, row.id);
  }

  retryLater(id: number, availableAtMs: number, error: string): void {
    this.retryStmt.run({ id, availableAt: availableAtMs, error });
  }

  /** A claimed row whose attempt never reached pascom waits again as before the claim. */
  release(id: number): void {
    this.releaseStmt.run(id);
  }

  /** Makes a row waiting for its retry due now (pascom is back); false if it is not waiting. */
  expedite(id: number, nowMs: number): boolean {
    return this.expediteStmt.run({ id, now: nowMs }).changes > 0;
  }

  markDead(id: number, error: string): void {
    this.deadStmt.run({ id, error });
  }

  /** Puts a dead row back in the queue (the page's "retry"). Returns false if it was not dead. */
  revive(id: number, nowMs: number): boolean {
    return this.reviveStmt.run({ id, now: nowMs }).changes > 0;
  }

  /** Removes a dead row for good (the page's "discard"). */
  discard(id: number): boolean {
    return this.deleteStmt.run(id).changes > 0;
  }

  /** After a crash, rows left in flight were never settled: deliver them again (at least once). */
  recoverInflight(): number {
    return this.recoverStmt.run().changes;
  }

  stats(): OutboxStats {
    const counts = { pending: 0, inflight: 0, dead: 0 };
    let oldest: number | undefined;
    for (const row of this.statsStmt.all()) {
      counts[row.status] = row.n;
      if (row.status !== 'dead' && row.oldest !== null) oldest = Math.min(oldest ?? row.oldest, row.oldest);
    }
    return { ...counts, oldestCreatedAt: oldest };
  }

  list(status: OutboxStatus, limit = 100): OutboxRow[] {
    return this.listStmt.all({ status, limit }).map(toRow);
  }

  /** Rows of a run that are still to be delivered (pending or in flight). */
  openRowsOfRun(runId: number): number {
    return this.runOpenStmt.get(runId)?.n ?? 0;
  }

  /** Rows of a run that pascom refused for good (dead letters). */
  deadRowsOfRun(runId: number): number {
    return this.runDeadStmt.get(runId)?.n ?? 0;
  }

  /** When the earliest pending row becomes due, for the runner's timer. */
  nextDueAt(): number | undefined {
    return this.nextDueStmt.get()?.at ?? undefined;
  }
}
