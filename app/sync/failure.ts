/**
 * Turns what a pascom call threw into a settlement: transient failures retry, permanent ones
 * become dead letters carrying pascom's reason, and a request never sent releases its row. The
 * pascom client's errors carry `retryable` and, for 429, `retryAfterMs` (app/pascom/errors.ts);
 * anything else is unexpected and retried.
 */
import type { Settlement } from './job.js';
import type { NewAuditEntry } from '../store/index.js';

interface FailureShape {
  readonly message?: unknown;
  readonly retryable?: unknown;
  readonly retryAfterMs?: unknown;
}

export function failureSettlement(error: unknown, audit: Omit<NewAuditEntry, 'result' | 'detail'>): Settlement {
  const shape: FailureShape = typeof error === 'object' && error !== null ? error : {};
  const message = typeof shape.message === 'string' ? shape.message : String(error);
  // Never sent (a stop came first): nothing happened that a retry or a tentative anchor must cover.
  if (isNotSent(error)) return { outcome: 'release', reason: message };
  if (shape.retryable === false) {
    return { outcome: 'dead', error: message, audit: { ...audit, result: 'failed', detail: message }, cause: error };
  }
  return {
    outcome: 'retry',
    error: message,
    retryAfterMs: typeof shape.retryAfterMs === 'number' ? shape.retryAfterMs : undefined,
  };
}

/** True for a request the connector dropped before it reached pascom (PascomNotSentError). */
export function isNotSent(error: unknown): boolean {
  return error instanceof Error && error.name === 'PascomNotSentError';
}

/** True for pascom's 409 (login or extension taken). */
export function isConflict(error: unknown): boolean {
  return error instanceof Error && error.name === 'PascomConflictError';
}

/** True for pascom's 409 naming `field` (e.g. the extension field). */
export function isConflictOn(error: unknown, field: string): boolean {
  return isConflict(error) && (error as { field?: unknown }).field === field;
}
