/**
 * Listener burst: N users already in the directory (bulk-loaded, not activated) are activated
 * as fast as slapd commits them (`Udm.activate` over several connections in parallel); the
 * connector (syncrepl, in this process) must create N identities. The pascom simulator runs as
 * its own process, so `rss` is the connector's (plus the LDAP writer clients of this script).
 * Prints one JSON object:
 *   eventsPerSecond     N / (first write → last pascom request)
 *   lastRequestAfterLastWriteMs
 *   lost / duplicated   expected identities missing / logins created (201) more than once
 *   rss                 idle after start, peak during the burst (sampled every 50 ms)
 *   serveReadyMs        ConnectorService.start() called → listener live (refreshAndPersist)
 *
 *   npx tsx bench/listener-burst.ts [--n 10000] [--writers 8] [--inflight 8]
 */
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { startSlapd } from '../test/fixtures/slapd/index.js';
import { userDn } from '../test/fixtures/slapd/ucs-user-entry.js';
import { Udm } from '../test/fixtures/udm.js';
import type { GeneratedUser } from '../test/fixtures/user-generator.js';
import { benchConfig } from './lib/connector-config.js';
import { startLiveService } from './lib/live-service.js';
import { quietLogger } from './lib/quiet-logger.js';
import { mib, RssSampler } from './lib/rss.js';
import { round, wallClockMs } from './lib/stats.js';
import { startStandaloneSimulator, type WireJournalEntry } from './lib/standalone-simulator.js';

const TARGETS = { eventsPerSecond: 2000, lastRequestAfterLastWriteMs: 1000, lost: 0, duplicated: 0, idleRssMiB: 120, serveReadyMs: 1500 };
const BASE_DN = 'dc=example,dc=intranet';

function burstUsers(n: number): GeneratedUser[] {
  return Array.from({ length: n }, (_, i) => {
    const username = `burst${i}`;
    const container = `cn=users,${BASE_DN}`;
    return { dn: userDn(username, container), container, username, firstname: 'Burst', lastname: `U${i}`, phone: [`0441 777-${100000 + i}`], activated: false };
  });
}

/** Activates every DN over `writers` connections with `inflight` operations each; returns first/last write times. */
async function activateAll(writers: Udm[], dns: readonly string[], inflight: number): Promise<{ firstWriteAt: number; lastWriteAt: number }> {
  let next = 0;
  let lastWriteAt = 0;
  const firstWriteAt = wallClockMs();
  const worker = async (udm: Udm): Promise<void> => {
    for (let dn = dns[next++]; dn !== undefined; dn = dns[next++]) {
      await udm.activate(dn);
      lastWriteAt = Math.max(lastWriteAt, wallClockMs());
    }
  };
  await Promise.all(writers.flatMap((udm) => Array.from({ length: inflight }, () => worker(udm))));
  return { firstWriteAt, lastWriteAt };
}

function loginOf(entry: WireJournalEntry): string | undefined {
  const body = entry.body;
  if (typeof body !== 'object' || body === null) return undefined;
  const login = (body as Record<string, unknown>)['003use_name'];
  return typeof login === 'string' ? login : undefined;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { n: { type: 'string', default: '10000' }, writers: { type: 'string', default: '8' }, inflight: { type: 'string', default: '8' } },
  });
  const n = Number(values.n);
  const users = burstUsers(n);
  const [slapd, sim] = await Promise.all([startSlapd({ users, readyTimeoutMs: 60_000 }), startStandaloneSimulator()]);
  const writers = Array.from({ length: Number(values.writers) }, () => new Udm(slapd));
  const bench = await benchConfig(slapd, sim, { listener: { mode: 'syncrepl' }, extensions: { digits: 6, pool: '900000-999999' } });
  const logger = quietLogger();
  const rss = new RssSampler(50);
  rss.start();
  try {
    // Bind every writer before the clock starts.
    await Promise.all(writers.map((udm) => udm.getUuid(users[0]?.dn ?? BASE_DN)));
    const { service, readyMs } = await startLiveService(bench, logger);
    await sleep(1000);
    const idleRss = rss.sample();

    const burstStart = performance.now();
    const { firstWriteAt, lastWriteAt } = await activateAll(writers, users.map((u) => u.dn), Number(values.inflight));
    const deadline = Date.now() + 120_000 + n * 10;
    while (((await sim.counters()).byStatus['201'] ?? 0) < n && Date.now() < deadline) await sleep(20);
    // A moment for stragglers (a duplicate would arrive after the last expected create).
    await sleep(500);
    const burstEnd = performance.now();
    const peakRss = rss.peak(burstStart, burstEnd);
    const outbox = service.current().store.outbox.stats();
    await service.stop();

    const journal = await sim.journal();
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
      writers: { connections: writers.length, inflightPerConnection: Number(values.inflight) },
      writeMs: round(lastWriteAt - firstWriteAt),
      writesPerSecond: round(n / ((lastWriteAt - firstWriteAt) / 1000), 0),
      endToEndMs: round(endToEndMs),
      eventsPerSecond: round(n / (endToEndMs / 1000), 0),
      lastRequestAfterLastWriteMs: round(lastRequestAt - lastWriteAt),
      lost,
      duplicated,
      requests: { total: journal.length, byStatus: (await sim.counters()).byStatus },
      outboxAfter: outbox,
      rss: { idleMiB: mib(idleRss), peakMiB: mib(peakRss), measures: 'this process: the connector service and the LDAP writer clients; the simulator and slapd run as their own processes' },
      serveReadyMs: round(readyMs),
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
    await Promise.all(writers.map((udm) => udm.close()));
    await Promise.all([slapd.stop(), sim.stop()]);
    await bench.cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
