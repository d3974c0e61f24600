/**
 * One outbox row through a handler step by step, as the runner would take it, with the moments
 * at-least-once delivery can repeat it: the row claimed again after its settlement was not
 * recorded (a crash, a full disk at stop), or a second row carrying the same change.
 */
import type { AnchorState } from '../../../../app/core/types.js';
import { Store, type OutboxRow } from '../../../../app/store/index.js';
import type { Settlement } from '../../../../app/sync/job.js';
import { writeSettlement } from '../../../../app/sync/outbox/settlement-writer.js';
import { MemoryPascom } from '../../../fixtures/memory-pascom.js';
import type { PascomRecord } from '../../../../app/core/types.js';

export class Delivery {
  readonly store = Store.open(':memory:');
  readonly pascom: MemoryPascom;
  nowMs = 1_700_000_000_000;

  constructor(pascom: readonly PascomRecord[] = [], anchors: readonly AnchorState[] = []) {
    this.pascom = new MemoryPascom(pascom);
    for (const anchor of anchors) this.store.anchors.save(anchor, this.nowMs - 60_000);
  }

  /** Queues a row and claims it (its first attempt). */
  enqueue(kind: string, uuid: string, payload: unknown): OutboxRow {
    this.store.outbox.enqueue({ uuid, kind, payload, source: 'test' }, this.nowMs);
    return this.claim();
  }

  /** The process stopped before the row's settlement was recorded: at the next start the row is claimed again. */
  restart(): OutboxRow {
    this.store.outbox.recoverInflight();
    return this.claim();
  }

  /** Records a settlement as the runner's commit does (row, anchor and audit in one transaction). */
  record(row: OutboxRow, settlement: Settlement): void {
    this.nowMs += 1000;
    this.store.transaction(() =>
      writeSettlement(this.store, row, settlement, this.nowMs, { baseMs: 0, capMs: 0, random: () => 0 }),
    );
    this.nowMs += 1000;
  }

  /** A row waiting out its retry is due now: claim it again. */
  retry(): OutboxRow {
    return this.claim();
  }

  anchor(uuid: string): AnchorState | undefined {
    return this.store.anchors.anchor(uuid);
  }

  lastAudit(): { action: string; result: string; detail: string | null } | undefined {
    const entry = this.store.audit.recent(1)[0];
    return entry === undefined ? undefined : { action: entry.action, result: entry.result, detail: entry.detail };
  }

  close(): void {
    this.store.close();
  }

  private claim(): OutboxRow {
    const row = this.store.outbox.claim(this.nowMs + 60_000, 1)[0];
    if (row === undefined) throw new Error('no row to claim');
    return row;
  }
}
