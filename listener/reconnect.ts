/**
 * Reconnect timing of the listener's sources: the shared backoff (app/core/backoff.ts) with
 * equal jitter, and an abortable sleep.
 */
import { setTimeout as delay } from 'node:timers/promises';

import { backoffDelayMs } from '../app/core/backoff.js';

export interface BackoffPolicy {
  /** First delay ceiling in ms. Default 100. */
  readonly baseMs: number;
  /** Largest delay in ms. Default 30 000. */
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 100, capMs: 30_000 };

/**
 * Delay before reconnect attempt `attempt` (0-based): "equal jitter", i.e. uniformly between half
 * and all of min(cap, base·2^attempt), so many listeners do not reconnect in step while none
 * retries at once. `random` returns a number in [0, 1).
 */
export function reconnectDelayMs(
  attempt: number,
  random: () => number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  return backoffDelayMs(attempt + 1, { baseMs: policy.baseMs, capMs: policy.capMs, jitter: 'equal' }, random);
}

/** Waits `ms`, or less when `signal` aborts. Never rejects. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export const realSleep: Sleep = async (ms, signal) => {
  if (signal.aborted) return;
  await delay(ms, undefined, { signal }).catch((error: unknown) => {
    if (!signal.aborted) throw error;
  });
};
