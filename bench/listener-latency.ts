/**
 * Listener latency: one change at a time (a user's displayName modified, the modify awaited,
 * then the matching PUT awaited at the simulator), latency = the simulator's `receivedAtMs` −
 * the moment the LDAP modify resolved (and, as an upper bound, − the moment it was sent).
 * syncrepl first; then, if `--poll-n` > 0, the same for the poll mode with a short interval
 * (its latency is dominated by the interval, by design).
 * Prints one JSON object.
 *
 *   npx tsx bench/listener-latency.ts [--n 1000] [--poll-n 50] [--poll-interval 100]
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ConnectorService } from '../app/serve/connector-service.js';
import {
  startPascomSimulator,
  type JournalEntry,
  type PascomSimulator,
} from '../test/fixtures/pascom-simulator/index.js';
import { startSlapd, type SlapdHandle } from '../test/fixtures/slapd/index.js';
import { Udm } from '../test/fixtures/udm.js';
import { benchConfig } from './lib/connector-config.js';
import { startLiveService, untilReason } from './lib/live-service.js';
import { quietLogger } from './lib/quiet-logger.js';
import { percentiles, round, wallClockMs, type Percentiles } from './lib/stats.js';

const TARGETS = { p50Ms: 5, p99Ms: 25 };

interface ModeResult {
  readonly mode: string;
  readonly changes: number;
  readonly latencyMs: Percentiles;
  /** From just before the modify was sent: an upper bound that includes the LDAP round trip. */
  readonly latencyFromIssueMs: Percentiles;
  /** Every latencyMs sample in change order, for the report's distribution plot. */
  readonly samplesMs: readonly number[];
  readonly warnings: number;
  readonly errors: number;
}

function displayNameOf(entry: JournalEntry): unknown {
  return typeof entry.body === 'object' && entry.body !== null
    ? (entry.body as Record<string, unknown>)['003use_bez']
    : undefined;
}

/** Modifies the user `n` times, one change at a time, and measures each change's way to pascom. */
async function measure(
  udm: Udm,
  sim: PascomSimulator,
  dn: string,
  login: string,
  n: number,
  label: string,
): Promise<{ fromResolved: number[]; fromIssued: number[] }> {
  const fromResolved: number[] = [];
  const fromIssued: number[] = [];
  for (let i = 0; i < n; i++) {
    const name = `${label} ${i}`;
    const issued = wallClockMs();
    await udm.modifyUser(dn, { displayName: name });
    const resolved = wallClockMs();
    const [put] = await sim.waitForRequests(
      (e) => e.method === 'PUT' && e.login === login && displayNameOf(e) === name,
      1,
      10_000,
    );
    if (put === undefined) throw new Error(`no PUT for change ${i}`);
    fromResolved.push(put.receivedAtMs - resolved);
    fromIssued.push(put.receivedAtMs - issued);
  }
  return { fromResolved, fromIssued };
}

async function runMode(
  slapd: SlapdHandle,
  sim: PascomSimulator,
  udm: Udm,
  mode: 'syncrepl' | 'poll',
  n: number,
  pollIntervalMs: number,
): Promise<ModeResult> {
  const login = `latency.${mode}`;
  const bench = await benchConfig(slapd, sim, {
    listener: { mode, pollIntervalMs },
    extensions: { digits: 4, pool: '9000-9999' },
  });
  const logger = quietLogger();
  let service: ConnectorService | undefined;
  try {
    if (mode === 'syncrepl') service = (await startLiveService(bench, logger)).service;
    else {
      service = new ConnectorService(bench.configPath, {}, logger);
      await service.start(bench.config);
      await untilReason(service, 'listener.mode is poll');
    }
    const { dn } = await udm.createUser({ username: login, firstname: 'Lat', lastname: mode, activated: true });
    await sim.waitForRequests(
      (e) => e.method === 'POST' && e.status === 201 && displayNameOf(e) === `Lat ${mode}`,
      1,
      20_000,
    );
    const { fromResolved, fromIssued } = await measure(udm, sim, dn, login, n, `Lat ${mode}`);
    return {
      mode,
      changes: n,
      latencyMs: percentiles(fromResolved),
      latencyFromIssueMs: percentiles(fromIssued),
      samplesMs: fromResolved.map((ms) => round(ms)),
      warnings: logger.warnings,
      errors: logger.errors,
    };
  } finally {
    await service?.stop();
    await bench.cleanup();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '1000' },
      'poll-n': { type: 'string', default: '50' },
      'poll-interval': { type: 'string', default: '100' },
    },
  });
  const n = Number(values.n);
  const pollN = Number(values['poll-n']);
  const pollIntervalMs = Number(values['poll-interval']);
  const [slapd, sim] = await Promise.all([startSlapd(), startPascomSimulator()]);
  const udm = new Udm(slapd);
  try {
    const syncrepl = await runMode(slapd, sim, udm, 'syncrepl', n, pollIntervalMs);
    const poll = pollN > 0 ? await runMode(slapd, sim, udm, 'poll', pollN, pollIntervalMs) : undefined;
    const out = {
      benchmark: 'listener-latency',
      measures: 'simulator receivedAtMs − time the LDAP modify resolved, one change at a time',
      simulator: 'in-process (same event loop as the connector)',
      note: 'latencyMs may dip below 0: the PUT can reach the in-process simulator before this event loop has read the modify response; latencyFromIssueMs bounds it from above',
      syncrepl,
      ...(poll === undefined ? {} : { poll: { ...poll, pollIntervalMs } }),
      targets: TARGETS,
      met: { p50: syncrepl.latencyMs.p50 <= TARGETS.p50Ms, p99: syncrepl.latencyMs.p99 <= TARGETS.p99Ms },
      machine: { cpus: cpus().length, loadAverage: loadavg().map((l) => round(l)) },
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    await udm.close();
    await Promise.all([slapd.stop(), sim.stop()]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
