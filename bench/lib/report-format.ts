/** Pure helpers of bench/report.ts: reading loosely typed result JSON and writing Markdown. */

/** A benchmark's result file as parsed JSON. */
export type Result = Readonly<Record<string, unknown>>;

/** The value at a dotted path (`simulate.ms`), or undefined. */
export function at(result: unknown, path: string): unknown {
  let value: unknown = result;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = Reflect.get(value, key);
  }
  return value;
}

export function isRecord(value: unknown): value is Result {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The keys of the object at `path` (none when it is not an object). */
export function keys(result: unknown, path: string): string[] {
  const value = at(result, path);
  return isRecord(value) ? Object.keys(value) : [];
}

/** The array at `path`, or an empty one. */
export function list(result: unknown, path: string): readonly unknown[] {
  const value = at(result, path);
  return Array.isArray(value) ? value : [];
}

export function num(result: unknown, path: string): number | undefined {
  const value = at(result, path);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function numbers(result: unknown, path: string): number[] | undefined {
  const value = at(result, path);
  return Array.isArray(value) && value.every((v) => typeof v === 'number') ? value : undefined;
}

/** `1,234` with a thin grouping, or an en dash for a missing figure. */
export function count(value: number | undefined): string {
  return value === undefined ? '–' : Math.round(value).toLocaleString('en-US');
}

/** Milliseconds as read best: `0.80 ms`, `12 ms`, `1.25 s`, `2 min 5 s`, `1 h 30 min`. */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return '–';
  const abs = Math.abs(ms);
  if (abs < 10) return `${ms.toFixed(2)} ms`;
  if (abs < 1000) return `${ms.toFixed(0)} ms`;
  if (abs < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const [big, small, bigUnit, smallUnit] =
    abs < 3_600_000 ? [60_000, 1000, 'min', 's'] : [3_600_000, 60_000, 'h', 'min'];
  const whole = Math.floor(ms / big);
  const rest = Math.round((ms - whole * big) / small);
  return rest === 0 ? `${whole} ${bigUnit}` : `${whole} ${bigUnit} ${rest} ${smallUnit}`;
}

export function mb(value: number | undefined): string {
  return value === undefined ? '–' : `${value.toFixed(0)} MB`;
}

/** ✓, ✗, or – when the figure is missing. */
export function mark(met: boolean | undefined): string {
  if (met === undefined) return '–';
  return met ? '✓' : '✗';
}

/** A Markdown table; cells are escaped for `|`. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (text: string): string => text.replaceAll('|', '\\|');
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Nearest-rank percentile (as bench/lib/stats.ts), `p` in 0..100. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
