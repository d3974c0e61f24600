import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, backoffCeilingMs, backoffDelayMs } from '../../../app/core/backoff.js';

const options = { baseMs: 1000, capMs: 60_000 };
const always = (value: number) => (): number => value;

describe('backoffCeilingMs()', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [6, 32_000],
    [7, 60_000],
    [50, 60_000],
    [5000, 60_000],
  ])('doubles from the base and stops at the cap: attempt %i → %i ms', (attempt, expected) => {
    expect(backoffCeilingMs(attempt, options.baseMs, options.capMs)).toBe(expected);
  });

  it('never decreases from one attempt to the next', () => {
    const ceilings = Array.from({ length: 100 }, (_, i) => backoffCeilingMs(i + 1, 250, 30_000));
    for (let i = 1; i < ceilings.length; i += 1) expect(ceilings[i]).toBeGreaterThanOrEqual(ceilings[i - 1] ?? 0);
  });

  it.each([0, -3, Number.NaN])('treats attempt %s as the first', (attempt) => {
    expect(backoffCeilingMs(attempt, 1000, 60_000)).toBe(1000);
  });

  it('is zero, not NaN, for a zero base at a huge attempt', () => {
    expect(backoffCeilingMs(10_000, 0, 60_000)).toBe(0);
  });
});

describe('backoffDelayMs()', () => {
  it('stays within [0, ceiling] for any random value', () => {
    for (let attempt = 1; attempt <= 12; attempt += 1) {
      const ceiling = backoffCeilingMs(attempt, options.baseMs, options.capMs);
      for (const draw of [0, 0.25, 0.5, 0.999999]) {
        const delay = backoffDelayMs(attempt, options, always(draw));
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('is deterministic for a fixed random function', () => {
    expect(backoffDelayMs(4, options, always(0.5))).toBe(4000);
    expect(backoffDelayMs(4, options, always(0.5))).toBe(backoffDelayMs(4, options, always(0.5)));
  });

  it('never exceeds the cap without Retry-After', () => {
    expect(backoffDelayMs(40, options, always(0.999999))).toBeLessThanOrEqual(options.capMs);
  });

  it('clamps a random function that leaves [0, 1)', () => {
    expect(backoffDelayMs(1, options, always(7))).toBe(1000);
    expect(backoffDelayMs(1, options, always(-1))).toBe(0);
  });

  it('waits at least Retry-After even when the jitter draws less', () => {
    expect(backoffDelayMs(1, { ...options, retryAfterMs: 5000 }, always(0))).toBe(5000);
  });

  it('keeps the jittered delay when it is longer than Retry-After', () => {
    expect(backoffDelayMs(6, { ...options, retryAfterMs: 10 }, always(0.5))).toBe(16_000);
  });

  it('honours Retry-After above the cap', () => {
    expect(backoffDelayMs(1, { ...options, retryAfterMs: 120_000 }, always(0))).toBe(120_000);
  });

  it('honours Retry-After only up to ten minutes', () => {
    expect(backoffDelayMs(1, { ...options, retryAfterMs: 86_400_000 }, always(0))).toBe(MAX_RETRY_AFTER_MS);
  });

  it('rounds a fractional Retry-After up', () => {
    expect(backoffDelayMs(1, { ...options, retryAfterMs: 1500.2 }, always(0))).toBe(1501);
  });

  it('with equal jitter stays within [ceiling/2, ceiling], so no retry comes at once', () => {
    const equal = { ...options, jitter: 'equal' as const };
    for (let attempt = 1; attempt <= 12; attempt += 1) {
      const ceiling = backoffCeilingMs(attempt, options.baseMs, options.capMs);
      expect(backoffDelayMs(attempt, equal, always(0))).toBe(ceiling / 2);
      expect(backoffDelayMs(attempt, equal, always(0.999999))).toBe(ceiling);
    }
  });
});
