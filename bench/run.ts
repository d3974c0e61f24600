/**
 * `npm run bench`: runs every benchmark in its own process, one after the other (they would
 * disturb each other's timings), and prints one JSON object keyed by benchmark; each result is
 * also written to bench/results/<name>.json.
 *
 *   npm run bench [-- full-sync listener-latency]   (default: all; then docs/benchmarks.md)
 *   npm run bench:report                           (only docs/benchmarks.md from bench/results/)
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** Result name → the script in bench/ and its arguments (most run with their defaults). */
const BENCHMARKS: Readonly<Record<string, readonly string[]>> = {
  'full-sync': ['full-sync'],
  'full-sync-100k': ['full-sync', '--n', '100000', '--skip-import'],
  'directory-read': ['directory-read'],
  'listener-latency': ['listener-latency'],
  'listener-burst': ['listener-burst'],
  'serve-idle': ['serve-idle'],
  'web-pages': ['web-pages'],
  'load-mixed': ['load-mixed'],
};
const ALL = Object.keys(BENCHMARKS);

const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const names = wanted.length > 0 ? wanted : ALL;
const unknown = names.filter((name) => !ALL.includes(name));
if (unknown.length > 0) throw new Error(`unknown benchmark(s): ${unknown.join(', ')} (known: ${ALL.join(', ')})`);

mkdirSync('bench/results', { recursive: true });
const results: Record<string, unknown> = {};
for (const name of names) {
  process.stderr.write(`bench: ${name}…\n`);
  const [script, ...args] = BENCHMARKS[name] ?? [name];
  const { stdout } = await run(process.execPath, ['--import', 'tsx', `bench/${script}.ts`, ...args], {
    maxBuffer: 1 << 26,
    timeout: 20 * 60_000,
  });
  const result: unknown = JSON.parse(stdout);
  writeFileSync(`bench/results/${name}.json`, `${JSON.stringify(result, null, 2)}\n`);
  results[name] = result;
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
// The report is regenerated from what is in bench/results/ now (all benchmarks, old and new).
const report = await run(process.execPath, ['--import', 'tsx', 'bench/report.ts']);
process.stderr.write(report.stdout);
