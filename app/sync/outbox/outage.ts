/**
 * Notices the end of a pascom outage: rows that failed while pascom was down wait out a backoff
 * of up to a minute; once nothing was delivered for `quietMs` while rows failed, the first
 * success means pascom is back, and those rows should go out at once instead of after their
 * backoff. Rows told to wait by a Retry-After are not among them (pascom asked for the wait).
 */
import type { Settlement } from '../job.js';

/** No delivery for this long while rows failed: the next success ends an outage. */
export const RECOVERY_QUIET_MS = 5000;

export interface SettledRow {
  readonly row: { readonly id: number };
  readonly settlement: Settlement;
}

export class OutageRecovery {
  /** Rows waiting out a backoff after pascom failed without a Retry-After (down, 5xx, timeout). */
  private readonly backingOff = new Set<number>();
  private lastDoneAt = 0;
  private failedSinceDone = false;

  constructor(private readonly quietMs: number = RECOVERY_QUIET_MS) {}

  /** Rows currently waiting out such a backoff. */
  get waiting(): number {
    return this.backingOff.size;
  }

  /**
   * Takes note of recorded settlements (in the order they were recorded). Returns the rows to
   * make due now when these settlements show that an outage has ended; empty otherwise.
   */
  noteSettled(items: readonly SettledRow[], nowMs: number): number[] {
    let recovered = false;
    for (const { row, settlement } of items) {
      if (settlement.outcome === 'retry' && settlement.retryAfterMs === undefined) {
        this.backingOff.add(row.id);
        this.failedSinceDone = true;
        continue;
      }
      // A released row says nothing about pascom: it was never sent.
      if (settlement.outcome === 'release') continue;
      this.backingOff.delete(row.id);
      if (settlement.outcome !== 'done') continue;
      recovered ||= this.failedSinceDone && nowMs - this.lastDoneAt >= this.quietMs;
      this.lastDoneAt = nowMs;
      this.failedSinceDone = false;
    }
    if (!recovered || this.backingOff.size === 0) return [];
    const ids = [...this.backingOff];
    this.backingOff.clear();
    return ids;
  }
}
