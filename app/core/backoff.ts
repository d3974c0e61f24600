/**
 * Retry delays, the one backoff of the connector: capped exponential backoff with jitter. The
 * delivery worker uses full jitter (delay drawn uniformly from [0, min(cap, base · 2^(attempt-1))]),
 * so many failing rows spread out instead of retrying in lock-step; the listener's reconnects use
 * equal jitter (listener/reconnect.ts).
 *
 * Retry-After: a delay pascom asks for is a floor, honoured even above `capMs` (pascom
 * knows its own load better than our cap does), but only up to MAX_RETRY_AFTER_MS so a
 * broken header cannot park a row for days. Pure: randomness is injected.
 */

export interface BackoffOptions {
  /** The ceiling of the first retry's delay. */
  readonly baseMs: number;
  /** No exponential delay exceeds this. */
  readonly capMs: number;
  /** From a 429/503 Retry-After; the result is never shorter (up to MAX_RETRY_AFTER_MS). */
  readonly retryAfterMs?: number | undefined;
  /**
   * `full` (default): uniformly in [0, ceiling]. `equal`: uniformly in [ceiling/2, ceiling], so
   * clients still spread out but none retries at once (a reconnect right after a loss is wasted).
   */
  readonly jitter?: 'full' | 'equal' | undefined;
}

/** 10 minutes: the longest Retry-After honoured. */
export const MAX_RETRY_AFTER_MS = 10 * 60 * 1000;

function nonNegative(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/** The un-jittered ceiling of attempt n (1-based): base · 2^(n-1), capped, without overflow. */
export function backoffCeilingMs(attempt: number, baseMs: number, capMs: number): number {
  const cap = nonNegative(capMs);
  const exponent = Math.max(0, Math.floor(Number.isFinite(attempt) ? attempt : 1) - 1);
  // 2^1023 is the largest finite power; beyond the cap it no longer matters anyway.
  return Math.min(cap, nonNegative(baseMs) * 2 ** Math.min(exponent, 1000));
}

/**
 * The delay before retry `attempt` (1 = the first retry). `random` returns [0, 1), like
 * Math.random; a fixed function makes the result deterministic.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = backoffCeilingMs(attempt, options.baseMs, options.capMs);
  const draw = Math.min(Math.max(random(), 0), 1);
  const jittered =
    options.jitter === 'equal' ? Math.round(ceiling / 2 + (ceiling * draw) / 2) : Math.floor(ceiling * draw);
  const floor = Math.ceil(Math.min(nonNegative(options.retryAfterMs ?? 0), MAX_RETRY_AFTER_MS));
  return Math.max(jittered, floor);
}
