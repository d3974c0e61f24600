/**
 * Listener burst: N users already in the directory (bulk-loaded, not activated) are activated
 * as fast as slapd commits them (as `Udm.activate` does, over several connections in parallel,
 * from a child process); the connector (syncrepl, in this process) must create N identities. The
 * pascom simulator runs as its own process too, so `rss` is the connector's.
 * Prints one JSON object:
 *   eventsPerSecond     N / (first write → last pascom request)
 *   lastRequestAfterLastWriteMs
 *   lost / duplicated   expected identities missing / logins created (201) more than once
 *   rss                 idle after start, peak during the burst (sampled every 50 ms)
 *   serveReadyMs        ConnectorService.start() called → listener live (refreshAndPersist)
 *   connectorCpuMsPerChange  CPU time of this process (the connector) during the burst, per change
 *
 *   npx tsx bench/listener-burst.ts [--n 10000] [--writers 8] [--inflight 8] [--concurrency 8]
 * (`--concurrency` is the connector's `pascom.concurrency`, requests to pascom at once.)
 */
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { startSlapd } from '../test/fixtures/slapd/index.js';
import { userDn } from '../test/fixtures/slapd/ucs-user-entry.js';
import type { GeneratedUser } from '../test/fixtures/user-generator.js';
import { startActivationWriter } from './lib/activation-client.js';
import { benchConfig } from './lib/connector-config.js';
import { startLiveService } from './lib/live-service.js';
import { quietLogger } from './lib/quiet-logger.js';
import { mib, RssSampler } from './lib/rss.js';
import { percentiles, round } from './lib/stats.js';
import { startStandaloneSimulator, type WireJournalEntry } from './lib/standalone-simulator.js';

const TARGETS = {
  eventsPerSecond: 2000,
  lastRequestAfterLastWriteMs: 1000,
  lost: 0,
  duplicated: 0,
  idleRssMiB: 120,
  serveReadyMs: 1500,
};
const BASE_DN = 'dc=example,dc=intranet';

function burstUsers(n: number): GeneratedUser[] {
  return Array.from({ length: n }, (_, i) => {
    const username = `burst${i}`;
    const container = `cn=users,${BASE_DN}`;
    return {
      dn: userDn(username, container),
      container,
      username,
      firstname: 'Burst',
      lastname: `U${i}`,
      phone: [`0441 777-${100000 + i}`],
      activated: false,
    };
  });
}

function loginOf(entry: WireJournalEntry): string | undefined {
  const body = entry.body;
  if (typeof body !== 'object' || body === null) return undefined;
  const login = (body as Record<string, unknown>)['003use_name'];
  return typeof login === 'string' ? login : undefined;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '10000' },
      writers: { type: 'string', default: '8' },
      inflight: { type: 'string', default: '8' },
      concurrency: { type: 'string', default: '8' },
    },
  });
  const n = Number(values.n);
  const users = burstUsers(n);
  const [slapd, sim] = await Promise.all([startSlapd({ users, readyTimeoutMs: 60_000 }), startStandaloneSimulator()]);
  const writer = await startActivationWriter({
    slapd: { url: slapd.url, rootDn: slapd.rootDn, rootPassword: slapd.rootPassword },
    dns: users.map((u) => u.dn),
    connections: Number(values.writers),
    inflight: Number(values.inflight),
  });
  const bench = await benchConfig(slapd, sim, {
    listener: { mode: 'syncrepl' },
    extensions: { digits: 6, pool: '900000-999999' },
    pascom: { concurrency: Number(values.concurrency) },
  });
  const logger = quietLogger();
  const rss = new RssSampler(50);
  rss.start();
  try {
    const beforeStart = rss.sample();
    const { service, readyMs } = await startLiveService(bench, logger);
    await sleep(1000);
    const idleRss = rss.sample();

    const burstStart = performance.now();
    const cpuBefore = process.cpuUsage();
    const { firstWriteAt, lastWriteAt } = await writer.go();
    const deadline = Date.now() + 120_000 + n * 10;
    while (((await sim.counters()).byStatus['201'] ?? 0) < n && Date.now() < deadline) await sleep(20);
    // A moment for stragglers (a duplicate would arrive after the last expected create).
    await sleep(500);
    const burstEnd = performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    const peakRss = rss.peak(burstStart, burstEnd);
    const outbox = service.current().store.outbox.stats();
    await service.stop();

    const journal = await sim.journal();
    const counters = await sim.counters();
    const creates = journal.filter((e) => e.method === 'POST' && e.status === 201);
    const perLogin = new Map<string, number>();
    for (const entry of creates) perLogin.set(loginOf(entry) ?? '?', (perLogin.get(loginOf(entry) ?? '?') ?? 0) + 1);
    const identities = new Set((await sim.identities()).map((i) => i['003use_name']));
    const lost = users.filter((u) => !identities.has(u.username.toLowerCase())).length;
    const duplicated = [...perLogin.values()].filter((count) => count > 1).length;
    const lastRequestAt = Math.max(...journal.filter((e) => e.method !== 'GET').map((e) => e.receivedAtMs));
    const endToEndMs = lastRequestAt - firstWriteAt;
    const out = {
      benchmark: 'listener-burst',
      n,
      writers: {
        process: 'separate (bench/lib/activation-writer.ts)',
        connections: Number(values.writers),
        inflightPerConnection: Number(values.inflight),
      },
      writeMs: round(lastWriteAt - firstWriteAt),
      writesPerSecond: round(n / ((lastWriteAt - firstWriteAt) / 1000), 0),
      endToEndMs: round(endToEndMs),
      eventsPerSecond: round(n / (endToEndMs / 1000), 0),
      lastRequestAfterLastWriteMs: round(lastRequestAt - lastWriteAt),
      lost,
      duplicated,
      pascomConcurrency: Number(values.concurrency),
      requests: { total: journal.length, byStatus: counters.byStatus, maxInFlight: counters.maxInFlight },
      simulatorServiceMs: percentiles(
        journal
          .filter((e) => e.respondedAtNs !== undefined)
          .map((e) => Number(BigInt(e.respondedAtNs ?? '0') - BigInt(e.receivedAtNs)) / 1e6),
      ),
      outboxAfter: outbox,
      rss: {
        beforeStartMiB: mib(beforeStart),
        idleMiB: mib(idleRss),
        peakMiB: mib(peakRss),
        serviceIdleDeltaMiB: mib(idleRss - beforeStart),
        servicePeakDeltaMiB: mib(peakRss - beforeStart),
        measures:
          "this process: the connector service, plus the tsx loader (~35 MiB) and the benchmark's own data (beforeStartMiB: everything but the service); the simulator, the LDAP writers and slapd run as their own processes",
      },
      serveReadyMs: round(readyMs),
      // This process is the connector (plus the benchmark's light polling): its CPU per change.
      connectorCpuMsPerChange: round((cpu.user + cpu.system) / 1000 / n, 3),
      warnings: logger.warnings,
      errors: logger.errors,
      firstProblems: logger.firstProblems,
      targets: TARGETS,
      met: {
        eventsPerSecond: n / (endToEndMs / 1000) >= TARGETS.eventsPerSecond,
        lastRequestAfterLastWrite: lastRequestAt - lastWriteAt <= TARGETS.lastRequestAfterLastWriteMs,
        lost: lost === 0,
        duplicated: duplicated === 0,
        idleRss: mib(idleRss) <= TARGETS.idleRssMiB,
        serveReady: readyMs <= TARGETS.serveReadyMs,
      },
      machine: { cpus: cpus().length, loadAverage: loadavg().map((l) => round(l)) },
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    rss.stop();
    await Promise.all([slapd.stop(), sim.stop()]);
    await bench.cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
