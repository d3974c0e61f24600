/**
 * The Status page's chart: deliveries to pascom per minute over the last hour, from the audit
 * log, as bar geometry for an inline SVG rendered on the server (no script, no inline style).
 */
import type { AuditEntry } from '../store/index.js';

export const CHART = { width: 600, height: 120, minutes: 60 } as const;
const DELIVERY_ACTIONS = new Set(['create', 'update', 'rename', 'adopt', 'delete']);

export interface ChartBar {
  readonly x: number;
  readonly width: number;
  /** Top edge and height of the delivered part; the failed part sits on top of it. */
  readonly okY: number;
  readonly okHeight: number;
  readonly failedY: number;
  readonly failedHeight: number;
  readonly ok: number;
  readonly failed: number;
  /** Start of the minute, ms since 1970. */
  readonly at: number;
}

export interface DeliveryChart {
  readonly bars: readonly ChartBar[];
  readonly max: number;
  readonly totalOk: number;
  readonly totalFailed: number;
  readonly startAt: number;
}

export function deliveryChart(entries: readonly AuditEntry[], nowMs: number): DeliveryChart {
  const minute = 60_000;
  const end = Math.floor(nowMs / minute) * minute + minute;
  const start = end - CHART.minutes * minute;
  const ok = new Array<number>(CHART.minutes).fill(0);
  const failed = new Array<number>(CHART.minutes).fill(0);
  for (const entry of entries) {
    if (entry.at < start || entry.at >= end || !DELIVERY_ACTIONS.has(entry.action) || entry.result === 'retry')
      continue;
    const slot = Math.floor((entry.at - start) / minute);
    const counts = entry.result === 'ok' ? ok : failed;
    counts[slot] = (counts[slot] ?? 0) + 1;
  }
  const max = Math.max(1, ...ok.map((n, i) => n + (failed[i] ?? 0)));
  const slotWidth = CHART.width / CHART.minutes;
  const scale = (n: number): number => Math.round((n / max) * (CHART.height - 4) * 10) / 10;
  const bars = ok.map((okCount, i): ChartBar => {
    const failedCount = failed[i] ?? 0;
    const okHeight = scale(okCount);
    const failedHeight = scale(failedCount);
    return {
      x: Math.round(i * slotWidth * 10) / 10,
      width: Math.round((slotWidth - 2) * 10) / 10,
      okY: CHART.height - okHeight,
      okHeight,
      failedY: CHART.height - okHeight - failedHeight,
      failedHeight,
      ok: okCount,
      failed: failedCount,
      at: start + i * minute,
    };
  });
  return {
    bars,
    max,
    totalOk: ok.reduce((a, b) => a + b, 0),
    totalFailed: failed.reduce((a, b) => a + b, 0),
    startAt: start,
  };
}
