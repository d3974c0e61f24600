/** Writing a settlement: the row's fate and its state change land together. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnchorState } from '../../../../app/core/types.js';
import { Store, type OutboxRow } from '../../../../app/store/index.js';
import type { Settlement } from '../../../../app/sync/job.js';
import { writeSettlement } from '../../../../app/sync/outbox/settlement-writer.js';

const NOW = 1_000_000;
const BACKOFF = { baseMs: 1000, capMs: 60_000, random: () => 0.5 };
const anchor: AnchorState = { uuid: 'u-1', login: 'anna', dn: 'uid=anna', record: { '003use_name': 'anna' } };

let store: Store;
beforeEach(() => {
  store = Store.open(':memory:');
});
afterEach(() => store.close());

/** Enqueues a row for `u-1` and claims it `attempts` times (failing it in between). */
function claimed(attempts = 1): OutboxRow {
  store.outbox.enqueue({ uuid: 'u-1', kind: 'job', payload: 1, source: 'test' }, 0);
  for (let i = 1; ; i++) {
    const row = store.outbox.claim(NOW, 1)[0];
    if (row === undefined) throw new Error('nothing to claim');
    if (i === attempts) return row;
    store.outbox.retryLater(row.id, 0, 'failed');
  }
}

const write = (row: OutboxRow, settlement: Settlement): void => writeSettlement(store, row, settlement, NOW, BACKOFF);

describe('writeSettlement()', () => {
  it('removes a delivered row and stores its anchor and audit entry', () => {
    write(claimed(), {
      outcome: 'done',
      anchor: { save: anchor },
      audit: { actor: 'test', uuid: 'u-1', login: 'anna', action: 'create', result: 'ok', detail: '' },
    });
    expect([
      store.outbox.stats().inflight,
      store.anchors.anchor('u-1')?.login,
      store.audit.recent(1)[0]?.action,
    ]).toEqual([0, 'anna', 'create']);
  });

  it('forgets the anchor of a delivered delete', () => {
    store.anchors.save(anchor, 0);
    write(claimed(), { outcome: 'done', anchor: { remove: 'u-1' } });
    expect(store.anchors.anchor('u-1')).toBeUndefined();
  });

  it('brings a failed row back after the jittered backoff of its attempt', () => {
    write(claimed(3), { outcome: 'retry', error: 'HTTP 503' });
    expect(store.outbox.list('pending')[0]).toMatchObject({ availableAt: NOW + 2000, lastError: 'HTTP 503' });
  });

  it('waits at least as long as pascom asked with Retry-After', () => {
    write(claimed(), { outcome: 'retry', error: '429', retryAfterMs: 30_000 });
    expect(store.outbox.list('pending')[0]?.availableAt).toBe(NOW + 30_000);
  });

  it('keeps the tentative anchor of a retry whose outcome is unknown', () => {
    write(claimed(), { outcome: 'retry', error: 'timeout', anchor: { save: { ...anchor, tentativeFrom: '' } } });
    expect(store.anchors.anchor('u-1')?.tentativeFrom).toBe('');
  });

  it('puts a row whose request was never sent back as it was before the claim', () => {
    const before = claimed(2);
    write(before, { outcome: 'release', reason: 'not sent: the connector stopped' });
    expect(store.outbox.list('pending')[0]).toMatchObject({
      id: before.id,
      attempts: 1,
      availableAt: 0,
      lastError: 'failed',
    });
  });

  it('lists a refused row as dead with its reason', () => {
    write(claimed(), { outcome: 'dead', error: 'pascom rejected the identity' });
    expect(store.outbox.list('dead').map((row) => row.lastError)).toEqual(['pascom rejected the identity']);
  });
});
