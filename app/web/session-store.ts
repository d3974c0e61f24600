/**
 * Sessions in memory with an idle expiry: one process serves the page, and a restart signing
 * everyone out is acceptable. Expired sessions are swept lazily on access (no timer keeps the
 * process alive). Replaces express-session's MemoryStore, which warns that it leaks.
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
  /** Upper bound on live sessions; the oldest are dropped beyond it. Default 10 000. */
  readonly maxSessions?: number;
  readonly now?: () => number;
}

export class MemorySessionStore extends session.Store {
  private readonly sessions = new Map<string, Held>();
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
    return this.sessions.size;
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    const held = this.sessions.get(sid);
    if (held === undefined || held.expiresAt <= this.now()) {
      this.sessions.delete(sid);
      callback(null, null);
      return;
    }
    callback(null, structuredClone(held.data));
  }

  override set(sid: string, data: SessionData, callback?: (err?: unknown) => void): void {
    this.sweep();
    this.sessions.delete(sid); // re-insert: Map order is then the order of last use
    this.sessions.set(sid, { data: structuredClone(data), expiresAt: this.expiry(data) });
    while (this.sessions.size > this.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    callback?.();
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.sessions.delete(sid);
    callback?.();
  }

  override touch(sid: string, data: SessionData, callback?: () => void): void {
    const held = this.sessions.get(sid);
    if (held !== undefined) held.expiresAt = this.expiry(data);
    callback?.();
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
    for (const [sid, held] of this.sessions) if (held.expiresAt <= now) this.sessions.delete(sid);
  }
}
