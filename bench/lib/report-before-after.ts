/**
 * "Before and after": the same benchmarks run one after the other on this machine against the
 * code before and after a change (bench/results/before-after.json, made by bench/before-after.ts).
 */
import { count, duration, list, mb, num, table, type Result } from './report-format.js';

function loadOf(value: unknown): string {
  return Array.isArray(value) && typeof value[0] === 'number' ? value[0].toFixed(2) : '–';
}

function burstRows(runs: readonly unknown[], label: string): string[][] {
  return runs.map((run, i) => [
    `${label} ${i + 1}`,
    count(num(run, 'writesPerSecond')),
    count(num(run, 'eventsPerSecond')),
    duration(num(run, 'lastRequestAfterLastWriteMs')),
    `${num(run, 'connectorCpuMsPerChange') ?? '–'} ms`,
    `${count(num(run, 'lost'))} / ${count(num(run, 'duplicated'))}`,
    loadOf((run as Record<string, unknown>)['machine.loadAverage']),
  ]);
}

function mixedRows(runs: readonly unknown[], label: string): string[][] {
  return runs.map((run) => {
    const fields = run as Record<string, unknown>;
    const load = fields['loadAverage'];
    return [
      label,
      count(typeof fields['enabledAtStart'] === 'number' ? fields['enabledAtStart'] : undefined),
      mb(typeof fields['rss.idleBeforeMiB'] === 'number' ? fields['rss.idleBeforeMiB'] : undefined),
      duration(typeof fields['serveLiveAndSettledMs'] === 'number' ? fields['serveLiveAndSettledMs'] : undefined),
      `${String(fields['lost'] ?? '–')} / ${String(fields['duplicated'] ?? '–')}`,
      loadOf(typeof load === 'object' && load !== null ? Reflect.get(load, 'atEnd') : undefined),
    ];
  });
}

export function beforeAfterSection(results: ReadonlyMap<string, Result>): string {
  const r = results.get('before-after');
  if (r === undefined) return '';
  const title = typeof r['title'] === 'string' ? r['title'] : 'a change';
  return [
    `## Before and after: ${title}`,
    '',
    `The same benchmarks, run one after the other on this machine against the code before (\`${String(r['before'])}\`)`,
    `and after (\`${String(r['after'])}\`) the change, alternating. Load average: one minute, at the end of the run.`,
    '',
    'Burst (`bench/listener-burst.ts`, 10,000 activations):',
    '',
    table(
      [
        'Run',
        'Writes/s',
        'End to end, events/s',
        'Last request after last write',
        'Connector CPU per change',
        'Lost / duplicated',
        'Load',
      ],
      [...burstRows(list(r, 'burst.before'), 'before'), ...burstRows(list(r, 'burst.after'), 'after')],
    ),
    '',
    '`serve` after its refresh with 90,000 managed users (`bench/load-mixed.ts --runtime dist --minutes 0.05`: the built',
    '`serve`, its RSS 2 s after the refresh settled, before the load):',
    '',
    table(
      ['Code', 'Managed users', 'RSS after refresh', 'Live and settled after start', 'Lost / duplicated', 'Load'],
      [...mixedRows(list(r, 'mixed.before'), 'before'), ...mixedRows(list(r, 'mixed.after'), 'after')],
    ),
  ].join('\n');
}
