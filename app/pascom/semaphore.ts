/** Bounds how many requests are in flight; waiters are served first come, first served. */
export class Semaphore {
  private active = 0;
  private waiting: (Waiter | undefined)[] = [];
  private head = 0;

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`concurrency must be a positive integer, got ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /** Tasks waiting for a slot (not yet started). */
  get queued(): number {
    return this.waiting.length - this.head;
  }

  /**
   * Fails every task still waiting for a slot with `reason()`, without running it; the tasks
   * running now go on. Returns how many were failed.
   */
  rejectWaiting(reason: () => Error): number {
    const waiters = this.waiting.slice(this.head);
    this.waiting = [];
    this.head = 0;
    for (const waiter of waiters) waiter?.reject(reason());
    return waiters.length;
  }

  private acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Hands the slot straight to the next waiter, so `active` never dips and lets a newcomer jump the queue. */
  private release(): void {
    const next = this.waiting[this.head];
    if (next === undefined) {
      this.active -= 1;
      return;
    }
    this.waiting[this.head] = undefined;
    this.head += 1;
    // Compact now and then: an index instead of shift() keeps a 10,000-deep queue O(1) per release.
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
    next.resolve();
  }
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}
