/** Bounds how many requests are in flight; waiters are served first come, first served. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
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

  private acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Hands the slot straight to the next waiter, so `active` never dips and lets a newcomer jump the queue. */
  private release(): void {
    const next = this.waiting[this.head];
    if (next === undefined) {
      this.active -= 1;
      return;
    }
    this.waiting[this.head] = noop;
    this.head += 1;
    // Compact now and then: an index instead of shift() keeps a 10,000-deep queue O(1) per release.
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
    next();
  }
}

const noop = (): void => undefined;
