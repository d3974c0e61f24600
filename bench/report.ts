/**
 * `npm run bench:report`: writes docs/benchmarks.md (and its charts in docs/img/) from the
 * results in bench/results/*.json. It runs no benchmark (`npm run bench` does) and its output
 * depends only on those files, so regenerating without new results changes nothing.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { machineInfo, type MachineInfo } from './lib/machine.js';
import {
  at,
  count,
  duration,
  isRecord,
  keys,
  mark,
  mb,
  num,
  numbers,
  list,
  percentile,
  table,
  type Result,
} from './lib/report-format.js';
import { latencyHistogramSvg, lineChartSvg } from './lib/svg-plot.js';
import { alternativesSection } from './lib/report-alternatives.js';
import { beforeAfterSection } from './lib/report-before-after.js';
import { targetChecks } from './lib/report-targets.js';

const root = resolve(import.meta.dirname, '..');
const RESULTS = join(root, 'bench/results');
const DOC = join(root, 'docs/benchmarks.md');
const IMG = join(root, 'docs/img');

function readResults(): Map<string, Result> {
  const results = new Map<string, Result>();
  for (const file of readdirSync(RESULTS)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const parsed: unknown = JSON.parse(readFileSync(join(RESULTS, file), 'utf8'));
    if (isRecord(parsed)) results.set(file.replace(/\.json$/, ''), parsed);
  }
  return results;
}

function isMachine(value: unknown): value is MachineInfo {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, 'slapd') === 'string';
}

function machineSection(results: Map<string, Result>): string {
  const recorded = [...results.values()].map((r) => r['machine']).find(isMachine);
  const m = recorded ?? machineInfo();
  const source = recorded
    ? 'recorded by the benchmarks when they ran'
    : 'read when this report was generated (no result recorded it), so it describes the machine that generated the report';
  const loads = [...results.entries()].flatMap(([name, r]) => {
    const load = numbers(r, 'machine.loadAverage') ?? numbers(r, 'loadAverage.atEnd');
    return load === undefined ? [] : [`${name} ${load[0]?.toFixed(2) ?? '–'}`];
  });
  return [
    '## Machine',
    '',
    `Figures below were measured on this machine (${source}):`,
    '',
    table(
      ['CPU', 'Cores', 'Memory', 'OS', 'Kernel', 'Node.js', 'slapd'],
      [[m.cpuModel, String(m.cores), `${m.memGiB} GiB`, m.os, m.kernel, m.node, m.slapd]],
    ),
    '',
    'slapd, the pascom simulator, the writers and the connector share these cores; the simulator and the',
    'writers run as processes of their own. The machine is shared with other work, so timings vary run to run.',
    loads.length === 0 ? '' : `One-minute load average at the end of the runs that record it: ${loads.join(', ')}.`,
  ].join('\n');
}

function targetsSection(results: Map<string, Result>): string {
  const checks = targetChecks(results);
  const missed = checks.filter((c) => c.met === false);
  const absent = checks.filter((c) => c.met === undefined);
  return [
    '## Targets',
    '',
    'Targets of the full sync and the listener, and "nothing lost or duplicated" under load.',
    '',
    table(
      ['Figure', 'Target', 'Measured', '', 'Why not met'],
      checks.map((c) => [c.figure, c.target, c.measured, mark(c.met), c.met === false ? c.why : '']),
    ),
    '',
    missed.length === 0
      ? 'Every measured target is met.'
      : `**Missed: ${missed.length} of ${checks.length - absent.length} measured targets** — ${missed.map((c) => c.figure).join('; ')}.`,
    absent.length === 0 ? '' : `Not measured (no result file): ${absent.map((c) => c.figure).join('; ')}.`,
  ].join('\n');
}

function fullSyncSection(results: Map<string, Result>): string {
  const small = results.get('full-sync');
  const large = results.get('full-sync-100k');
  const row = (label: string, value: (r: Result | undefined) => string): string[] => [
    label,
    value(small),
    value(large),
  ];
  return [
    '## Full sync',
    '',
    'Simulate and Import against the real slapd and the pascom simulator, next to the floor: `ldapsearch`',
    '(OpenLDAP’s C client) dumping the same users with the same filter and attributes, paged (best of 3).',
    '',
    table(
      ['', count(num(small, 'users')) + ' users', count(num(large, 'users')) + ' users'],
      [
        row('`ldapsearch` floor', (r) => duration(num(r, 'ldapsearchFloorMs'))),
        row('Simulate, first run (in the benchmark process)', (r) => duration(num(r, 'simulate.ms'))),
        row('…÷ floor', (r) => (num(r, 'simulate.xFloor') === undefined ? '–' : `${num(r, 'simulate.xFloor')}×`)),
        row('Simulate, repeat run (compiled code, as in `serve`)', (r) => duration(num(r, 'simulateRepeat.ms'))),
        row('…÷ floor', (r) =>
          num(r, 'simulateRepeat.xFloor') === undefined ? '–' : `${num(r, 'simulateRepeat.xFloor')}×`,
        ),
        row('`simulate --json` (built CLI, own process)', (r) => duration(num(r, 'simulateCli.ms'))),
        row('…its peak RSS', (r) => mb(num(r, 'simulateCli.peakRssMb'))),
        row('Import of new users', (r) => duration(num(r, 'import.ms'))),
        row('…identities created per second', (r) => count(num(r, 'import.perSecond'))),
        row('Second import: changes / writes sent', (r) =>
          num(r, 'secondImport.changes') === undefined
            ? '–'
            : `${num(r, 'secondImport.changes')} / ${num(r, 'secondImport.writesSent')}`,
        ),
      ],
    ),
    '',
    '– : not measured in that run (the 100,000-user run skips the import).',
  ].join('\n');
}

function latencySection(results: Map<string, Result>): string {
  const r = results.get('listener-latency');
  if (r === undefined) return '## Listener latency\n\nNo result (bench/results/listener-latency.json is missing).';
  const samples = numbers(r, 'syncrepl.samplesMs');
  const p90 = samples === undefined ? undefined : percentile(samples, 90);
  const modeRow = (mode: string): string[] => [
    mode === 'poll' ? `poll (every ${num(r, 'poll.pollIntervalMs') ?? '?'} ms)` : mode,
    count(num(r, `${mode}.changes`)),
    duration(num(r, `${mode}.latencyMs.p50`)),
    mode === 'syncrepl' ? duration(p90) : '–',
    duration(num(r, `${mode}.latencyMs.p95`)),
    duration(num(r, `${mode}.latencyMs.p99`)),
    duration(num(r, `${mode}.latencyMs.max`)),
    duration(num(r, `${mode}.latencyFromIssueMs.p99`)),
  ];
  const lines = [
    '## Listener latency',
    '',
    'One change at a time (a display name modified), from the LDAP modify being acknowledged to the',
    'simulator receiving the matching `PUT`. The last column measures from just before the modify was sent',
    '(an upper bound that includes the LDAP round trip).',
    '',
    table(
      ['Mode', 'Changes', 'p50', 'p90', 'p95', 'p99', 'max', 'p99 from send'],
      [modeRow('syncrepl'), ...(at(r, 'poll') === undefined ? [] : [modeRow('poll')])],
    ),
  ];
  if (samples === undefined) {
    lines.push(
      '',
      'No plot: this result has no raw samples (`syncrepl.samplesMs`); re-run `npm run bench -- listener-latency`.',
    );
    return lines.join('\n');
  }
  mkdirSync(IMG, { recursive: true });
  const maxMs = Math.max(30, Math.ceil((percentile(samples, 99.5) ?? 10) / 5) * 5 + 5);
  writeFileSync(
    join(IMG, 'listener-latency.svg'),
    latencyHistogramSvg(samples, {
      title: `syncrepl latency, ${samples.length} sequential changes (LDAP ack → pascom request)`,
      binMs: maxMs > 40 ? 1 : 0.5,
      maxMs,
      markers: [
        { at: 5, label: 'p50 target 5 ms' },
        { at: 25, label: 'p99 target 25 ms' },
      ],
    }),
  );
  lines.push('', '![syncrepl latency distribution](img/listener-latency.svg)');
  return lines.join('\n');
}

function burstSection(results: Map<string, Result>): string {
  const r = results.get('listener-burst');
  if (r === undefined) return '## Burst\n\nNo result (bench/results/listener-burst.json is missing).';
  return [
    '## Burst',
    '',
    `${count(num(r, 'n'))} users activated as fast as slapd commits them (${num(r, 'writers.connections')} connections × ${num(r, 'writers.inflightPerConnection')} in flight, another process), the connector live on syncrepl.`,
    '',
    table(
      [
        'Writes/s (slapd)',
        'End to end, events/s',
        'Last request after last write',
        'Lost',
        'Duplicated',
        'Requests in flight at pascom (max)',
        'RSS peak (bench process)',
      ],
      [
        [
          count(num(r, 'writesPerSecond')),
          count(num(r, 'eventsPerSecond')),
          duration(num(r, 'lastRequestAfterLastWriteMs')),
          count(num(r, 'lost')),
          count(num(r, 'duplicated')),
          count(num(r, 'requests.maxInFlight')),
          mb(num(r, 'rss.peakMiB')),
        ],
      ],
    ),
    '',
    'The burst’s RSS is that of the benchmark process (the service plus tsx and the test fixtures); the',
    'service’s own memory is measured by serve-idle below.',
  ].join('\n');
}

function loadSection(results: Map<string, Result>): string {
  const r = results.get('load-mixed');
  if (r === undefined) return '## Mixed load\n\nNo result (bench/results/load-mixed.json is missing).';
  const kinds = keys(r, 'workload.mix');
  const pages = at(r, 'pages.routes');
  const mix = kinds.map((k) => `${k} ${Math.round((num(r, `workload.mix.${k}`) ?? 0) * 100)} %`).join(', ');
  const lat = (path: string): string[] => ['p50', 'p95', 'p99', 'max'].map((p) => duration(num(r, `${path}.${p}`)));
  const lines = [
    '## Mixed load',
    '',
    `${count(num(r, 'users'))} users in the directory (${count(num(r, 'enabledAtStart'))} enabled for pascom), bulk-loaded. The initial`,
    `sync (\`import\`, ${at(r, 'runtime') === 'dist' ? 'built CLI' : 'CLI from the sources through tsx'}) took **${duration(num(r, 'initialImport.ms'))}** (${count(num(r, 'initialImport.perSecond'))} identities/s, peak RSS ${mb(num(r, 'initialImport.peakRssMiB'))}).`,
    `Then \`serve\` (own process, syncrepl; live and settled ${duration(num(r, 'serveLiveAndSettledMs'))} after start) while`,
    `${num(r, 'workload.minutes')} minutes of changes were written at ${num(r, 'workload.plannedRate')}/s on a schedule (${mix}; seeded), and the admin page`,
    `was signed into and read every ${duration(num(r, 'pages.intervalMs'))}.`,
    '',
    table(
      [
        'Writes',
        'Achieved rate',
        'Schedule lag p99',
        'Answered',
        'Coalesced',
        'Unanswered',
        'Backlog max',
        'Drained after last write',
      ],
      [
        [
          `${count(num(r, 'writes.acknowledged'))} of ${count(num(r, 'writes.planned'))}`,
          `${num(r, 'writes.achievedRate') ?? '–'}/s`,
          duration(num(r, 'writes.scheduleLagMs.p99')),
          count(num(r, 'answered')),
          count(num(r, 'coalesced')),
          count(num(r, 'unanswered')),
          `${count(num(r, 'backlog.maxChanges'))} changes`,
          duration(num(r, 'backlog.drainAfterLastWriteMs')),
        ],
      ],
    ),
    '',
    'Latency per change, LDAP write acknowledged → pascom received the request:',
    '',
    table(
      ['Change', 'Count', 'p50', 'p95', 'p99', 'max'],
      [
        ['all', count(num(r, 'latencyMs.count')), ...lat('latencyMs')],
        ...kinds.map((k) => [k, count(num(r, `latencyByKindMs.${k}.count`)), ...lat(`latencyByKindMs.${k}`)]),
        ['all, from the planned time', count(num(r, 'latencyFromPlannedMs.count')), ...lat('latencyFromPlannedMs')],
      ],
    ),
    '',
    `Final pascom state against the expected one: ${count(num(r, 'finalState.expected'))} expected, ${count(num(r, 'finalState.missing'))} missing,`,
    `${count(num(r, 'finalState.wrongFields'))} with wrong fields, ${count(num(r, 'finalState.extra'))} extra; creates ${count(num(r, 'requests.createsObserved'))} for ${count(num(r, 'requests.createsExpected'))} activations →`,
    `**lost ${count(num(r, 'lost'))}, duplicated ${count(num(r, 'duplicated'))}**.`,
    '',
    `serve’s RSS: ${mb(num(r, 'rss.idleBeforeMiB'))} idle before the load, up to ${mb(num(r, 'rss.maxDuringMiB'))} during it (high-water mark ${mb(num(r, 'rss.peakHwmMiB'))}), ${mb(num(r, 'rss.endMiB'))} after.`,
    at(r, 'runtime') === 'dist'
      ? ''
      : '(It ran from the sources through tsx, whose loader adds some 35 MB; `dist/` was older than the sources.)',
    '',
    'Admin page during the load (server round trip from the benchmark process, signed in):',
    '',
    table(
      ['Route', 'Requests', 'p50', 'p95', 'max', 'Statuses'],
      keys(r, 'pages.routes').map((route) => [
        `\`${route}\``,
        count(num(pages, `${route}.ms.count`)),
        duration(num(pages, `${route}.ms.p50`)),
        duration(num(pages, `${route}.ms.p95`)),
        duration(num(pages, `${route}.ms.max`)),
        keys(pages, `${route}.statuses`)
          .map((status) => `${status} ×${num(pages, `${route}.statuses.${status}`) ?? '?'}`)
          .join(', '),
      ]),
    ),
  ];
  lines.push('', ...lossCases(r), ...loadCharts(r));
  return lines.join('\n');
}

/** The first users whose identity is missing: what was written, and what pascom received. */
function lossCases(r: Result): string[] {
  const stories = list(r, 'diagnostics.storiesOfMissing').slice(0, 3);
  if (stories.length === 0) return [];
  const story = (s: unknown): string[] => [
    `user ${num(s, 'user') ?? '?'}: ${list(s, 'changes').map(String).join('; ')}`,
    ...list(s, 'requests').map((line) => `  pascom: ${String(line)}`),
  ];
  return [
    'Missing identities, the first cases (ms after the first planned change):',
    '',
    '```',
    ...stories.flatMap(story),
    '```',
    '',
  ];
}

function loadCharts(r: Result): string[] {
  const rows = at(r, 'timeline');
  if (!Array.isArray(rows) || rows.length === 0) return [];
  const series = (key: string): [number, number | null][] =>
    rows.map((row) => [num(row, 't') ?? 0, num(row, key) ?? null]);
  mkdirSync(IMG, { recursive: true });
  writeFileSync(
    join(IMG, 'load-latency.svg'),
    lineChartSvg(
      [
        { label: 'p99', color: '#e15759', points: series('p99Ms') },
        { label: 'p50', color: '#4e79a7', points: series('p50Ms') },
      ],
      {
        title: 'Mixed load: latency of the changes acknowledged in each 5 s',
        xLabel: 'seconds into the load',
        yLabel: 'ms',
      },
    ),
  );
  writeFileSync(
    join(IMG, 'load-backlog.svg'),
    lineChartSvg(
      [
        { label: 'changes written, not yet at pascom', color: '#f28e2b', points: series('backlog') },
        { label: 'outbox queue (/healthz, max in 5 s)', color: '#59a14f', points: series('queueMax') },
      ],
      { title: 'Mixed load: backlog', xLabel: 'seconds into the load', yLabel: 'changes' },
    ),
  );
  return ['![latency over the load](img/load-latency.svg)', '', '![backlog over the load](img/load-backlog.svg)'];
}

function idleSection(results: Map<string, Result>): string {
  const r = results.get('serve-idle');
  if (r === undefined) return '## Idle\n\nNo result (bench/results/serve-idle.json is missing).';
  return [
    '## Idle',
    '',
    `The built \`serve\` (\`node dist/…\`, own process) after importing ${count(num(r, 'users'))} users: ready (listener live, \`/healthz\``,
    `answering) **${duration(num(r, 'serveReadyMs'))}** after spawn; idle RSS **${mb(num(r, 'idleRssMb.median'))}** (median of 5 s), high-water mark ${mb(num(r, 'peakRssMb'))};`,
    `exit status on SIGTERM ${num(r, 'exitCodeOnSigterm') ?? '–'}.`,
    ...idleParts(r),
  ].join('\n');
}

/** What the idle resident set is made of, when the run measured it. */
function idleParts(r: Result): string[] {
  const anonymous = num(r, 'idleRssParts.anonymousMb');
  if (anonymous === undefined) return [];
  return [
    '',
    `At the end of the idle phase: **${mb(anonymous)}** anonymous memory, of which V8 has committed`,
    `${mb(num(r, 'idleRssParts.v8HeapCommittedMb'))} for its heap (objects in ${mb(num(r, 'idleRssParts.v8HeapUsedMb'))}, live or not yet`,
    `collected; the young generation alone ${mb(num(r, 'idleRssParts.v8YoungCommittedMb'))}, holding ${mb(num(r, 'idleRssParts.v8YoungUsedMb'))}), and`,
    `**${mb(num(r, 'idleRssParts.fileBackedMb'))}** file-backed, ${mb(num(r, 'idleRssParts.nodeBinaryMb'))} of it the pages of the node binary`,
    'that ran (shared with other node processes, and the kernel may drop them). An idle process allocates',
    'nothing, so no collection shrinks the young generation that start-up (the initial refresh) grew.',
  ];
}

function pagesSection(results: Map<string, Result>): string {
  const r = results.get('web-pages');
  if (r === undefined) return '';
  const routes = at(r, 'routes');
  return [
    '## Admin page, no load',
    '',
    `Server time of each page with ${count(num(r, 'users'))} users in the directory (${num(r, 'runsPerRoute')} requests each):`,
    '',
    table(
      ['Route', 'Median', 'Max', 'Status'],
      keys(r, 'routes').map((route) => [
        `\`${route}\``,
        duration(num(routes, `${route}.medianMs`)),
        duration(num(routes, `${route}.maxMs`)),
        String(num(routes, `${route}.status`) ?? '–'),
      ]),
    ),
  ].join('\n');
}

function missingSection(results: Map<string, Result>): string {
  const expected = [
    'full-sync',
    'full-sync-100k',
    'listener-latency',
    'listener-burst',
    'serve-idle',
    'load-mixed',
    'web-pages',
  ];
  const missing = expected.filter((name) => !results.has(name));
  if (missing.length === 0) return '';
  return `## Not in this report\n\nNo result for: ${missing.map((m) => `\`${m}\``).join(', ')} — run \`npm run bench -- ${missing.join(' ')}\`, then \`npm run bench:report\`.`;
}

function main(): void {
  if (!existsSync(RESULTS)) throw new Error('no bench/results/: run `npm run bench` first');
  const results = readResults();
  const sections = [
    '# Benchmarks',
    '',
    '<!-- Generated by `npm run bench:report` from bench/results/*.json; edit bench/report.ts, not this file. -->',
    '',
    'Measured by `npm run bench` (each benchmark in its own process, one after the other); this page is\n' +
      'regenerated from those results by `npm run bench:report`.',
    machineSection(results),
    targetsSection(results),
    fullSyncSection(results),
    latencySection(results),
    burstSection(results),
    beforeAfterSection(results),
    loadSection(results),
    idleSection(results),
    pagesSection(results),
    alternativesSection(results),
    missingSection(results),
  ];
  mkdirSync(join(root, 'docs'), { recursive: true });
  writeFileSync(
    DOC,
    `${sections
      .filter((s) => s !== '')
      .join('\n\n')
      .replace(/\n{3,}/g, '\n\n')}\n`,
  );
  process.stdout.write(`wrote ${DOC}\n`);
}

main();
