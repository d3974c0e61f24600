/**
 * Times the admin page while the connector is under load: signed in through the login form
 * (as the UCS Administrator), it GETs each route in turn every `intervalMs`.
 */
import { Browserless } from '../../test/web/http-client.js';
import { percentiles, round, type Percentiles } from './stats.js';

/** Status (listener, queue, dead letters, audit, chart), the sync and mapping pages, health and metrics. */
export const LOAD_ROUTES = ['/status', '/sync', '/mapping', '/automate', '/healthz', '/metrics'] as const;

export interface PageSample {
  readonly route: string;
  readonly atMs: number;
  readonly ms: number;
  readonly status: number;
}

export class PageSampler {
  readonly samples: PageSample[] = [];
  private running = false;
  private loop: Promise<void> | undefined;
  /** Ends the wait between two rounds, so `stop()` returns without waiting out the interval. */
  private wake: (() => void) | undefined;

  private constructor(private readonly client: Browserless) {}

  static async signIn(baseUrl: string, username: string, password: string): Promise<PageSampler> {
    const client = new Browserless(baseUrl);
    const res = await client.login(username, password);
    if (res.status !== 303) throw new Error(`admin page login failed with HTTP ${res.status}`);
    return new PageSampler(client);
  }

  start(intervalMs: number, routes: readonly string[] = LOAD_ROUTES): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const round_ = performance.now();
        for (const route of routes) await this.time(route);
        if (!this.running) break;
        await new Promise<void>((resolveWait) => {
          const timer = setTimeout(resolveWait, Math.max(0, intervalMs - (performance.now() - round_)));
          this.wake = () => {
            clearTimeout(timer);
            resolveWait();
          };
        });
        this.wake = undefined;
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Per route: response time percentiles (ms) and the statuses seen. */
  summary(): Record<string, { ms: Percentiles; statuses: Record<string, number> }> {
    const out: Record<string, { ms: Percentiles; statuses: Record<string, number> }> = {};
    for (const route of new Set(this.samples.map((s) => s.route))) {
      const mine = this.samples.filter((s) => s.route === route);
      const statuses: Record<string, number> = {};
      for (const s of mine) statuses[String(s.status)] = (statuses[String(s.status)] ?? 0) + 1;
      out[route] = { ms: percentiles(mine.map((s) => s.ms)), statuses };
    }
    return out;
  }

  private async time(route: string): Promise<void> {
    const started = performance.now();
    const status = await this.client.get(route).then(
      (res) => res.status,
      () => 0,
    );
    this.samples.push({ route, atMs: started, ms: round(performance.now() - started), status });
  }
}
