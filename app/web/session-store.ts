/**
 * Sessions in memory with an idle expiry: one process serves the page, and a restart signing
 * everyone out is acceptable. Expired sessions are swept lazily on access (no timer keeps the
 * process alive). Replaces express-session's MemoryStore, which warns that it leaks.
 *
 * Bounded, least recently used first: every read, touch and write moves a session to the back,
 * and beyond the bound sessions without a signed-in user go before any signed-in one, so a flood
 * of visitors cannot sign an administrator out. (The page stores no session for an anonymous
 * request at all — csrf.ts — so anonymous ones here are only leftovers.)
 */
import session from 'express-session';
import type { SessionData } from 'express-session';

interface Held {
  readonly data: SessionData;
  expiresAt: number;
}

export interface MemorySessionStoreOptions {
  /** Idle lifetime in ms when the cookie carries none. */
  readonly ttlMs: number;
  /** Upper bound on live sessions; beyond it the least recently used go, anonymous ones first. Default 10 000. */
  readonly maxSessions?: number;
  readonly now?: () => number;
}

export class MemorySessionStore extends session.Store {
  /** Both in order of last use (Map keeps insertion order; a use re-inserts). */
  private readonly signedIn = new Map<string, Held>();
  private readonly anonymous = new Map<string, Held>();
  private readonly ttlMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;
  private lastSweep = 0;

  constructor(options: MemorySessionStoreOptions) {
    super();
    this.ttlMs = options.ttlMs;
    this.maxSessions = options.maxSessions ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    this.sweep();
    return this.signedIn.size + this.anonymous.size;
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    const held = this.take(sid);
    if (held === undefined || held.expiresAt <= this.now()) {
      callback(null, null);
      return;
    }
    this.place(sid, held);
    callback(null, structuredClone(held.data));
  }

  override set(sid: string, data: SessionData, callback?: (err?: unknown) => void): void {
    this.sweep();
    this.take(sid);
    this.place(sid, { data: structuredClone(data), expiresAt: this.expiry(data) });
    this.evict();
    callback?.();
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.take(sid);
    callback?.();
  }

  override touch(sid: string, data: SessionData, callback?: () => void): void {
    const held = this.take(sid);
    if (held !== undefined) {
      held.expiresAt = this.expiry(data);
      this.place(sid, held);
    }
    callback?.();
  }

  /** Removes the session from whichever map holds it. */
  private take(sid: string): Held | undefined {
    const held = this.signedIn.get(sid) ?? this.anonymous.get(sid);
    this.signedIn.delete(sid);
    this.anonymous.delete(sid);
    return held;
  }

  /** Puts the session at the back (most recently used) of its map. */
  private place(sid: string, held: Held): void {
    (held.data.user === undefined ? this.anonymous : this.signedIn).set(sid, held);
  }

  private evict(): void {
    while (this.signedIn.size + this.anonymous.size > this.maxSessions) {
      const from = this.anonymous.size > 0 ? this.anonymous : this.signedIn;
      const oldest = from.keys().next().value;
      if (oldest === undefined) break;
      from.delete(oldest);
    }
  }

  private expiry(data: SessionData): number {
    const maxAge = data.cookie?.maxAge;
    return this.now() + (typeof maxAge === 'number' && maxAge > 0 ? maxAge : this.ttlMs);
  }

  /** At most once a minute: drop every expired session. */
  private sweep(): void {
    const now = this.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const map of [this.signedIn, this.anonymous])
      for (const [sid, held] of map) if (held.expiresAt <= now) map.delete(sid);
  }
}
