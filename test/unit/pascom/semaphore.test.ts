import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../../app/pascom/semaphore.js';

/** A task that finishes when the test says so. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('Semaphore', () => {
  it('runs at most `limit` tasks at once and starts waiters in arrival order', async () => {
    const semaphore = new Semaphore(2);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const runs = gates.map((g, i) => semaphore.run(async () => (started.push(i), await g.promise, i)));
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    gates[1]?.open();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    for (const g of gates) g.open();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('frees the slot when a task throws', async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await semaphore.run(() => Promise.resolve('next'))).toBe('next');
  });

  it('serves a queue deeper than its compaction threshold', async () => {
    const semaphore = new Semaphore(1);
    const order: number[] = [];
    await Promise.all(Array.from({ length: 3000 }, (_, i) => semaphore.run(async () => void order.push(i))));
    expect(order).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });

  it('fails the waiting tasks without running them and lets the running ones finish', async () => {
    const semaphore = new Semaphore(1);
    const running = gate();
    const started: number[] = [];
    const runs = [0, 1, 2].map((i) => semaphore.run(async () => (started.push(i), await running.promise, i)));
    await Promise.resolve();
    expect(semaphore.queued).toBe(2);

    expect(semaphore.rejectWaiting(() => new Error('stopping'))).toBe(2);

    await expect(runs[1]).rejects.toThrow('stopping');
    await expect(runs[2]).rejects.toThrow('stopping');
    running.open();
    expect(await runs[0]).toBe(0);
    expect(started).toEqual([0]);
    expect(semaphore.queued).toBe(0);
  });

  it('hands out slots as before after failing its waiters', async () => {
    const semaphore = new Semaphore(1);
    const first = gate();
    const held = semaphore.run(() => first.promise);
    const dropped = semaphore.run(() => Promise.resolve('never'));
    semaphore.rejectWaiting(() => new Error('stopping'));
    await expect(dropped).rejects.toThrow('stopping');
    const later = semaphore.run(() => Promise.resolve('later'));
    first.open();
    await held;
    expect(await later).toBe('later');
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a limit of %s', (limit) => {
    expect(() => new Semaphore(limit)).toThrow(RangeError);
  });
});
