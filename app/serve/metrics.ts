/**
 * Prometheus metrics for `/metrics` (prom-client): queue depth and lag read from the store at
 * scrape time, counters of events and deliveries, and the change latency from the moment a
 * listener saw a change to the moment pascom accepted it.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from '../store/index.js';
import type { SettledEvent } from '../sync/outbox-runner.js';
import { EVENT_KIND, eventTiming } from '../sync/listener-events.js';
import { STATUS_KEYS } from '../sync/status.js';

export class ConnectorMetrics {
  readonly registry = new Registry();
  private readonly events: Counter<'source'>;
  private readonly deliveries: Counter<'outcome' | 'kind'>;
  private readonly latency: Histogram<'source'>;

  constructor(store: () => Store, now: () => number) {
    collectDefaultMetrics({ register: this.registry, prefix: 'pascom_connector_' });
    this.events = new Counter({
      name: 'pascom_connector_events_total',
      help: 'Directory changes stored by the listener, by source',
      labelNames: ['source'],
      registers: [this.registry],
    });
    this.deliveries = new Counter({
      name: 'pascom_connector_deliveries_total',
      help: 'Outbox rows settled, by outcome (done, retry, dead; release: not sent before a stop) and job kind',
      labelNames: ['outcome', 'kind'],
      registers: [this.registry],
    });
    this.latency = new Histogram({
      name: 'pascom_connector_change_latency_seconds',
      help: 'From the listener seeing a change to pascom accepting it',
      labelNames: ['source'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [this.registry],
    });
    new Gauge({
      name: 'pascom_connector_queue_depth',
      help: 'Outbox rows by status',
      labelNames: ['status'],
      registers: [this.registry],
      collect() {
        const stats = store().outbox.stats();
        this.set({ status: 'pending' }, stats.pending);
        this.set({ status: 'inflight' }, stats.inflight);
        this.set({ status: 'dead' }, stats.dead);
      },
    });
    new Gauge({
      name: 'pascom_connector_lag_seconds',
      help: 'Age of the oldest change not yet delivered to pascom (0 when none)',
      registers: [this.registry],
      collect() {
        const oldest = store().outbox.stats().oldestCreatedAt;
        this.set(oldest === undefined ? 0 : Math.max(0, now() - oldest) / 1000);
      },
    });
    new Gauge({
      name: 'pascom_connector_listener_mode',
      help: 'The change source the listener runs (1 for the mode in force: syncrepl, translog, appcenter, poll, waiting; none when stopped)',
      labelNames: ['mode'],
      registers: [this.registry],
      collect() {
        this.reset();
        this.set({ mode: store().kv.get(STATUS_KEYS.listenerMode) ?? 'none' }, 1);
      },
    });
    new Gauge({
      name: 'pascom_connector_managed_users',
      help: 'pascom identities the connector manages',
      registers: [this.registry],
      collect() {
        this.set(store().anchors.count());
      },
    });
  }

  eventsStored(count: number, source: string): void {
    this.events.inc({ source }, count);
  }

  settled({ row, settlement }: SettledEvent, nowMs: number): void {
    this.deliveries.inc({ outcome: settlement.outcome, kind: row.kind });
    if (row.kind !== EVENT_KIND || settlement.outcome !== 'done') return;
    const timing = eventTiming(row.payload);
    if (timing === undefined) return;
    this.latency.observe({ source: timing.source }, Math.max(0, nowMs - timing.seenAt) / 1000);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
