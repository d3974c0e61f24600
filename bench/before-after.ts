/**
 * Puts the results of the same benchmarks, run on this machine one after the other against the
 * code before and after a change, into bench/results/before-after.json for the report.
 * It copies figures from the given result files (each the JSON a benchmark printed); it measures
 * nothing itself.
 *
 *   npx tsx bench/before-after.ts --title "…" --before-rev REV --after-rev REV \
 *     --burst-before a.json,b.json --burst-after c.json,d.json \
 *     --mixed-before e.json --mixed-after f.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { at } from './lib/report-format.js';

const { values } = parseArgs({
  options: {
    title: { type: 'string' },
    'before-rev': { type: 'string' },
    'after-rev': { type: 'string' },
    'burst-before': { type: 'string', default: '' },
    'burst-after': { type: 'string', default: '' },
    'mixed-before': { type: 'string', default: '' },
    'mixed-after': { type: 'string', default: '' },
  },
});

const files = (list: string | undefined): string[] => (list ?? '').split(',').filter((file) => file !== '');
const read = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
const pick = (result: unknown, paths: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(paths.map((path) => [path, at(result, path)]));

const BURST = [
  'writesPerSecond',
  'eventsPerSecond',
  'lastRequestAfterLastWriteMs',
  'connectorCpuMsPerChange',
  'lost',
  'duplicated',
  'machine.loadAverage',
];
const MIXED = [
  'users',
  'enabledAtStart',
  'serveLiveAndSettledMs',
  'rss.idleBeforeMiB',
  'lost',
  'duplicated',
  'loadAverage',
];

writeFileSync(
  'bench/results/before-after.json',
  `${JSON.stringify(
    {
      benchmark: 'before-after',
      title: values.title,
      before: values['before-rev'],
      after: values['after-rev'],
      burst: {
        before: files(values['burst-before']).map((file) => pick(read(file), BURST)),
        after: files(values['burst-after']).map((file) => pick(read(file), BURST)),
      },
      mixed: {
        before: files(values['mixed-before']).map((file) => pick(read(file), MIXED)),
        after: files(values['mixed-after']).map((file) => pick(read(file), MIXED)),
      },
    },
    null,
    2,
  )}\n`,
);
