/**
 * Retries a read a few times when it fails transiently (network, 5xx, 429 with Retry-After),
 * so one lost packet does not abort a whole full sync. Writes never go through here: they go
 * through the outbox, which retries forever and durably.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelayMs } from '../core/backoff.js';

export interface ReadRetryOptions {
  /** Attempts in all, including the first (default 5). */
  readonly attempts?: number;
  readonly baseMs?: number;
  readonly capMs?: number;
  readonly random?: () => number;
}

function retryable(error: unknown): { retry: boolean; retryAfterMs: number | undefined } {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as {
    retryable?: unknown;
    retryAfterMs?: unknown;
  };
  return {
    retry: shape.retryable === true,
    retryAfterMs: typeof shape.retryAfterMs === 'number' ? shape.retryAfterMs : undefined,
  };
}

export async function withReadRetries<T>(read: () => Promise<T>, options: ReadRetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      const { retry, retryAfterMs } = retryable(error);
      if (!retry || attempt >= attempts) throw error;
      const delay = backoffDelayMs(
        attempt,
        { baseMs: options.baseMs ?? 200, capMs: options.capMs ?? 5000, retryAfterMs },
        options.random ?? Math.random,
      );
      await sleep(delay);
    }
  }
}
