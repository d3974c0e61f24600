/**
 * The targets of issues 3, 4 and 7, each checked against the figure that measures it, with a
 * one-line reason for a miss drawn from the same results (what the figures themselves show).
 */
import { count, duration, list, mb, num, numbers, percentile, type Result } from './report-format.js';

export interface Check {
  readonly figure: string;
  readonly target: string;
  readonly measured: string;
  /** undefined: no result holds the figure. */
  readonly met: boolean | undefined;
  readonly why: string;
}

type Results = ReadonlyMap<string, Result>;

const P99_TARGET_MS = 25;

function check(
  figure: string,
  target: string,
  value: number | undefined,
  ok: (v: number) => boolean,
  show: (v: number) => string,
  why: () => string,
): Check {
  return {
    figure,
    target,
    measured: value === undefined ? '–' : show(value),
    met: value === undefined ? undefined : ok(value),
    why: value === undefined ? '' : why(),
  };
}

function fullSyncChecks(results: Results): Check[] {
  const small = results.get('full-sync');
  const large = results.get('full-sync-100k');
  const ratio100k = num(large, 'simulate.xFloor');
  return [
    check(
      'Simulate, 10,000 users',
      '≤ 2 s',
      num(small, 'simulate.ms'),
      (v) => v <= 2000,
      duration,
      () => 'mapping, extension allocation and planning of every user take longer than the budget on this machine',
    ),
    check(
      'Simulate ÷ `ldapsearch` floor, 10,000 users, repeat run (the page’s Simulate in `serve`)',
      '≤ 3×',
      num(small, 'simulateRepeat.xFloor'),
      (v) => v <= 3,
      (v) => `${v}×`,
      () => 'the per-user work in JavaScript (decode, map, plan) costs more than 3× the C client’s dump',
    ),
    check(
      'Simulate ÷ `ldapsearch` floor, 10,000 users, first run in the process (code not yet compiled)',
      '≤ 3×',
      num(small, 'simulate.xFloor'),
      (v) => v <= 3,
      (v) => `${v}×`,
      () =>
        ratio100k !== undefined && ratio100k < (num(small, 'simulate.xFloor') ?? 0)
          ? `fixed costs per run (connecting, reading pascom’s identity list, opening the store) weigh against a ${duration(num(small, 'ldapsearchFloorMs'))} floor; at 100,000 users the same simulate is ${ratio100k}× the floor`
          : 'the per-user work in JavaScript (decode, map, plan) costs more than 3× the C client’s dump',
    ),
    check(
      'Simulate, 100,000 users',
      '≤ 20 s',
      num(large, 'simulate.ms'),
      (v) => v <= 20_000,
      duration,
      () => 'per-user work grows with the directory beyond the budget on this machine',
    ),
    check(
      'Simulate peak RSS, 100,000 users (built CLI)',
      '≤ 300 MB',
      num(large, 'simulateCli.peakRssMb'),
      (v) => v <= 300,
      mb,
      () =>
        `a plan needs every directory user, pascom’s identity list and every record in memory at once: about ${(((num(large, 'simulateCli.peakRssMb') ?? 0) * 1024) / (num(large, 'users') ?? 1)).toFixed(1)} KB per user at 100,000`,
    ),
    check(
      'Import, 10,000 new users',
      '≤ 10 s',
      num(small, 'import.ms'),
      (v) => v <= 10_000,
      duration,
      () => `identities are created at ${count(num(small, 'import.perSecond'))}/s`,
    ),
    check(
      'Second import right after: writes sent',
      '0',
      num(small, 'secondImport.writesSent'),
      (v) => v === 0,
      count,
      () => 'the second plan was not empty',
    ),
  ];
}

/** The parts serve-idle measured, when it did: what a smaller process would have to give up. */
function idleRssWhy(idle: unknown): string {
  const young = num(idle, 'idleRssParts.v8YoungCommittedMb');
  const binary = num(idle, 'idleRssParts.nodeBinaryMb');
  if (young === undefined || binary === undefined) return 'the resident set of the running service is above the budget';
  return `${mb(young)} of it is V8's young generation, grown during start-up and kept while idle (V8's default size; a smaller one costs CPU per change under load), and ${mb(binary)} the node binary's own pages`;
}

function listenerChecks(results: Results): Check[] {
  const latency = results.get('listener-latency');
  const burst = results.get('listener-burst');
  const idle = results.get('serve-idle');
  const cpuPerChange = num(burst, 'connectorCpuMsPerChange');
  const deliveryWhy = (): string =>
    `the connector is CPU-bound${cpuPerChange === undefined ? '' : ` at ${cpuPerChange} ms of CPU per change`} (durable SQLite commits, HTTP, planning, LDAP decoding) on ${num(burst, 'machine.cpus') ?? '?'} cores shared with slapd, the writers and the simulator: ${count(num(burst, 'eventsPerSecond'))}/s delivered against ${count(num(burst, 'writesPerSecond'))} writes/s`;
  return [
    check(
      'Listener latency p50 (syncrepl)',
      '≤ 5 ms',
      num(latency, 'syncrepl.latencyMs.p50'),
      (v) => v <= 5,
      duration,
      () => 'each change costs more than the budget between slapd’s commit and the pascom request',
    ),
    check(
      'Listener latency p99 (syncrepl)',
      '≤ 25 ms',
      num(latency, 'syncrepl.latencyMs.p99'),
      (v) => v <= 25,
      duration,
      () => 'the slowest changes wait behind other work on the shared cores',
    ),
    check(
      'Burst, end to end',
      '≥ 2,000 changes/s',
      num(burst, 'eventsPerSecond'),
      (v) => v >= 2000,
      (v) => `${count(v)}/s`,
      deliveryWhy,
    ),
    check(
      'Burst, last request after last write',
      '≤ 1 s',
      num(burst, 'lastRequestAfterLastWriteMs'),
      (v) => v <= 1000,
      duration,
      () => `the backlog built while writes outran delivery drains after the last write (${deliveryWhy()})`,
    ),
    check(
      'Burst, lost',
      '0',
      num(burst, 'lost'),
      (v) => v === 0,
      count,
      () => 'identities missing after the burst',
    ),
    check(
      'Burst, duplicated',
      '0',
      num(burst, 'duplicated'),
      (v) => v === 0,
      count,
      () => 'logins created twice',
    ),
    check(
      'Idle RSS, built `serve`',
      '≤ 120 MB',
      num(idle, 'idleRssMb.median'),
      (v) => v <= 120,
      mb,
      () => idleRssWhy(idle),
    ),
    check(
      '`serve` ready after start',
      '≤ 1.5 s',
      num(idle, 'serveReadyMs'),
      (v) => v <= 1500,
      duration,
      () => 'opening the store, probing the directory and starting the listener take longer than the budget',
    ),
  ];
}

/** Why latency missed when delivery lagged throughout: the backlog and the typical window. */
function delivery(load: Result | undefined, typical: number | undefined): string {
  return `at ${num(load, 'workload.plannedRate') ?? '?'} changes/s on cores shared with slapd, the writer and the simulator (load average ${numbers(load, 'loadAverage.atEnd')?.[0] ?? '?'} at the end), delivery fell behind at times: backlog up to ${count(num(load, 'backlog.maxChanges'))} changes${typical === undefined ? '' : `; the median 5 s window had p50 ${duration(typical)}`}`;
}

/** Windows listed by their start at most; more read as "spread over the run". */
const LISTED_WINDOWS = 6;

/**
 * When only some 5 s windows miss the p99 target, which ones and how the others did: a one-time
 * wait (a start's first changes) reads differently from short stalls spread over the run.
 */
function slowWindows(rows: readonly unknown[], targetMs: number): string | undefined {
  const p99s = rows.flatMap((row) => num(row, 'p99Ms') ?? []);
  const slow = rows.filter((row) => (num(row, 'p99Ms') ?? 0) > targetMs);
  const others = rows.filter((row) => !slow.includes(row)).flatMap((row) => num(row, 'p99Ms') ?? []);
  if (slow.length === 0 || others.length === 0) return undefined;
  const starts = slow.map((row) => num(row, 't') ?? 0);
  const worst = Math.max(...slow.map((row) => num(row, 'p99Ms') ?? 0));
  const queue = Math.max(...slow.map((row) => num(row, 'queueMax') ?? 0));
  const when =
    slow.length <= LISTED_WINDOWS
      ? `starting at t = ${starts.join(', ')} s`
      : `spread over the run, t = ${starts[0]}–${starts.at(-1)} s`;
  const rest =
    slow.length <= LISTED_WINDOWS
      ? `every other window had p99 ≤ ${duration(Math.max(...others))}`
      : `the median window had p99 ${duration(percentile(p99s, 50))}`;
  return `${slow.length} of ${rows.length} 5 s windows missed it (${when}; p99 up to ${duration(worst)}, queue up to ${count(queue)}); ${rest}`;
}

function loadChecks(results: Results): Check[] {
  const load = results.get('load-mixed');
  const bucketP50s = list(load, 'timeline').flatMap((row) => {
    const p50 = num(row, 'p50Ms');
    return p50 === undefined ? [] : [p50];
  });
  const typical = percentile(bucketP50s, 50);
  const backlog = delivery(load, typical);
  const p99Why = slowWindows(list(load, 'timeline'), P99_TARGET_MS) ?? backlog;
  return [
    check(
      'Mixed load, lost',
      '0',
      num(load, 'lost'),
      (v) => v === 0,
      count,
      () =>
        `${count(num(load, 'finalState.missing'))} identities missing and ${count(num(load, 'finalState.wrongFields'))} with wrong fields in pascom at the end, ${count(num(load, 'diagnostics.health.queue.dead'))} dead letters in the outbox: a connector defect (first cases under “Mixed load”)`,
    ),
    check(
      'Mixed load, duplicated',
      '0',
      num(load, 'duplicated'),
      (v) => v === 0,
      count,
      () =>
        `${count(num(load, 'requests.createsObserved'))} creates for ${count(num(load, 'requests.createsExpected'))} activations, ${count(num(load, 'finalState.extra'))} extra identities`,
    ),
    check(
      'Mixed load latency p50',
      '≤ 5 ms',
      num(load, 'latencyMs.p50'),
      (v) => v <= 5,
      duration,
      () => backlog,
    ),
    check(
      'Mixed load latency p99',
      '≤ 25 ms',
      num(load, 'latencyMs.p99'),
      (v) => v <= P99_TARGET_MS,
      duration,
      () => p99Why,
    ),
  ];
}

export function targetChecks(results: Results): Check[] {
  return [...fullSyncChecks(results), ...listenerChecks(results), ...loadChecks(results)];
}
