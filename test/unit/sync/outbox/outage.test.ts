/** Outage recovery: when pascom answers again after a quiet spell, the rows waiting out a backoff go out at once. */
import { describe, expect, it } from 'vitest';
import type { Settlement } from '../../../../app/sync/job.js';
import { OutageRecovery, RECOVERY_QUIET_MS } from '../../../../app/sync/outbox/outage.js';

const down: Settlement = { outcome: 'retry', error: 'connect ECONNREFUSED' };
const rateLimited: Settlement = { outcome: 'retry', error: '429', retryAfterMs: 30_000 };
const done: Settlement = { outcome: 'done' };
const dead: Settlement = { outcome: 'dead', error: 'pascom: invalid' };
const released: Settlement = { outcome: 'release', reason: 'not sent: the connector stopped' };
const settled = (id: number, settlement: Settlement) => ({ row: { id }, settlement });

/** An outage: the last success at `t0`, then rows 1 and 2 fail without a Retry-After. */
function afterOutage(t0 = 10_000): OutageRecovery {
  const outage = new OutageRecovery();
  outage.noteSettled([settled(9, done)], t0);
  outage.noteSettled([settled(1, down), settled(2, down)], t0 + 1000);
  return outage;
}

describe('OutageRecovery', () => {
  it('brings the rows waiting out a backoff forward on the first success after a quiet spell', () => {
    const outage = afterOutage();
    expect(outage.noteSettled([settled(3, done)], 10_000 + RECOVERY_QUIET_MS)).toEqual([1, 2]);
  });

  it('does not take a success within the quiet spell after the last one for the end of an outage', () => {
    const outage = afterOutage();
    expect(outage.noteSettled([settled(3, done)], 10_000 + RECOVERY_QUIET_MS - 1)).toEqual([]);
  });

  it('leaves rows alone that pascom told to wait with a Retry-After', () => {
    const outage = afterOutage();
    outage.noteSettled([settled(4, rateLimited)], 12_000);
    expect(outage.noteSettled([settled(3, done)], 20_000)).toEqual([1, 2]);
  });

  it('forgets a waiting row once it settles as delivered or dead', () => {
    const outage = afterOutage();
    outage.noteSettled([settled(1, dead)], 12_000);
    expect(outage.noteSettled([settled(2, done)], 20_000)).toEqual([]);
  });

  it('needs a new outage before it brings rows forward again', () => {
    const outage = afterOutage();
    outage.noteSettled([settled(3, done)], 20_000);
    outage.noteSettled([settled(5, down)], 20_001);
    expect(outage.noteSettled([settled(6, done)], 20_002)).toEqual([]);
  });

  it('keeps a waiting row released unsent at a stop among those to bring forward', () => {
    const outage = afterOutage();
    outage.noteSettled([settled(1, released)], 20_000);
    expect([outage.waiting, outage.noteSettled([settled(3, done)], 20_001)]).toEqual([2, [1, 2]]);
  });

  it('brings nothing forward when the row that failed is the one that now succeeds', () => {
    const outage = new OutageRecovery();
    outage.noteSettled([settled(1, down)], 1000);
    expect([outage.noteSettled([settled(1, done)], 1000 + RECOVERY_QUIET_MS), outage.waiting]).toEqual([[], 0]);
  });
});
