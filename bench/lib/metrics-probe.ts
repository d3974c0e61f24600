/**
 * Reads the connector's own figures from `/metrics` with the benchmark's bearer token: `/healthz`
 * says only ok / not ok, so the queue depth and the listener mode come from Prometheus' text.
 */
export class MetricsProbe {
  constructor(
    private readonly metricsUrl: string,
    private readonly token: string,
  ) {}

  /** The metrics text, or undefined while the server does not answer. */
  async scrape(): Promise<string | undefined> {
    return fetch(this.metricsUrl, { headers: { authorization: `Bearer ${this.token}` } }).then(
      (r) => (r.ok ? r.text() : undefined),
      () => undefined,
    );
  }

  /** Rows waiting or in flight in the outbox; undefined while the server does not answer. */
  async queue(): Promise<number | undefined> {
    const text = await this.scrape();
    if (text === undefined) return undefined;
    return (
      sample(text, 'pascom_connector_queue_depth', 'pending') + sample(text, 'pascom_connector_queue_depth', 'inflight')
    );
  }

  /** V8's heap as the service reports it (prom-client's default metrics), in bytes; undefined while it does not answer. */
  async heap(): Promise<HeapFigures | undefined> {
    const text = await this.scrape();
    if (text === undefined) return undefined;
    const value = (pattern: string): number => Number(new RegExp(`^${pattern} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    return {
      committed: value('pascom_connector_nodejs_heap_size_total_bytes'),
      used: value('pascom_connector_nodejs_heap_size_used_bytes'),
      youngCommitted: value('pascom_connector_nodejs_heap_space_size_total_bytes\\{space="new"\\}'),
      youngUsed: value('pascom_connector_nodejs_heap_space_size_used_bytes\\{space="new"\\}'),
    };
  }

  /** The listener's mode (`syncrepl`, `poll`, …; `none` when stopped); undefined while the server does not answer. */
  async listenerMode(): Promise<string | undefined> {
    const text = await this.scrape();
    if (text === undefined) return undefined;
    return /^pascom_connector_listener_mode\{mode="([^"]*)"\} 1$/m.exec(text)?.[1];
  }
}

export interface HeapFigures {
  /** Bytes V8 has committed for its heap, and how many of them hold objects (live or not yet collected). */
  readonly committed: number;
  readonly used: number;
  /** The young generation ("new" space) alone. */
  readonly youngCommitted: number;
  readonly youngUsed: number;
}

function sample(text: string, name: string, status: string): number {
  const match = new RegExp(`^${name}\\{status="${status}"\\} (\\S+)$`, 'm').exec(text);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}
