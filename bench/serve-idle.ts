/**
 * The production `serve` in its own process (`node dist/app/cli/main.js serve`, no tsx): time
 * from spawn to the listener being live (syncrepl, `/metrics` reporting the syncrepl source), and its resident
 * memory while idle afterwards (VmRSS sampled for 5 s, plus the VmHWM high-water mark), and what
 * that memory is at the end: anonymous (V8's heap, native allocations) or file-backed (mostly the
 * pages of the node binary that ran, shared with every other node process and reclaimable),
 * with V8's own figures from `/metrics`.
 * A directory of `--n` users (default 1,000) is imported first, so the idle state is a real one.
 *
 *   npm run build && npx tsx bench/serve-idle.ts [--n 1000]
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createApp } from '../app/main.js';
import { startSlapd } from '../test/fixtures/slapd/index.js';
import { generateUsers } from '../test/fixtures/user-generator.js';
import { benchConfig } from './lib/connector-config.js';
import { MetricsProbe } from './lib/metrics-probe.js';
import { quietLogger } from './lib/quiet-logger.js';
import { startStandaloneSimulator } from './lib/standalone-simulator.js';
import { freePort } from '../test/fixtures/free-port.js';

function procKb(pid: number, field: 'VmRSS' | 'VmHWM' | 'RssAnon' | 'RssFile'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0);
}

/** Resident kB of the mappings of one file (smaps), e.g. the node binary's code. */
function mappedKb(pid: number, file: string): number {
  let inFile = false;
  let kb = 0;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header !== null) inFile = header[1] === file;
    else if (inFile) kb += Number(/^Rss:\s+(\d+) kB/.exec(line)?.[1] ?? 0);
  }
  return kb;
}

const { values } = parseArgs({ options: { n: { type: 'string', default: '1000' } } });
if (!existsSync('dist/app/cli/main.js')) throw new Error('run `npm run build` first: dist/app/cli/main.js is missing');
const n = Number(values.n);
const slapd = await startSlapd({
  users: generateUsers(n, { seed: 7 }).map((u, i) => ({ ...u, phone: [`0441 555-${10000 + i}`] })),
});
const sim = await startStandaloneSimulator();
const port = await freePort();
const bench = await benchConfig(slapd, sim, {
  http: { port, host: '127.0.0.1' },
  extensions: { digits: 5, pool: '90000-99999' },
  listener: { mode: 'syncrepl' },
});
const app = createApp(bench.config, quietLogger(), { deliver: true });
await app.fullSync.import({ trigger: 'bench', confirmDeletes: false, waitMs: 120_000, runner: app.runner });
await app.close();

const started = performance.now();
const child = spawn(process.execPath, ['dist/app/cli/main.js', 'serve', '--config', bench.configPath], {
  stdio: ['ignore', 'ignore', 'ignore'],
});
const pid = child.pid ?? 0;
const probe = new MetricsProbe(`http://127.0.0.1:${port}${bench.config.http.basePath}/metrics`, bench.metricsToken);
let readyMs: number | undefined;
for (let i = 0; i < 300 && readyMs === undefined; i++) {
  if ((await probe.listenerMode()) === 'syncrepl') readyMs = Math.round(performance.now() - started);
  else await new Promise((resolve) => setTimeout(resolve, 10));
}
const samples: number[] = [];
for (let i = 0; i < 50; i++) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  samples.push(procKb(pid, 'VmRSS'));
}
const hwm = procKb(pid, 'VmHWM');
const anonKb = procKb(pid, 'RssAnon');
const fileKb = procKb(pid, 'RssFile');
const nodeBinaryKb = mappedKb(pid, process.execPath);
const heap = await probe.heap();
child.kill('SIGTERM');
const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
await sim.stop();
await slapd.stop();
await bench.cleanup();

const mb = (kb: number): number => Math.round(kb / 102.4) / 10;
const heapMb = (bytes: number | undefined): number | null =>
  bytes === undefined || !Number.isFinite(bytes) ? null : mb(bytes / 1024);
process.stdout.write(
  `${JSON.stringify(
    {
      benchmark: 'serve-idle',
      users: n,
      serveReadyMs: readyMs ?? null,
      idleRssMb: {
        median: mb([...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? 0),
        max: mb(Math.max(...samples)),
      },
      peakRssMb: mb(hwm),
      idleRssParts: {
        anonymousMb: mb(anonKb),
        fileBackedMb: mb(fileKb),
        nodeBinaryMb: mb(nodeBinaryKb),
        v8HeapCommittedMb: heapMb(heap?.committed),
        v8HeapUsedMb: heapMb(heap?.used),
        v8YoungCommittedMb: heapMb(heap?.youngCommitted),
        v8YoungUsedMb: heapMb(heap?.youngUsed),
      },
      exitCodeOnSigterm: code,
      targets: { serveReadyMs: 1500, idleRssMb: 120 },
    },
    null,
    2,
  )}\n`,
);
