/** Samples this process's resident set size at a fixed interval, for idle and peak memory figures. */

export class RssSampler {
  private readonly samples: { readonly at: number; readonly rss: number }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 50) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Takes a sample now and returns it (bytes). */
  sample(): number {
    const rss = process.memoryUsage.rss();
    this.samples.push({ at: performance.now(), rss });
    return rss;
  }

  /** The largest sample taken between `fromMs` and `toMs` (performance.now() times), in bytes. */
  peak(fromMs: number, toMs: number): number {
    return this.samples.filter((s) => s.at >= fromMs && s.at <= toMs).reduce((max, s) => Math.max(max, s.rss), 0);
  }
}

export const mib = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
