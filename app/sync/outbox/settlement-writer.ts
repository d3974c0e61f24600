/**
 * Writes one settlement to the store: the row's fate (gone, back after a backoff, back as it was,
 * dead) together
 * with the state change its handler asked for (anchor, audit entry). Runs inside the caller's
 * transaction, so a row is never marked delivered without its anchor, nor the other way round.
 */
import { backoffDelayMs } from '../../core/backoff.js';
import type { OutboxRow, Store } from '../../store/index.js';
import type { Settlement } from '../job.js';

export interface RetryBackoff {
  /** Backoff base and cap in ms. */
  readonly baseMs: number;
  readonly capMs: number;
  /** Jitter source in [0, 1). */
  readonly random: () => number;
}

export function writeSettlement(
  store: Pick<Store, 'anchors' | 'audit' | 'outbox'>,
  row: OutboxRow,
  settlement: Settlement,
  nowMs: number,
  backoff: RetryBackoff,
): void {
  switch (settlement.outcome) {
    case 'done': {
      const anchor = settlement.anchor;
      if (anchor !== undefined && 'save' in anchor) store.anchors.save(anchor.save, nowMs);
      if (anchor !== undefined && 'remove' in anchor) store.anchors.remove(anchor.remove);
      if (settlement.audit !== undefined) store.audit.record(settlement.audit, nowMs);
      store.outbox.complete(row);
      return;
    }
    case 'retry': {
      const delay = backoffDelayMs(
        row.attempts,
        { baseMs: backoff.baseMs, capMs: backoff.capMs, retryAfterMs: settlement.retryAfterMs },
        backoff.random,
      );
      if (settlement.anchor !== undefined) store.anchors.save(settlement.anchor.save, nowMs);
      store.outbox.retryLater(row.id, nowMs + delay, settlement.error);
      return;
    }
    case 'release':
      store.outbox.release(row.id);
      return;
    case 'dead':
      if (settlement.audit !== undefined) store.audit.record(settlement.audit, nowMs);
      store.outbox.markDead(row.id, settlement.error);
  }
}
