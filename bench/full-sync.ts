/**
 * Full-sync benchmark: Simulate and Import for N enabled users (default 10,000; `--n
 * 100000` on request) against a real slapd and the pascom simulator (a separate process, so
 * the RSS measured is the connector's), next to the floor: `ldapsearch` dumping the same users
 * from the same slapd. Prints one JSON object.
 *
 *   npx tsx bench/full-sync.ts [--n 10000] [--skip-import]
 *
 * `baselineRssMb` is the process before the run (Node, tsx, the loaded modules and the test
 * fixtures' own state); the production image runs compiled code without tsx.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { cpus, totalmem } from 'node:os';
import { createApp } from '../app/main.js';
import { connectorFixture, memoryLogger } from '../test/fixtures/connector.js';
import type { PascomSimulator } from '../test/fixtures/pascom-simulator/index.js';
import { startSlapd } from '../test/fixtures/slapd/index.js';
import { generateUsers } from '../test/fixtures/user-generator.js';
import { freePort } from '../test/fixtures/free-port.js';
import { attributesForRules } from '../app/core/attributes.js';
import { DEFAULT_MAPPING } from '../app/core/default-mapping.js';
import { DEFAULT_USER_FILTER } from '../app/config/schema.js';
import { ldapsearchDump } from './lib/ldapsearch.js';

/** The simulator as its own process; `counters()` over its control API. */
async function startSimulatorProcess(): Promise<{
  sim: PascomSimulator;
  child: ChildProcess;
  counters: () => Promise<Record<string, unknown>>;
}> {
  const port = await freePort();
  const password = 'bench-secret';
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/fixtures/pascom-simulator/standalone.ts', '--port', String(port), '--password', password],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ok = await fetch(`${url}/_sim/counters`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error('the simulator did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const sim = { url, instance: 'acme', user: 'moby', password } as PascomSimulator;
  return {
    sim,
    child,
    counters: async () => (await (await fetch(`${url}/_sim/counters`)).json()) as Record<string, unknown>,
  };
}

/**
 * Runs the production CLI (`node dist/…`) as its own process and follows its peak RSS (VmHWM,
 * a high-water mark, read until it exits): the connector's memory without the benchmark's
 * fixtures and without tsx.
 */
async function cliPeakRss(args: readonly string[]): Promise<{ ms: number; peakRssMb: number; code: number | null }> {
  const start = performance.now();
  const flags = (process.env['BENCH_CLI_NODE_FLAGS'] ?? '').split(' ').filter((f) => f !== '');
  const child = spawn(process.execPath, [...flags, 'dist/app/cli/main.js', ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let peakKb = 0;
  const timer = setInterval(() => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (match?.[1] !== undefined) peakKb = Math.max(peakKb, Number(match[1]));
    } catch {
      // The process is gone: its last high-water mark stands.
    }
  }, 10);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(timer);
  return { ms: Math.round(performance.now() - start), peakRssMb: Math.round(peakKb / 1024), code };
}

/** Samples RSS every 20 ms while `fn` runs; returns its result, wall ms and peak RSS MB. */
async function measured<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number; peakRssMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const start = performance.now();
  try {
    const result = await fn();
    return {
      result,
      ms: Math.round(performance.now() - start),
      peakRssMb: Math.round(Math.max(peak, process.memoryUsage.rss()) / 2 ** 20),
    };
  } finally {
    clearInterval(timer);
  }
}

function writes(counters: Record<string, unknown>): number {
  const byMethod = (counters['byMethod'] ?? {}) as Record<string, number>;
  return (byMethod['POST'] ?? 0) + (byMethod['PUT'] ?? 0) + (byMethod['DELETE'] ?? 0);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { n: { type: 'string', default: '10000' }, 'skip-import': { type: 'boolean', default: false } },
  });
  const n = Number(values.n);
  // Every user enabled, each with an office number whose internal part is unique (as in a real
  // company): the generator's varied formats would make most of 10,000 users claim the same few.
  const users = generateUsers(n, { seed: 42 }).map((u, i) => ({
    ...u,
    activated: true,
    disabled: false,
    phone: [`+49 441 12345-${100000 + i}`],
  }));
  const loadStart = performance.now();
  const slapd = await startSlapd({ users });
  const loadMs = Math.round(performance.now() - loadStart);
  // The same query the connector makes: the user filter and the mapping's attributes.
  const query = {
    filter: DEFAULT_USER_FILTER,
    attributes: ['entryUUID', ...attributesForRules(DEFAULT_MAPPING)],
    pageSize: 1000,
  };
  const floors: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    await ldapsearchDump(slapd, query);
    floors.push(performance.now() - start);
  }
  const ldapsearchMs = Math.round(Math.min(...floors));
  const { sim, child, counters } = await startSimulatorProcess();
  const fixture = await connectorFixture(slapd, sim, {
    pascom: { concurrency: 16, timeoutMs: 30_000 },
    extensions: { digits: 6, pool: '900000-999999' },
  });
  const app = createApp(fixture.config, memoryLogger(), { deliver: true });
  try {
    const baselineRssMb = Math.round(process.memoryUsage.rss() / 2 ** 20);
    const simulate = await measured(() => app.fullSync.simulate('bench'));
    // Again in the same process: what the page's Simulate costs in the long-running `serve`,
    // whose code is compiled by then; the first run above includes the JIT's warm-up.
    const repeat = await measured(() => app.fullSync.simulate('bench'));
    const out: Record<string, unknown> = {
      benchmark: 'full-sync',
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memGb: Math.round(totalmem() / 2 ** 30),
        node: process.version,
      },
      users: n,
      slapdLoadMs: loadMs,
      ldapsearchFloorMs: ldapsearchMs,
      simulate: {
        ms: simulate.ms,
        baselineRssMb,
        peakRssMb: simulate.peakRssMb,
        creates: simulate.result.plan.summary.create,
        rejected: simulate.result.plan.summary.rejected,
        xFloor: Number((simulate.ms / ldapsearchMs).toFixed(2)),
      },
      simulateRepeat: {
        ms: repeat.ms,
        xFloor: Number((repeat.ms / ldapsearchMs).toFixed(2)),
      },
    };
    if (existsSync('dist/app/cli/main.js')) {
      out['simulateCli'] = {
        note: 'node dist/app/cli/main.js simulate --json, its own process',
        ...(await cliPeakRss(['simulate', '--json', '--config', fixture.configPath])),
      };
    }
    if (!values['skip-import']) {
      const imported = await measured(() =>
        app.fullSync.import({ trigger: 'bench', confirmDeletes: false, waitMs: 600_000, runner: app.runner }),
      );
      const before = writes(await counters());
      const second = await measured(() =>
        app.fullSync.import({ trigger: 'bench', confirmDeletes: false, waitMs: 600_000, runner: app.runner }),
      );
      const after = writes(await counters());
      const s = second.result.plan.summary;
      out['import'] = {
        ms: imported.ms,
        peakRssMb: imported.peakRssMb,
        status: imported.result.status,
        delivered: imported.result.delivered,
        failed: imported.result.failed,
        perSecond: Math.round(imported.result.delivered / (imported.ms / 1000)),
      };
      out['secondImport'] = { ms: second.ms, changes: s.create + s.update + s.delete, writesSent: after - before };
    }
    out['targets'] =
      n >= 100_000
        ? { simulateMs: 20_000, simulateCliPeakRssMb: 300 }
        : { simulateMs: 2000, simulateXFloor: 3, importMs: 10_000, secondImportWrites: 0 };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    await app.close();
    child.kill('SIGTERM');
    await slapd.stop();
    await fixture.cleanup();
  }
}

await main();
