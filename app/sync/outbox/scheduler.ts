/** The timers delivery waits with, behind a port so tests drive time themselves instead of sleeping. */

/** A pending callback that can be called off. */
export interface Scheduled {
  cancel(): void;
}

export interface Scheduler {
  /**
   * Calls `callback` after `ms`. `keepAlive: false` lets the process exit while only this waits
   * (a retry far in the future must not hold up a finished `import`); the default keeps it alive.
   */
  after(ms: number, callback: () => void, options?: { readonly keepAlive?: boolean }): Scheduled;
  /** Calls `callback` once the current turn of the event loop is over (after pending I/O callbacks). */
  soon(callback: () => void): void;
}

/** Node's timers. */
export const systemScheduler: Scheduler = {
  after(ms, callback, options) {
    const timer = setTimeout(callback, ms);
    if (options?.keepAlive === false) timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
  soon(callback) {
    setImmediate(callback);
  },
};
