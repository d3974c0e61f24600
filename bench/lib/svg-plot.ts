/**
 * Hand-written SVG charts for docs/benchmarks.md (no plotting dependency): a latency histogram
 * with its cumulative distribution, and a line chart over time. Output depends only on the
 * input numbers, so a regenerated report changes only when the results do.
 */

const W = 720;
const H = 360;
const PAD = { left: 56, right: 56, top: 36, bottom: 48 };
const PLOT_W = W - PAD.left - PAD.right;
const PLOT_H = H - PAD.top - PAD.bottom;
const FONT = 'font-family="sans-serif" font-size="12"';

const f = (n: number): string => n.toFixed(1);

function escape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** A round step giving about `ticks` ticks up to `max`. */
function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  return step ?? 10 * power;
}

function frame(title: string, xLabel: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ${FONT}>`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${escape(title)}</text>`,
    `<text x="${PAD.left + PLOT_W / 2}" y="${H - 10}" text-anchor="middle">${escape(xLabel)}</text>`,
    `<rect x="${PAD.left}" y="${PAD.top}" width="${PLOT_W}" height="${PLOT_H}" fill="none" stroke="#999"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function xTicks(max: number, x: (v: number) => number): string[] {
  const step = niceStep(max, 8);
  const out: string[] = [];
  for (let v = 0; v <= max + 1e-9; v += step) {
    out.push(
      `<line x1="${f(x(v))}" y1="${PAD.top + PLOT_H}" x2="${f(x(v))}" y2="${PAD.top + PLOT_H + 4}" stroke="#999"/>`,
    );
    out.push(`<text x="${f(x(v))}" y="${PAD.top + PLOT_H + 17}" text-anchor="middle">${Number(v.toFixed(6))}</text>`);
  }
  return out;
}

function yTicks(max: number, y: (v: number) => number, side: 'left' | 'right', unit = ''): string[] {
  const step = niceStep(max, 5);
  const out: string[] = [];
  const xText = side === 'left' ? PAD.left - 6 : PAD.left + PLOT_W + 6;
  for (let v = 0; v <= max + 1e-9; v += step) {
    if (side === 'left')
      out.push(`<line x1="${PAD.left}" y1="${f(y(v))}" x2="${PAD.left + PLOT_W}" y2="${f(y(v))}" stroke="#eee"/>`);
    out.push(
      `<text x="${xText}" y="${f(y(v) + 4)}" text-anchor="${side === 'left' ? 'end' : 'start'}">${Number(v.toFixed(6))}${unit}</text>`,
    );
  }
  return out;
}

export interface Marker {
  readonly at: number;
  readonly label: string;
}

/**
 * Histogram of `samples` (bins of `binMs` from 0 up to `maxMs`; later samples pile into the last
 * bin, earlier ones into the first) with the cumulative share as a line on the right axis, and
 * dashed markers (targets).
 */
export function latencyHistogramSvg(
  samples: readonly number[],
  opts: { title: string; binMs: number; maxMs: number; markers: readonly Marker[] },
): string {
  const bins = Math.ceil(opts.maxMs / opts.binMs);
  const counts = new Array<number>(bins).fill(0);
  for (const s of samples) {
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(s / opts.binMs)));
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  const top = Math.max(1, ...counts);
  const yMax = niceStep(top, 5) * Math.ceil(top / niceStep(top, 5));
  const x = (ms: number): number => PAD.left + (ms / opts.maxMs) * PLOT_W;
  const y = (n: number): number => PAD.top + PLOT_H - (n / yMax) * PLOT_H;
  const yShare = (share: number): number => PAD.top + PLOT_H - share * PLOT_H;
  const body = [...yTicks(yMax, y, 'left'), ...xTicks(opts.maxMs, x)];
  counts.forEach((n, i) => {
    if (n === 0) return;
    const x0 = x(i * opts.binMs);
    body.push(
      `<rect x="${f(x0)}" y="${f(y(n))}" width="${f(x((i + 1) * opts.binMs) - x0 - 1)}" height="${f(y(0) - y(n))}" fill="#4e79a7"/>`,
    );
  });
  let cumulative = 0;
  const points = counts.map((n, i) => {
    cumulative += n;
    return `${f(x((i + 1) * opts.binMs))},${f(yShare(cumulative / Math.max(1, samples.length)))}`;
  });
  body.push(
    `<polyline points="${f(x(0))},${f(yShare(0))} ${points.join(' ')}" fill="none" stroke="#e15759" stroke-width="2"/>`,
  );
  for (const share of [0, 0.25, 0.5, 0.75, 1])
    body.push(`<text x="${PAD.left + PLOT_W + 6}" y="${f(yShare(share) + 4)}" fill="#e15759">${share * 100}%</text>`);
  for (const m of opts.markers.filter((marker) => marker.at <= opts.maxMs)) {
    body.push(
      `<line x1="${f(x(m.at))}" y1="${PAD.top}" x2="${f(x(m.at))}" y2="${PAD.top + PLOT_H}" stroke="#333" stroke-dasharray="4 3"/>`,
    );
    body.push(`<text x="${f(x(m.at) - 4)}" y="${PAD.top + 14}" text-anchor="end">${escape(m.label)}</text>`);
  }
  body.push(
    `<text x="14" y="${PAD.top + PLOT_H / 2}" transform="rotate(-90 14 ${PAD.top + PLOT_H / 2})" text-anchor="middle">changes per ${opts.binMs} ms bin</text>`,
  );
  body.push(
    `<text x="${W - 12}" y="${PAD.top + PLOT_H / 2}" transform="rotate(90 ${W - 12} ${PAD.top + PLOT_H / 2})" text-anchor="middle" fill="#e15759">cumulative share</text>`,
  );
  return frame(opts.title, `latency, ms (last bin: ≥ ${opts.maxMs - opts.binMs} ms)`, body);
}

export interface Series {
  readonly label: string;
  readonly color: string;
  /** [x, y]; a null y leaves a gap. */
  readonly points: readonly (readonly [number, number | null])[];
}

/** Lines over a shared x axis (e.g. seconds into the load), y from 0. */
export function lineChartSvg(
  series: readonly Series[],
  opts: { title: string; xLabel: string; yLabel: string },
): string {
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map(([px]) => px));
  const top = Math.max(1, ...all.map(([, py]) => py ?? 0));
  const yMax = niceStep(top, 5) * Math.ceil(top / niceStep(top, 5));
  const x = (v: number): number => PAD.left + (v / xMax) * PLOT_W;
  const y = (v: number): number => PAD.top + PLOT_H - (v / yMax) * PLOT_H;
  const body = [...yTicks(yMax, y, 'left'), ...xTicks(xMax, x)];
  series.forEach((s, i) => {
    const runs: string[][] = [[]];
    for (const [px, py] of s.points) {
      if (py === null) runs.push([]);
      else runs.at(-1)?.push(`${f(x(px))},${f(y(py))}`);
    }
    for (const run of runs.filter((r) => r.length > 0))
      body.push(`<polyline points="${run.join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    body.push(`<rect x="${PAD.left + 10}" y="${PAD.top + 8 + i * 16}" width="12" height="3" fill="${s.color}"/>`);
    body.push(`<text x="${PAD.left + 28}" y="${PAD.top + 13 + i * 16}">${escape(s.label)}</text>`);
  });
  body.push(
    `<text x="14" y="${PAD.top + PLOT_H / 2}" transform="rotate(-90 14 ${PAD.top + PLOT_H / 2})" text-anchor="middle">${escape(opts.yLabel)}</text>`,
  );
  return frame(opts.title, opts.xLabel, body);
}
