/**
 * How often the outbox runner may try a row while pascom is down, derived from its backoff
 * (app/core/backoff.ts, "full jitter"): after failed attempt n the row waits a delay drawn
 * uniformly from [0, c_n], c_n = min(cap, base · 2^(n-1)). The runner uses its defaults,
 * base 500 ms and cap 60 s (OutboxRunner; `serve` does not override them).
 */
import { backoffCeilingMs } from '../../../app/core/backoff.js';

export const OUTBOX_BACKOFF = { baseMs: 500, capMs: 60_000 } as const;

const ceiling = (attempt: number): number => backoffCeilingMs(attempt, OUTBOX_BACKOFF.baseMs, OUTBOX_BACKOFF.capMs);

/**
 * The fewest attempts of a row first tried `ageMs` ago: every delay is at most its ceiling, so
 * after k failures the row was tried again no later than c_1 + … + c_k (plus `slackMs` for the
 * runner's own work) — e.g. 7 attempts once 0.5+1+2+4+8+16 = 31.5 s have passed.
 */
export function minAttempts(ageMs: number, slackMs: number): number {
  let attempts = 1;
  let elapsed = slackMs;
  while (elapsed + ceiling(attempts) <= ageMs) elapsed += ceiling(attempts++);
  return attempts;
}

/**
 * The most attempts any of `rows` rows may make within `windowMs`, except with a chance below
 * `risk`. N+1 attempts need the first N delays to sum to at most the window; for independent
 * uniform delays that chance is at most T^N / (N! · c_1 · … · c_N) (the simplex of volume
 * T^N/N! inside the box of the delays). The union bound over the rows gives the smallest N.
 * For a 60 s outage and a few hundred rows this is 19 (about 9 are expected).
 */
export function maxAttempts(windowMs: number, rows: number, risk = 1e-6): number {
  let logChance = 0;
  for (let n = 1; ; n++) {
    // log of T^n / (n! · c_1 · … · c_n), built up one factor at a time.
    logChance += Math.log(windowMs) - Math.log(n) - Math.log(ceiling(n));
    if (logChance <= Math.log(risk / Math.max(1, rows))) return n;
  }
}
