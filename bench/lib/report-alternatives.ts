/**
 * How long a change takes to reach pascom by the other ways there are,
 * next to the measured figures. The alternatives' delays follow from their schedules, not from
 * a measurement here: pascom is proprietary and the App Center runs only on UCS.
 */
import { duration, num, table, type Result } from './report-format.js';

/** Intervals an admin might give pascom's scheduled import ("Automate"); none is documented as the default. */
const PULL_INTERVALS_MIN = [15, 60, 24 * 60];
/** The App Center converter's loop. */
const CONVERTER_CYCLE_MS = 5000;

function interval(minutes: number): string {
  if (minutes < 60) return `every ${minutes} min`;
  if (minutes < 24 * 60) return `every ${minutes / 60} h`;
  return 'daily';
}

export function alternativesSection(results: ReadonlyMap<string, Result>): string {
  const latency = results.get('listener-latency');
  const load = results.get('load-mixed');
  const p50 = num(latency, 'syncrepl.latencyMs.p50');
  const p99 = num(latency, 'syncrepl.latencyMs.p99');
  const pollP50 = num(latency, 'poll.latencyMs.p50');
  const rows: string[][] = [
    ...PULL_INTERVALS_MIN.map((minutes) => [
      `pascom’s scheduled connector import, ${interval(minutes)}`,
      'pascom pulls the whole directory on its schedule',
      duration((minutes * 60_000) / 2),
      duration(minutes * 60_000),
    ]),
    [
      'App Center listener integration',
      `a host listener writes a file per change; a converter loop every ${CONVERTER_CYCLE_MS / 1000} s hands them to the app`,
      `≥ ${duration(CONVERTER_CYCLE_MS / 2)}`,
      `≥ ${duration(CONVERTER_CYCLE_MS)}`,
    ],
    [
      'This connector, syncrepl, one change at a time',
      'slapd pushes each commit (RFC 4533)',
      `${duration(p50)} (p50)`,
      `${duration(p99)} (p99)`,
    ],
    ...(load === undefined
      ? []
      : [
          [
            `This connector, syncrepl, ${num(load, 'workload.plannedRate') ?? '?'} changes/s mixed load`,
            'the same, under load',
            `${duration(num(load, 'latencyMs.p50'))} (p50)`,
            `${duration(num(load, 'latencyMs.p99'))} (p99)`,
          ],
        ]),
    ...(pollP50 === undefined
      ? []
      : [
          [
            `This connector, poll mode every ${num(latency, 'poll.pollIntervalMs') ?? '?'} ms (fallback)`,
            'polls `modifyTimestamp`',
            `${duration(pollP50)} (p50)`,
            `${duration(num(latency, 'poll.latencyMs.max'))} (max)`,
          ],
        ]),
  ];
  const factor = p50 === undefined || p50 <= 0 ? undefined : Math.round(CONVERTER_CYCLE_MS / 2 / p50);
  return [
    '## Compared with the alternatives',
    '',
    'How long a change in UCS takes to reach pascom. The pascom and App Center rows follow from their\n' +
      'schedules, as neither can run here: a change waits on average half the interval and at worst all of\n' +
      'it, plus the run itself. pascom’s import interval is the admin’s choice;\n' +
      'the rows show common ones. The App Center cycle adds its wait to the host listener’s own delay and\n' +
      'the trigger’s run. The connector rows are measured (sections above).',
    '',
    table(['Way', 'How', 'Typical delay', 'Worst / tail'], rows),
    '',
    factor === undefined
      ? ''
      : `The App Center cycle’s average wait alone is about ${factor.toLocaleString('en-US')}× this connector’s median latency.`,
  ].join('\n');
}
