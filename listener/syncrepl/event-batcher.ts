/**
 * Groups sync events into sink calls. Events from one socket read arrive synchronously; the
 * batcher flushes with setImmediate, i.e. once the read buffer is drained, so a burst of 10 000
 * entries becomes a few sink calls while a lone change is handed over at once. Sink calls never
 * overlap and keep the wire order. Above `highWater` queued events it pauses the socket.
 */
import type { SyncSinkEvent } from './refresh-tracker.js';

/** Makes `events` durable together with `cookie` (undefined: keep the stored cookie), in one transaction. */
export type SyncSink = (events: readonly SyncSinkEvent[], cookie: string | undefined) => Promise<void>;

export interface FlowControl {
  pause(): void;
  resume(): void;
}

export class EventBatcher {
  private pending: SyncSinkEvent[] = [];
  private pendingCookie: string | undefined;
  private scheduled = false;
  private flushing: Promise<void> | undefined;
  private paused = false;
  private failed = false;

  constructor(
    private readonly sink: SyncSink,
    private readonly flow: FlowControl,
    private readonly onFailure: (error: unknown) => void,
    private readonly highWater = 10_000,
  ) {}

  add(events: readonly SyncSinkEvent[], cookie: string | undefined): void {
    if (this.failed || (events.length === 0 && cookie === undefined)) return;
    this.pending.push(...events);
    if (cookie !== undefined) this.pendingCookie = cookie;
    if (this.pending.length >= this.highWater && !this.paused) {
      this.paused = true;
      this.flow.pause();
    }
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  /** Resolves when everything added so far has reached the sink (or the sink failed). */
  async drain(): Promise<void> {
    while (!this.failed && (this.flushing !== undefined || this.hasPending())) await this.flush();
  }

  private flush(): Promise<void> {
    this.flushing ??= this.flushLoop().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async flushLoop(): Promise<void> {
    while (!this.failed && this.hasPending()) {
      const events = this.pending;
      const cookie = this.pendingCookie;
      this.pending = [];
      this.pendingCookie = undefined;
      try {
        await this.sink(events, cookie);
      } catch (error) {
        // Later events must not overtake the failed ones: drop them; the caller reconnects from the stored cookie.
        this.failed = true;
        this.pending = [];
        this.onFailure(error);
      }
      if (this.paused && this.pending.length < this.highWater / 2) {
        this.paused = false;
        this.flow.resume();
      }
    }
  }

  private hasPending(): boolean {
    return this.pending.length > 0 || this.pendingCookie !== undefined;
  }
}
