import { describe, expect, it } from 'vitest';

import { reconnectDelayMs, realSleep } from '../../../listener/reconnect.js';

describe('reconnectDelayMs()', () => {
  it.each([
    [0, 0, 50],
    [0, 0.999_999, 100],
    [1, 0, 100],
    [3, 0.5, 600],
    [8, 0, 12_800],
    [9, 0.999_999, 30_000],
    [50, 0, 15_000],
  ])(
    'waits, for attempt %i and random %f, %i ms (base 100 ms, cap 30 s, equal jitter)',
    (attempt, random, expected) => {
      expect(reconnectDelayMs(attempt, () => random)).toBe(expected);
    },
  );
});

describe('realSleep()', () => {
  it('returns early without an error when aborted', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const sleeping = realSleep(10_000, controller.signal);
    controller.abort();
    await expect(sleeping).resolves.toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
